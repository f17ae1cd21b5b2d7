/**
 * The drift watch's workers, registered on a worker's pg-boss instance (the in-process worker of `npm start` and every
 * `npm run worker` process) with that process's client factory, so drift reads share the process's ARM token bucket
 * with provisioning. The cron clock runs on a small instance of its own (the provisioning instance runs no schedules):
 * pg-boss sends one `drift-tick` a minute however many instances run it.
 */
import "server-only";
import { PgBoss } from "pg-boss";
import type { ClientFactory } from "@/lib/azure/clients";
import type { ReadGate } from "@/lib/azure/drift-reads";
import { startMinuteClock } from "@/lib/jobs/queue";
import { databaseReadPacer } from "./pacer";
import { DRIFT_SCAN_QUEUE, DRIFT_TICK_QUEUE, ensureDriftQueues, type DriftScanJob } from "./queue";
import { runDriftScan } from "./scan";
import { scheduleDueScans } from "./schedule";

export interface DriftWorkerOptions {
  factory: ClientFactory;
  gate?: ReadGate;
  /** Sets this process scans at once. */
  concurrency?: number;
  /** Run the once-a-minute clock (off in tests that drive ticks themselves). */
  schedule?: boolean;
  log?: (message: string) => void;
}

export interface DriftWorker {
  stop(): Promise<void>;
}

export async function registerDriftWorker(boss: PgBoss, options: DriftWorkerOptions): Promise<DriftWorker> {
  const log = options.log ?? ((m: string) => console.log(`[drift] ${m}`));
  const gate = options.gate ?? databaseReadPacer();
  await ensureDriftQueues(boss);
  await boss.work<DriftScanJob>(
    DRIFT_SCAN_QUEUE,
    { localConcurrency: options.concurrency ?? 2, pollingIntervalSeconds: 2 },
    async ([job]) => {
      const outcome = await runDriftScan(job.data.scanId, { factory: options.factory, gate, signal: job.signal });
      if (outcome.status === "FAILED") log(`scan ${job.data.scanId} failed: ${outcome.error}`);
    },
  );
  await boss.work(DRIFT_TICK_QUEUE, { pollingIntervalSeconds: 5 }, async () => {
    const n = await scheduleDueScans();
    if (n > 0) log(`${n} scan${n === 1 ? "" : "s"} planned`);
  });
  let clock: PgBoss | undefined;
  if (options.schedule !== false) clock = await startMinuteClock(DRIFT_TICK_QUEUE, ensureDriftQueues, log);
  log(`listening on ${DRIFT_SCAN_QUEUE} and ${DRIFT_TICK_QUEUE}`);
  return {
    async stop() {
      await clock?.stop({ graceful: false, close: true });
    },
  };
}
