/**
 * The drift watch's pg-boss queues: `drift-scan` (one job per scan row; the row, not the job, says a set is scanned
 * once per cycle) and `drift-tick` (a cron schedule, once a minute across every instance, that plans the cycle).
 */
import "server-only";
import { fromPrisma, type PgBoss } from "pg-boss";
import type { Tx } from "@/lib/db/client";
import { getProducer } from "@/lib/jobs/queue";

export const DRIFT_SCAN_QUEUE = "drift-scan";
export const DRIFT_TICK_QUEUE = "drift-tick";
export type DriftScanJob = { scanId: string };

export async function ensureDriftQueues(boss: PgBoss) {
  if (!(await boss.getQueue(DRIFT_SCAN_QUEUE))) {
    // A crashed worker's scan is tried again; a scan that keeps failing is recorded FAILED by its handler.
    await boss.createQueue(DRIFT_SCAN_QUEUE, {
      retryLimit: 3,
      retryDelay: 30,
      retryBackoff: true,
      expireInSeconds: 900,
      heartbeatSeconds: 30,
    });
  }
  // One tick at a time: a slow tick is never overtaken by the next minute's.
  if (!(await boss.getQueue(DRIFT_TICK_QUEUE))) await boss.createQueue(DRIFT_TICK_QUEUE, { policy: "singleton" });
}

let producerQueues: Promise<void> | undefined;

/** Enqueues a scan inside the caller's transaction (the job table is the outbox), to start at `startAfter`. */
export async function enqueueDriftScan(tx: Tx, job: DriftScanJob, startAfter?: Date): Promise<string | null> {
  const boss = await getProducer();
  producerQueues ??= ensureDriftQueues(boss);
  await producerQueues;
  return boss.send(DRIFT_SCAN_QUEUE, job, {
    db: fromPrisma(tx),
    singletonKey: job.scanId,
    ...(startAfter ? { startAfter } : {}),
  });
}
