import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { db, type Tx } from "@/lib/db/client";
import { sealPendingAuditEvents } from "@/lib/audit/sequencer";

// The sequencer's lock (lib/audit/sequencer.ts): held only by whoever seals, never by a business transaction.
export { AUDIT_CHAIN_LOCK } from "@/lib/audit/sequencer";

export type Actor = { kind: "user"; id: string } | { kind: "system"; name: string } | { kind: "anonymous" };

export type AuditEventInput = {
  actor: Actor;
  action: `${string}.${string}`; // resource.past_verb
  entityType: string;
  entityId: string;
  requestId?: string | null;
  before?: unknown;
  after?: unknown;
  correlationId: string;
};

export function actorLabel(actor: Actor): string {
  if (actor.kind === "user") return `user:${actor.id}`;
  if (actor.kind === "system") return `system:${actor.name}`;
  return "anonymous";
}

function jsonValue(value: unknown) {
  if (value === undefined || value === null) return Prisma.DbNull;
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
}

/**
 * Appends one event inside the caller's transaction (so it commits or rolls back with the change), unsealed and
 * without any lock: timelines read it as soon as the transaction commits, and the sequencer seals it shortly after
 * (hash chain, keyed MAC) in sealing order. A rolled-back transaction's event is never visible, so never sealed.
 */
export async function recordAuditEvent(tx: Tx, input: AuditEventInput) {
  return tx.auditEvent.create({
    data: {
      occurredAt: new Date(),
      actorId: input.actor.kind === "user" ? input.actor.id : null,
      actorLabel: actorLabel(input.actor),
      action: input.action,
      entityType: input.entityType,
      entityId: input.entityId,
      requestId: input.requestId ?? null,
      before: jsonValue(input.before),
      after: jsonValue(input.after),
      correlationId: input.correlationId,
    },
    select: { id: true, hash: true },
  });
}

/**
 * For events that stand alone (sign-in, authorisation denial): its own short transaction, then a sealing pass so the
 * event is usually sealed when this returns. If another process is sealing right now, that one (or the next pass of
 * the background sequencer) seals it instead.
 */
export async function recordStandaloneAuditEvent(input: AuditEventInput) {
  const event = await db.$transaction((tx) => recordAuditEvent(tx, input));
  await sealPendingAuditEvents({ waitMs: 2000 }).catch((error: Error) =>
    console.error(`[audit] sealing after a standalone event failed (the sequencer retries): ${error.message}`),
  );
  return event;
}
