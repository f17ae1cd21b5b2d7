import "server-only";
import { db, type Tx } from "@/lib/db/client";

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

/** JSON text for a jsonb column (NULL for no value), as the sealer will read it back and hash it. */
function jsonText(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/**
 * Appends one event inside the caller's transaction (so it commits or rolls back with the change), unsealed and
 * without any lock: timelines read it as soon as the transaction commits, and the sequencer seals it shortly after
 * (hash chain, keyed MAC) in sealing order. A rolled-back transaction's event is never visible, so never sealed.
 * A plain INSERT rather than the model's create: every state change pays for it (what it costs: phase E of
 * `npm run bench:provision`).
 */
export async function recordAuditEvent(tx: Tx, input: AuditEventInput): Promise<{ id: bigint; hash: string | null }> {
  // The statement starts with its verb (no leading whitespace), so that it reads plainly in pg_stat_activity.
  const [row] = await tx.$queryRaw<{ id: bigint }[]>`INSERT INTO audit_events
      (occurred_at, actor_id, actor_label, action, entity_type, entity_id, request_id, before, after, correlation_id)
    VALUES (${new Date()}::timestamptz, ${input.actor.kind === "user" ? input.actor.id : null}, ${actorLabel(input.actor)},
      ${input.action}, ${input.entityType}, ${input.entityId}, ${input.requestId ?? null}::uuid,
      ${jsonText(input.before)}::jsonb, ${jsonText(input.after)}::jsonb, ${input.correlationId})
    RETURNING id`;
  return { id: BigInt(row.id), hash: null };
}

/**
 * For events that stand alone (sign-in, authorisation denial, export): its own short transaction. The background
 * sequencer of the launcher and of every worker seals it within its interval (lib/audit/sequencer.ts); the request
 * that recorded it does not wait for a sealing pass (an export's first bytes would queue behind every other
 * export's pass for the sealer's lock).
 */
export async function recordStandaloneAuditEvent(input: AuditEventInput) {
  return db.$transaction((tx) => recordAuditEvent(tx, input));
}
