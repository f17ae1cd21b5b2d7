import "server-only";
import { db } from "@/lib/db/client";
import { auditEventHash, GENESIS_HASH } from "@/lib/audit/hash";

export type ChainVerification =
  { intact: true; events: number } | { intact: false; events: number; brokenAt: string; reason: string };

/** Walks the whole chain in id order, in batches (keyset), recomputing every hash. */
export async function verifyAuditChain(batchSize = 5000): Promise<ChainVerification> {
  let prevHash = GENESIS_HASH;
  let afterId = BigInt(0);
  let count = 0;
  for (;;) {
    const rows = await db.auditEvent.findMany({
      where: { id: { gt: afterId } },
      orderBy: { id: "asc" },
      take: batchSize,
    });
    if (rows.length === 0) return { intact: true, events: count };
    for (const row of rows) {
      count += 1;
      if (row.prevHash !== prevHash) {
        return {
          intact: false,
          events: count,
          brokenAt: row.id.toString(),
          reason: "previous-hash link does not match the event before it",
        };
      }
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
      if (expected !== row.hash) {
        return {
          intact: false,
          events: count,
          brokenAt: row.id.toString(),
          reason: "content does not match its stored hash",
        };
      }
      prevHash = row.hash;
      afterId = row.id;
    }
  }
}
