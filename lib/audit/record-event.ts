import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { db, type Tx } from "@/lib/db/client";
import { auditEventHash, auditEventMac, GENESIS_HASH } from "@/lib/audit/hash";
import { auditKey } from "@/lib/audit/key";

// Every audit write takes this transaction-scoped advisory lock, so the chain is strictly linear
// even with many app and worker processes writing at once.
export const AUDIT_CHAIN_LOCK = 0x41_75_64_69; // "Audi"

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

/** Appends one event to the chain, inside the caller's transaction (so it commits or rolls back with the change). */
export async function recordAuditEvent(tx: Tx, input: AuditEventInput) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK}::bigint)`;
  const last = await tx.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { hash: true } });
  const prevHash = last?.hash ?? GENESIS_HASH;
  const content = {
    occurredAt: new Date(),
    actorId: input.actor.kind === "user" ? input.actor.id : null,
    actorLabel: actorLabel(input.actor),
    action: input.action,
    entityType: input.entityType,
    entityId: input.entityId,
    requestId: input.requestId ?? null,
    before: input.before === undefined ? null : JSON.parse(JSON.stringify(input.before)),
    after: input.after === undefined ? null : JSON.parse(JSON.stringify(input.after)),
    correlationId: input.correlationId,
  };
  const hash = auditEventHash(prevHash, content);
  const key = auditKey();
  return tx.auditEvent.create({
    data: {
      ...content,
      before: jsonValue(content.before),
      after: jsonValue(content.after),
      prevHash,
      hash,
      mac: key ? auditEventMac(key.bytes, hash) : null,
    },
    select: { id: true, hash: true },
  });
}

/** For events that stand alone (sign-in, authorisation denial): its own short transaction. */
export async function recordStandaloneAuditEvent(input: AuditEventInput) {
  return db.$transaction((tx) => recordAuditEvent(tx, input));
}
