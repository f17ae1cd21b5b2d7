import "server-only";
import { db } from "@/lib/db/client";
import { auditEventHash, auditEventMac, GENESIS_HASH } from "@/lib/audit/hash";
import { auditKey, type AuditKey } from "@/lib/audit/key";
import { readCheckpoints, type CheckpointSet } from "@/lib/audit/checkpoints";

export type ChainVerification = (
  { intact: true; events: number } | { intact: false; events: number; brokenAt: string; reason: string }
) & { keyed: number; checkpoints: number };

type Row = Awaited<ReturnType<typeof db.auditEvent.findMany>>[number];
type Walk = { key: AuditKey | null; keyedFrom: bigint | null; seenKeyed: boolean; expectedHashes: Map<string, string> };

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
  if (row.mac !== null) {
    if (!walk.key) return "the event is keyed but no audit key is configured (AUDIT_HMAC_KEY), so it cannot be checked";
    if (auditEventMac(walk.key.bytes, row.hash) !== row.mac) {
      return "keyed MAC does not match: the event or one before it was rewritten and the chain recomputed without the key";
    }
    walk.seenKeyed = true;
  } else if (walk.seenKeyed || (walk.keyedFrom !== null && row.id >= walk.keyedFrom)) {
    return "event has no keyed MAC although the chain was keyed before it";
  }
  const published = walk.expectedHashes.get(row.id.toString());
  if (published !== undefined && published !== row.hash) return "hash differs from the checkpoint published for it";
  walk.expectedHashes.delete(row.id.toString());
  return null;
}

/**
 * Walks the whole chain in id order, in batches (keyset), recomputing every hash and, from the switch-over point
 * on, every keyed MAC; then checks that the chain still reaches every checkpoint published outside the database.
 */
export async function verifyAuditChain(
  batchSize = 5000,
  options: { key?: AuditKey | null; checkpoints?: CheckpointSet } = {},
): Promise<ChainVerification> {
  const key = options.key === undefined ? auditKey() : options.key;
  const { checkpoints, invalid } = options.checkpoints ?? readCheckpoints(key);
  const base = { keyed: 0, checkpoints: checkpoints.length };
  if (invalid.length > 0) {
    const reason = `checkpoint ${invalid[0]} is not signed with the audit key (forged or altered)`;
    return { intact: false, events: 0, brokenAt: "checkpoint", reason, ...base };
  }
  const switchOvers = checkpoints.map((c) => c.keyedFrom).filter((id): id is string => id !== null);
  const walk: Walk = {
    key,
    keyedFrom: switchOvers.length ? switchOvers.map(BigInt).reduce((a, b) => (a < b ? a : b)) : null,
    seenKeyed: false,
    expectedHashes: new Map(checkpoints.map((c) => [c.eventId, c.hash])),
  };
  let prevHash = GENESIS_HASH;
  let afterId = BigInt(0);
  let count = 0;
  for (;;) {
    const rows = await db.auditEvent.findMany({
      where: { id: { gt: afterId } },
      orderBy: { id: "asc" },
      take: batchSize,
    });
    if (rows.length === 0) break;
    for (const row of rows) {
      count += 1;
      const problem = rowProblem(row, prevHash, walk);
      if (problem) return { intact: false, events: count, brokenAt: row.id.toString(), reason: problem, ...base };
      if (row.mac !== null) base.keyed += 1;
      prevHash = row.hash;
      afterId = row.id;
    }
  }
  // Checkpointed events the walk never met: removed from the end (truncation) or from the middle.
  const missing = checkpoints.find((c) => walk.expectedHashes.has(c.eventId));
  if (missing) {
    const reason =
      BigInt(missing.eventId) > afterId
        ? `the chain ends at #${afterId} but a checkpoint published ${missing.writtenAt} records #${missing.eventId}: events were removed`
        : `checkpoint #${missing.eventId} (published ${missing.writtenAt}) names an event the chain no longer contains`;
    return { intact: false, events: count, brokenAt: missing.eventId, reason, ...base };
  }
  return { intact: true, events: count, ...base };
}
