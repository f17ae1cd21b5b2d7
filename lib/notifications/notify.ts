import "server-only";
import type { PortalRole } from "@/generated/prisma/enums";
import type { Tx } from "@/lib/db/client";
import { writeOutbox } from "./outbox";

export type NotificationInput = { kind: string; title: string; body: string; requestId?: string | null };

/**
 * Notifies people inside the caller's transaction: an inbox entry each (in-app is always on), and the outbox rows
 * for the channels they chose (email, Teams) plus the subscribed webhooks, delivered by the job queue after commit.
 */
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
  await writeOutbox(tx, unique, input);
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

/** The people a request concerns: its requester and the members it names. */
export async function requestAudience(tx: Tx, requestId: string): Promise<string[]> {
  const row = await tx.workspaceRequest.findUnique({
    where: { id: requestId },
    select: { requesterId: true, members: { select: { userId: true } } },
  });
  return row ? [row.requesterId, ...row.members.map((m) => m.userId)] : [];
}

/** The MLOps engineers of a request's team (they follow and retry its runs). */
export async function teamMlops(tx: Tx, requestId: string): Promise<string[]> {
  const row = await tx.workspaceRequest.findUnique({ where: { id: requestId }, select: { teamId: true } });
  if (!row?.teamId) return [];
  const people = await tx.user.findMany({
    where: { roles: { has: "MLOPS" }, disabled: false, teamMemberships: { some: { teamId: row.teamId } } },
    select: { id: true },
  });
  return people.map((p) => p.id);
}
