import "server-only";
import type { PortalRole } from "@/generated/prisma/enums";
import type { Tx } from "@/lib/db/client";

export type NotificationInput = { kind: string; title: string; body: string; requestId?: string | null };

/** Adds an inbox entry for each person, inside the caller's transaction. */
export async function notifyUsers(tx: Tx, userIds: readonly string[], input: NotificationInput) {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return;
  await tx.notification.createMany({
    data: unique.map((userId) => ({
      userId,
      kind: input.kind,
      title: input.title,
      body: input.body,
      requestId: input.requestId ?? null,
    })),
  });
}

/** Notifies everyone holding a portal role (optionally leaving some people out, e.g. the actor). */
export async function notifyRole(
  tx: Tx,
  role: PortalRole,
  input: NotificationInput,
  exceptUserIds: readonly string[] = [],
) {
  const people = await tx.user.findMany({
    where: { roles: { has: role }, disabled: false, id: { notIn: [...exceptUserIds] } },
    select: { id: true },
  });
  await notifyUsers(
    tx,
    people.map((p) => p.id),
    input,
  );
}
