import "server-only";
import { cache } from "react";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { auth } from "@/lib/auth/auth";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { hasPermission, permissionsOf, type Permission, type PortalRoleName } from "@/lib/auth/permissions";
import { recordStandaloneAuditEvent } from "@/lib/audit/record-event";
import { getCorrelationId } from "@/lib/correlation";

export type SessionUser = {
  id: string;
  name: string;
  email: string;
  roles: PortalRoleName[];
  entraObjectId: string | null;
  teamIds: string[];
  sessionId: string;
};

/**
 * The signed-in person, read fresh from the database on every request: a revoked role or a disabled
 * person takes effect on the very next request. Null when there is no valid session.
 */
export const getCurrentUser = cache(async (): Promise<SessionUser | null> => {
  const session = await auth.api.getSession({ headers: await headers() });
  if (!session) return null;
  const absoluteLimitMs = env().SESSION_ABSOLUTE_HOURS * 3600_000;
  if (Date.now() - new Date(session.session.createdAt).getTime() > absoluteLimitMs) {
    await db.session.deleteMany({ where: { id: session.session.id } });
    return null;
  }
  const user = await db.user.findUnique({
    where: { id: session.user.id },
    select: {
      id: true,
      name: true,
      email: true,
      roles: true,
      disabled: true,
      entraObjectId: true,
      teamMemberships: { select: { teamId: true } },
    },
  });
  if (!user || user.disabled) return null;
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    roles: user.roles,
    entraObjectId: user.entraObjectId,
    teamIds: user.teamMemberships.map((m) => m.teamId),
    sessionId: session.session.id,
  };
});

export function can(user: Pick<SessionUser, "roles"> | null, permission: Permission): boolean {
  return !!user && hasPermission(user.roles, permission);
}

export function permissionList(user: Pick<SessionUser, "roles">): Permission[] {
  return [...permissionsOf(user.roles)];
}

export async function auditDenial(user: SessionUser | null, permission: string, entity?: { type: string; id: string }) {
  await recordStandaloneAuditEvent({
    actor: user ? { kind: "user", id: user.id } : { kind: "anonymous" },
    action: "authz.denied",
    entityType: entity?.type ?? "permission",
    entityId: entity?.id ?? permission,
    after: { permission },
    correlationId: await getCorrelationId(),
  });
}

/** For pages: the signed-in person, or a redirect to sign-in. */
export async function requireUser(): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) redirect("/sign-in");
  return user;
}

/** For pages: the signed-in person holding `permission`, or the 403 page (and an audit event). */
export async function requirePagePermission(permission: Permission): Promise<SessionUser> {
  const user = await requireUser();
  if (!can(user, permission)) {
    await auditDenial(user, permission);
    forbidden();
  }
  return user;
}
