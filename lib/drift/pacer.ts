/**
 * The drift watch's share of ARM's read budget, shared by every worker process: a generic cell rate per subscription
 * kept in PostgreSQL (drift_read_slots). Each read takes the subscription's next slot and the slot after it is
 * 1/rate later, so all scans together never send more than `rate` reads a second per subscription — without a burst:
 * ARM's burst (250 reads) stays for provisioning, whose token bucket (lib/azure/throttle.ts) every read also passes.
 *
 * The default rate is 0.9 × ARM's read refill (25/s per subscription and principal): a catch-up of hundreds of sets
 * runs near the limit and a provisioning run still finds a tenth of the refill. Scheduled scans are spread over the
 * interval (schedule.ts), so in a normal cycle the pacer is far from busy.
 */
import "server-only";
import type { ReadGate } from "@/lib/azure/drift-reads";
import { ARM_LIMITS } from "@/lib/azure/throttle";
import { db } from "@/lib/db/client";

export const DEFAULT_DRIFT_READ_SHARE = 0.9;

export function driftReadsPerSecond(share = DEFAULT_DRIFT_READ_SHARE): number {
  return ARM_LIMITS.reads.refillPerSecond * share;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new Error("aborted"));
    const onAbort = () => {
      clearTimeout(t);
      reject(new Error("aborted"));
    };
    // The listener goes with the timer: a scan's signal sees hundreds of reads.
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/** A gate that lets `readsPerSecond` reads a second through per subscription, across every process on the database. */
export function databaseReadPacer(readsPerSecond = driftReadsPerSecond()): ReadGate {
  const spacingMs = 1000 / readsPerSecond;
  return {
    async take(subscriptionId, signal) {
      const rows = await db.$queryRaw<{ wait_ms: number }[]>`
        INSERT INTO drift_read_slots (subscription_id, next_at)
        VALUES (${subscriptionId.toLowerCase()}, clock_timestamp() + ${spacingMs} * interval '1 millisecond')
        ON CONFLICT (subscription_id) DO UPDATE
          SET next_at = greatest(drift_read_slots.next_at, clock_timestamp()) + ${spacingMs} * interval '1 millisecond'
        RETURNING (extract(epoch FROM (next_at - clock_timestamp())) * 1000 - ${spacingMs})::float8 AS wait_ms`;
      const wait = rows[0]?.wait_ms ?? 0;
      if (wait > 0) await sleep(wait, signal);
    },
  };
}
