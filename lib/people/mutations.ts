import "server-only";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { recordAuditEvent } from "@/lib/audit/record-event";
import type { SessionUser } from "@/lib/auth/session";
import { revalidateWaitingRequests } from "@/lib/approvals/revalidate";
import type { SetDisabledInput, UpdateRolesInput } from "@/lib/people/schemas";

/** Grants and revokes portal roles. Takes effect on the person's very next request (roles are read per request). */
export async function updateUserRoles(actor: SessionUser, input: UpdateRolesInput, correlationId: string) {
  if (input.userId === actor.id && !input.roles.includes("ADMIN")) {
    throw new AppError("INVALID", "You cannot remove your own admin role; ask another admin.", {
      roles: ["You cannot remove your own admin role."],
    });
  }
  await db.$transaction(
    async (tx) => {
      const person = await tx.user.findUnique({ where: { id: input.userId }, select: { roles: true } });
      if (!person) throw new AppError("NOT_FOUND", "That person does not exist.");
      const roles = [...new Set(input.roles)].sort();
      if (JSON.stringify([...person.roles].sort()) === JSON.stringify(roles)) return;
      await tx.user.update({ where: { id: input.userId }, data: { roles } });
      await recordAuditEvent(tx, {
        actor: { kind: "user", id: actor.id },
        action: "user.roles_changed",
        entityType: "user",
        entityId: input.userId,
        before: { roles: person.roles },
        after: { roles },
        correlationId,
      });
      // Portal admins get the Workspace Admin role on every workspace, so they are part of every plan:
      // re-plan the requests waiting for approval (approvals of a changed plan are void).
      if (person.roles.includes("ADMIN") !== roles.includes("ADMIN")) {
        await revalidateWaitingRequests(
          tx,
          { kind: "user", id: actor.id },
          correlationId,
          "The portal admins changed.",
        );
      }
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}

/**
 * Disables (or re-enables) a person. Disabling ends every session of theirs in the same transaction, and
 * sign-in refuses them from then on (lib/auth/oidc-sync.ts, the session hook in lib/auth/auth.ts).
 */
export async function setPersonDisabled(actor: SessionUser, input: SetDisabledInput, correlationId: string) {
  if (input.userId === actor.id && input.disabled) {
    throw new AppError("INVALID", "You cannot disable yourself; ask another admin.");
  }
  await db.$transaction(async (tx) => {
    const person = await tx.user.findUnique({ where: { id: input.userId }, select: { disabled: true } });
    if (!person) throw new AppError("NOT_FOUND", "That person does not exist.");
    if (person.disabled === input.disabled) return;
    await tx.user.update({ where: { id: input.userId }, data: { disabled: input.disabled } });
    const ended = input.disabled ? (await tx.session.deleteMany({ where: { userId: input.userId } })).count : 0;
    await recordAuditEvent(tx, {
      actor: { kind: "user", id: actor.id },
      action: input.disabled ? "user.disabled" : "user.enabled",
      entityType: "user",
      entityId: input.userId,
      before: { disabled: person.disabled },
      after: { disabled: input.disabled, sessionsEnded: ended },
      correlationId,
    });
  });
}
