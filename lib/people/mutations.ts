import "server-only";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { recordAuditEvent } from "@/lib/audit/record-event";
import type { SessionUser } from "@/lib/auth/session";
import type { UpdateRolesInput } from "@/lib/people/schemas";

/** Grants and revokes portal roles. Takes effect on the person's very next request (roles are read per request). */
export async function updateUserRoles(actor: SessionUser, input: UpdateRolesInput, correlationId: string) {
  if (input.userId === actor.id && !input.roles.includes("ADMIN")) {
    throw new AppError("INVALID", "You cannot remove your own admin role; ask another admin.", { roles: ["You cannot remove your own admin role."] });
  }
  await db.$transaction(async (tx) => {
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
  });
}
