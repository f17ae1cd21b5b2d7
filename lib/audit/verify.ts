import "server-only";
import { db } from "@/lib/db/client";
import { auditEventHash, auditEventMac, GENESIS_HASH } from "@/lib/audit/hash";
import { auditKey, type AuditKey } from "@/lib/audit/key";
import { readCheckpoints, type CheckpointSet } from "@/lib/audit/checkpoints";
import { pendingAuditEvents, sealPendingAuditEvents } from "@/lib/audit/sequencer";

export type ChainVerification = (
  { intact: true; events: number } | { intact: false; events: number; brokenAt: string; reason: string }
) & {
  keyed: number;
  checkpoints: number;
  /** Committed events the sequencer has not sealed yet (normally none right after the sealing pass verify runs). */
  pending: number;
  oldestPendingMs: number | null;
};

type Row = Awaited<ReturnType<typeof db.auditEvent.findMany>>[number];
type Walk = {
  key: AuditKey | null;
  /** Switch-over events named by checkpoints (event ids); from the first of them on, every event must be keyed. */
  switchOvers: Set<string>;
  mustBeKeyed: boolean;
  expectedHashes: Map<string, string>;
};

/** Why this row breaks the chain, or null when it holds: link, content hash, MAC, published checkpoints. */
function rowProblem(row: Row, prevHash: string, walk: Walk): string | null {
  if (row.prevHash !== prevHash) return "previous-hash link does not match the event before it";
  const expected = auditEventHash(prevHash, {
    occurredAt: row.occurredAt,
    actorId: row.actorId,
    actorLabel: row.actorLabel,
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    requestId: row.requestId,
    before: row.before,
    after: row.after,
    correlationId: row.correlationId,
  });
  if (expected !== row.hash) return "content does not match its stored hash";
  if (walk.switchOvers.has(row.id.toString())) walk.mustBeKeyed = true;
  if (row.mac !== null) {
    if (!walk.key) return "the event is keyed but no audit key is configured (AUDIT_HMAC_KEY), so it cannot be checked";
    if (auditEventMac(walk.key.bytes, row.hash) !== row.mac) {
      return "keyed MAC does not match: the event or one before it was rewritten and the chain recomputed without the key";
    }
    walk.mustBeKeyed = true;
  } else if (walk.mustBeKeyed) {
    return "event has no keyed MAC although the chain was keyed before it";
  }
  const published = walk.expectedHashes.get(row.id.toString());
  if (published !== undefined && published !== row.hash) return "hash differs from the checkpoint published for it";
  walk.expectedHashes.delete(row.id.toString());
  return null;
}

/**
 * Seals what is pending (waiting briefly for a running sequencer), then walks the whole chain in chain order (seq),
 * in batches (keyset), recomputing every hash and, from the switch-over point on, every keyed MAC; then checks that
 * the chain still reaches every checkpoint and switch-over point published outside the database.
 */
export async function verifyAuditChain(
  batchSize = 5000,
  options: { key?: AuditKey | null; checkpoints?: CheckpointSet; seal?: boolean } = {},
): Promise<ChainVerification> {
  const key = options.key === undefined ? auditKey() : options.key;
  if (options.seal !== false) await sealPendingAuditEvents({ waitMs: 10_000, key });
  const { checkpoints, invalid } = options.checkpoints ?? readCheckpoints(key);
  const base = { keyed: 0, checkpoints: checkpoints.length, ...(await pendingAuditEvents()) };
  if (invalid.length > 0) {
    const reason = `checkpoint ${invalid[0]} is not signed with the audit key (forged or altered)`;
    return { intact: false, events: 0, brokenAt: "checkpoint", reason, ...base };
  }
  const walk: Walk = {
    key,
    switchOvers: new Set(checkpoints.map((c) => c.keyedFrom).filter((id): id is string => id !== null)),
    mustBeKeyed: false,
    expectedHashes: new Map(checkpoints.map((c) => [c.eventId, c.hash])),
  };
  const metSwitchOvers = new Set<string>();
  let prevHash = GENESIS_HASH;
  let afterSeq = BigInt(-1);
  let newestId = BigInt(0);
  let count = 0;
  for (;;) {
    const rows = await db.auditEvent.findMany({
      where: { hash: { not: null }, seq: { gt: afterSeq } },
      orderBy: { seq: "asc" },
      take: batchSize,
    });
    if (rows.length === 0) break;
    for (const row of rows) {
      count += 1;
      const problem = rowProblem(row, prevHash, walk);
      if (problem) return { intact: false, events: count, brokenAt: row.id.toString(), reason: problem, ...base };
      if (row.mac !== null) base.keyed += 1;
      if (walk.switchOvers.has(row.id.toString())) metSwitchOvers.add(row.id.toString());
      prevHash = row.hash!;
      afterSeq = row.seq;
      if (row.id > newestId) newestId = row.id;
    }
  }
  // Checkpointed events the walk never met: removed from the end (truncation) or from the middle.
  const missing = checkpoints.find((c) => walk.expectedHashes.has(c.eventId));
  if (missing) {
    const reason =
      BigInt(missing.eventId) > newestId
        ? `the chain ends at #${newestId} but a checkpoint published ${missing.writtenAt} records #${missing.eventId}: events were removed`
        : `checkpoint #${missing.eventId} (published ${missing.writtenAt}) names an event the chain no longer contains`;
    return { intact: false, events: count, brokenAt: missing.eventId, reason, ...base };
  }
  const lostSwitchOver = [...walk.switchOvers].find((id) => !metSwitchOvers.has(id));
  if (lostSwitchOver) {
    const reason = `checkpoints record the first keyed event #${lostSwitchOver}, which the chain no longer contains`;
    return { intact: false, events: count, brokenAt: lostSwitchOver, reason, ...base };
  }
  return { intact: true, events: count, ...base };
}
