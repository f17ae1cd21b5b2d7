import "server-only";
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db/client";
import { recordAuditEvent } from "@/lib/audit/record-event";
import type { EntraConfig } from "@/lib/auth/entra";
import type { PortalRoleName } from "@/lib/auth/permissions";
import {
  displayEmail,
  displayName,
  ENTRA_PROVIDER_ID,
  entraAccountId,
  rolesFromClaims,
  syncRoles,
  type EntraClaims,
} from "@/lib/auth/oidc-claims";

// The database side of Entra sign-in. People are found by Entra tenant id + object id, never by email.

export class SignInRefusal extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

const ENTRA_ACTOR = { kind: "system", name: "entra-id" } as const;

/**
 * Runs after the ID token is verified, before Better Auth looks the account up. A person already known by
 * tid+oid (for example seeded, or set by an admin) gets their Entra account binding here, so Better Auth
 * finds them through it and never falls back to email. Disabled people are refused.
 */
export async function prepareEntraSignIn(claims: Pick<EntraClaims, "tid" | "oid">): Promise<void> {
  const tid = claims.tid.toLowerCase();
  const oid = claims.oid.toLowerCase();
  const person = await db.user.findUnique({
    where: { entraTenantId_entraObjectId: { entraTenantId: tid, entraObjectId: oid } },
    select: { id: true, disabled: true },
  });
  if (!person) return; // a new person: Better Auth creates them (refusing if their email is taken)
  if (person.disabled) throw new SignInRefusal("account_disabled");
  const accountId = entraAccountId(tid, oid);
  const existing = await db.account.findFirst({
    where: { providerId: ENTRA_PROVIDER_ID, accountId },
    select: { userId: true },
  });
  if (existing && existing.userId !== person.id) {
    // The binding points at someone else (an admin moved the object id): the directory identity wins.
    await db.account.updateMany({ where: { providerId: ENTRA_PROVIDER_ID, accountId }, data: { userId: person.id } });
  } else if (!existing) {
    await db.$transaction(async (tx) => {
      await tx.account.create({
        data: { id: randomUUID(), providerId: ENTRA_PROVIDER_ID, accountId, userId: person.id },
      });
      await recordAuditEvent(tx, {
        actor: ENTRA_ACTOR,
        action: "user.entra_linked",
        entityType: "user",
        entityId: person.id,
        after: { entraTenantId: tid, entraObjectId: oid },
        correlationId: randomUUID(),
      });
    });
  }
}

export function decodeIdTokenClaims(idToken: string): EntraClaims {
  return JSON.parse(Buffer.from(idToken.split(".")[1] ?? "", "base64url").toString("utf8")) as EntraClaims;
}

/**
 * Copies the verified claims onto the person at every Entra sign-in: identity (tid, oid), display name and
 * email, and roles by the rule in `syncRoles` (directory roles follow the directory, portal grants stay).
 * Called from Better Auth's account hooks, before the session is created.
 */
export async function syncEntraPerson(
  userId: string,
  claims: EntraClaims,
  config: EntraConfig,
  created: boolean,
): Promise<void> {
  const fromEntra = rolesFromClaims(claims, config.appRoleMap, config.groupRoleMap);
  const tid = claims.tid.toLowerCase();
  const oid = claims.oid.toLowerCase();
  await db.$transaction(async (tx) => {
    const person = await tx.user.findUnique({
      where: { id: userId },
      select: { roles: true, entraRoles: true, name: true, email: true },
    });
    if (!person) return;
    const roles = syncRoles(person.roles as PortalRoleName[], person.entraRoles as PortalRoleName[], fromEntra);
    const email = displayEmail(claims);
    const emailTaken = email !== person.email && (await tx.user.count({ where: { email, id: { not: userId } } })) > 0;
    const profile = { name: displayName(claims), email: emailTaken ? person.email : email };
    await tx.user.update({
      where: { id: userId },
      data: { entraTenantId: tid, entraObjectId: oid, entraRoles: fromEntra, roles, ...profile },
    });
    // The directory is the only source of names and emails (Better Auth's profile endpoints are closed), and
    // every change it makes is on the record, since approvals, notifications and exports show these fields.
    if (!created && (profile.name !== person.name || profile.email !== person.email)) {
      await recordAuditEvent(tx, {
        actor: ENTRA_ACTOR,
        action: "user.profile_synced",
        entityType: "user",
        entityId: userId,
        before: { name: person.name, email: person.email },
        after: profile,
        correlationId: randomUUID(),
      });
    }
    if (created) {
      await recordAuditEvent(tx, {
        actor: ENTRA_ACTOR,
        action: "user.created",
        entityType: "user",
        entityId: userId,
        after: { entraTenantId: tid, entraObjectId: oid, roles, source: "entra-id" },
        correlationId: randomUUID(),
      });
    } else if (JSON.stringify(roles) !== JSON.stringify(person.roles)) {
      await recordAuditEvent(tx, {
        actor: ENTRA_ACTOR,
        action: "user.roles_synced",
        entityType: "user",
        entityId: userId,
        before: { roles: person.roles, fromEntra: person.entraRoles },
        after: { roles, fromEntra },
        correlationId: randomUUID(),
      });
    }
  });
}
