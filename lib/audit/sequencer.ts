import "server-only";
// The audit sequencer: seals events that business transactions appended without any lock. One process at a time
// (a transaction-scoped advisory lock held only while sealing) takes the committed, unsealed events, gives each the
// next chain position from the id sequence and its prev_hash / hash / keyed MAC, and writes them in one transaction.
// Only committed events are visible to it, so an event of a transaction that rolled back (or has not committed yet)
// is never sealed; a crash mid-pass rolls the pass back and the next pass starts again from the sealed head.
// Argument and attacker model: lib/audit/README.md.
import { auditEventHash, auditEventMac, GENESIS_HASH, type HashedAuditContent } from "@/lib/audit/hash";
import { auditKey, type AuditKey } from "@/lib/audit/key";
import { db } from "@/lib/db/client";

/** Advisory lock id of the chain ("Audi"): taken by the sealer only. */
export const AUDIT_CHAIN_LOCK = 0x41_75_64_69;
export const AUDIT_SEAL_BATCH = 500;
/** Pause of the background sequencer when nothing was pending (the sealing delay's bound, plus one pass). */
export const AUDIT_SEAL_INTERVAL_MS = 100;

export type SealPass = { sealed: number; headSeq: string | null };

/** An unsealed event as the sealer reads it: what the hash covers, and where it goes. */
type PendingEvent = HashedAuditContent & { id: bigint };

const LOCK_NOT_AVAILABLE = "55P03";

function isLockTimeout(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message} ${(error as { code?: string }).code ?? ""}` : String(error);
  return text.includes(LOCK_NOT_AVAILABLE) || /lock timeout/i.test(text);
}

/** One batch in one transaction; null when another process holds the sealer's lock (it is sealing). */
async function sealBatch(key: AuditKey | null, waitMs: number, batchSize: number): Promise<SealPass | null> {
  return db.$transaction(
    async (tx) => {
      if (waitMs > 0) {
        await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = '${Math.round(waitMs)}ms'`);
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK}::bigint)`;
      } else {
        const [got] = await tx.$queryRaw<{ ok: boolean }[]>`
          SELECT pg_try_advisory_xact_lock(${AUDIT_CHAIN_LOCK}::bigint) AS ok`;
        if (!got.ok) return null;
      }
      // The background sequencer never queues behind someone holding the table (a superuser's LOCK TABLE, a
      // migration): it skips the pass and comes back, instead of adding a waiter that others would queue behind.
      await tx.$executeRawUnsafe(`LOCK TABLE audit_events IN ROW EXCLUSIVE MODE${waitMs > 0 ? "" : " NOWAIT"}`);
      // Read after taking the lock: every event committed by now is visible to these statements.
      // A plain query for the hashed columns only: the sealer reads every event once, and decoding whole model rows
      // was most of its CPU.
      const pending = await tx.$queryRaw<PendingEvent[]>`
        SELECT id, occurred_at AS "occurredAt", actor_id AS "actorId", actor_label AS "actorLabel", action,
               entity_type AS "entityType", entity_id AS "entityId", request_id::text AS "requestId", before, after,
               correlation_id AS "correlationId"
          FROM audit_events WHERE hash IS NULL ORDER BY id LIMIT ${batchSize}`;
      if (pending.length === 0) return { sealed: 0, headSeq: null };
      const [head] = await tx.$queryRaw<{ hash: string }[]>`
        SELECT hash FROM audit_events WHERE hash IS NOT NULL ORDER BY seq DESC LIMIT 1`;
      const seqs = await tx.$queryRaw<{ seq: bigint }[]>`
        SELECT nextval('audit_events_id_seq'::regclass) AS seq FROM generate_series(1, ${pending.length}::int)`;
      const ordered = seqs.map((r) => BigInt(r.seq)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      let prev = head?.hash ?? GENESIS_HASH;
      const ids: string[] = [];
      const positions: string[] = [];
      const prevs: string[] = [];
      const hashes: string[] = [];
      const macs: (string | null)[] = [];
      pending.forEach((row, i) => {
        const hash = auditEventHash(prev, {
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
        ids.push(row.id.toString());
        positions.push(ordered[i].toString());
        prevs.push(prev);
        hashes.push(hash);
        macs.push(key ? auditEventMac(key.bytes, hash) : null);
        prev = hash;
      });
      const updated = await tx.$executeRawUnsafe(
        `UPDATE audit_events a
            SET seq = u.seq, prev_hash = u.prev_hash, hash = u.hash, mac = u.mac, sealed_at = now()
           FROM unnest($1::text[]::bigint[], $2::text[]::bigint[], $3::text[], $4::text[], $5::text[])
                  AS u(id, seq, prev_hash, hash, mac)
          WHERE a.id = u.id AND a.hash IS NULL`,
        ids,
        positions,
        prevs,
        hashes,
        macs,
      );
      // Another sealer cannot have sealed these rows (we hold the lock); refuse to commit a partial chain if it did.
      if (updated !== pending.length) throw new Error(`sealed ${updated} of ${pending.length} events; retrying`);
      return { sealed: pending.length, headSeq: positions.at(-1)! };
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
}

/**
 * Seals every committed, unsealed event, batch by batch. `waitMs` 0: skip when another process is sealing (the
 * background loop); > 0: wait that long for it (standalone events, verification). Returns null when skipped.
 */
export async function sealPendingAuditEvents(
  options: { waitMs?: number; batchSize?: number; key?: AuditKey | null } = {},
): Promise<SealPass | null> {
  const key = options.key === undefined ? auditKey() : options.key;
  const batchSize = options.batchSize ?? AUDIT_SEAL_BATCH;
  let total: SealPass = { sealed: 0, headSeq: null };
  for (;;) {
    let pass: SealPass | null;
    try {
      pass = await sealBatch(key, options.waitMs ?? 0, batchSize);
    } catch (error) {
      if (isLockTimeout(error)) return total.sealed > 0 ? total : null;
      throw error;
    }
    if (!pass) return total.sealed > 0 ? total : null;
    total = { sealed: total.sealed + pass.sealed, headSeq: pass.headSeq ?? total.headSeq };
    if (pass.sealed < batchSize) return total;
  }
}

/** Unsealed events and the age of the oldest (verification and health). */
export async function pendingAuditEvents(): Promise<{ pending: number; oldestPendingMs: number | null }> {
  const [row] = await db.$queryRaw<{ n: bigint; oldest: Date | null }[]>`
    SELECT count(*) AS n, min(occurred_at) AS oldest FROM audit_events WHERE hash IS NULL`;
  return { pending: Number(row.n), oldestPendingMs: row.oldest ? Date.now() - row.oldest.getTime() : null };
}

/**
 * The background sequencer of a long-running process (launcher, web, worker): every process runs one and at most
 * one seals at a time. A cheap look at the unsealed-events index decides whether a pass is needed at all.
 */
export function startAuditSequencer(
  log: (line: string) => void,
  intervalMs = AUDIT_SEAL_INTERVAL_MS,
): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  let failures = 0;
  const tick = () => {
    running = (async () => {
      let next = intervalMs;
      try {
        const [any] = await db.$queryRaw<{ n: number }[]>`
          SELECT count(*)::int AS n FROM (SELECT 1 FROM audit_events WHERE hash IS NULL LIMIT 1) p`;
        if (any.n > 0) {
          const pass = await sealPendingAuditEvents();
          if (pass && pass.sealed >= AUDIT_SEAL_BATCH) next = 0;
        }
        failures = 0;
      } catch (error) {
        failures += 1;
        if (failures === 1 || failures % 100 === 0)
          log(`Audit sequencer pass failed (retrying): ${error instanceof Error ? error.message : String(error)}`);
        next = Math.min(5000, intervalMs * 2 ** Math.min(failures, 6));
      }
      if (!stopped) {
        timer = setTimeout(tick, next);
        timer.unref();
      }
    })();
  };
  tick();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}
