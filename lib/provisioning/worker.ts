/**
 * The provisioning worker: a pg-boss consumer of the `provision-request` queue. It runs inside the portal's process in
 * the embedded default (lib/platform/services.ts) and as separate `npm run worker` processes to scale out.
 *
 * - LISTEN/NOTIFY (queue `notify`) starts a run milliseconds after the approval commits; a 2 s poll is the backstop.
 * - Every worker supervises: its monitor (every 5 s) fails jobs whose heartbeat stopped (10 s), so a crashed worker's
 *   run is picked up again within ≈ 20 s (see lib/jobs/queue.ts for the bound).
 * - Graceful stop (SIGTERM): pg-boss aborts job.signal, the executor stops between or inside SDK calls (poller state is
 *   saved), the job is released for retry, and another worker resumes it.
 * - A job that used up its retries (a run that keeps killing its worker) arrives on the dead-letter queue: the run
 *   ends FAILED with a message that says to retry, instead of staying "running" for ever.
 */
import "server-only";
import { PgBoss } from "pg-boss";
import { databaseUrl, env } from "@/lib/env";
import {
  BOSS_SCHEMA,
  ensureQueues,
  PROVISION_EXHAUSTED_QUEUE,
  PROVISION_QUEUE,
  type ProvisionJob,
} from "@/lib/jobs/queue";
import { createClientFactory, azureTargetFromEnv, type ClientFactory, type RetryOptions } from "@/lib/azure/clients";
import { db } from "@/lib/db/client";
import { runProvisioning, type ExecutorOptions } from "./executor";
import { failExhaustedRun } from "./run-state";

export interface WorkerOptions {
  /** Runs this process takes at once. */
  jobs?: number;
  factory?: ClientFactory;
  executor?: Partial<Omit<ExecutorOptions, "factory" | "signal">>;
  retryOptions?: RetryOptions;
  /** Seconds between supervisor passes (heartbeat monitor). */
  monitorIntervalSeconds?: number;
  pollingIntervalSeconds?: number;
  log?: (message: string) => void;
}

export interface ProvisioningWorker {
  boss: PgBoss;
  factory: ClientFactory;
  stop(options?: { graceful?: boolean; timeoutMs?: number }): Promise<void>;
}

export async function executorOptionsFromEnv(factory: ClientFactory): Promise<ExecutorOptions> {
  const e = env();
  return {
    factory,
    concurrency: e.ATRIUM_PROVISION_CONCURRENCY,
    pollIntervalMs: e.ATRIUM_PROVISION_POLL_MS,
    maxStepAttempts: e.ATRIUM_PROVISION_STEP_ATTEMPTS,
    retryBaseMs: e.ATRIUM_PROVISION_RETRY_BASE_MS,
  };
}

/** The client factory for this process: simulator or real Azure, with the tenant from the portal settings. */
export async function defaultClientFactory(retryOptions?: RetryOptions): Promise<ClientFactory> {
  const settings = await db.portalSettings.findUnique({ where: { id: 1 }, select: { azureTenantId: true } });
  return createClientFactory({ target: azureTargetFromEnv(settings?.azureTenantId), retryOptions });
}

export async function startProvisioningWorker(options: WorkerOptions = {}): Promise<ProvisioningWorker> {
  const log = options.log ?? ((m: string) => console.log(`[worker] ${m}`));
  const factory = options.factory ?? (await defaultClientFactory(options.retryOptions));
  const base = { ...(await executorOptionsFromEnv(factory)), ...options.executor, factory, log };
  const monitor = options.monitorIntervalSeconds ?? env().ATRIUM_WORKER_MONITOR_SECONDS;
  const boss = new PgBoss({
    connectionString: databaseUrl(),
    schema: BOSS_SCHEMA,
    supervise: true,
    superviseIntervalSeconds: monitor,
    monitorIntervalSeconds: monitor,
    schedule: false,
    useListenNotify: true,
    max: 4,
  });
  boss.on("error", (error) => log(`pg-boss error: ${error instanceof Error ? error.message : String(error)}`));
  await boss.start();
  await ensureQueues(boss);
  await boss.work<ProvisionJob>(
    PROVISION_QUEUE,
    {
      localConcurrency: options.jobs ?? env().ATRIUM_WORKER_JOBS,
      pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2,
      // With NOTIFY on, pg-boss otherwise polls only every 30 s — and a job released by a crashed worker comes back
      // through `retry` + startAfter, which sends no NOTIFY. 2 s keeps the recovery bound short.
      notifyPollingIntervalSeconds: options.pollingIntervalSeconds ?? 2,
    },
    async ([job]) => {
      log(`job ${job.id} start request=${job.data.requestId} run=${job.data.runId} retry=${job.retryCount}`);
      try {
        const outcome = await runProvisioning(job.data, { ...base, signal: job.signal });
        log(`job ${job.id} end request=${job.data.requestId} outcome=${outcome}`);
      } catch (err) {
        log(
          `job ${job.id} released request=${job.data.requestId}: ${err instanceof Error ? err.message : String(err)}`,
        );
        throw err;
      }
    },
  );
  await boss.work<ProvisionJob>(
    PROVISION_EXHAUSTED_QUEUE,
    { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 },
    async ([job]) => {
      const failed = await failExhaustedRun(job.data);
      log(`job ${job.id} exhausted request=${job.data.requestId} run=${job.data.runId} failed=${failed}`);
    },
  );
  log(
    `listening on ${PROVISION_QUEUE} (${options.jobs ?? env().ATRIUM_WORKER_JOBS} runs at once, ${base.concurrency} steps per run)`,
  );
  return {
    boss,
    factory,
    async stop({ graceful = true, timeoutMs = 30_000 } = {}) {
      await boss.stop({ graceful, timeout: timeoutMs, close: true });
    },
  };
}
