import "server-only";
import { PgBoss, fromPrisma } from "pg-boss";
import type { Tx } from "@/lib/db/client";
import { databaseUrl } from "@/lib/env";

// pg-boss lives in its own schema beside Prisma's tables and spreads jobs over every worker with SKIP LOCKED.
export const PROVISION_QUEUE = "provision-request";
/** Where pg-boss moves a provisioning job that used up its retries: a worker then fails the run visibly. */
export const PROVISION_EXHAUSTED_QUEUE = "provision-request-exhausted";
export const BOSS_SCHEMA = "pgboss";

export type ProvisionJob = { requestId: string; runId: string };

// Queue policy: `exclusive` + singletonKey = request id → at most one queued-or-active job per request, so two
// workers never provision the same request at once.
//
// Crash recovery (tuned by the provisioning engine): a worker sends a heartbeat every heartbeatSeconds/2 = 5 s while it
// holds a job; when a worker dies (SIGKILL, OOM, node loss) the heartbeats stop and the supervisor of any live worker
// (every ATRIUM_WORKER_MONITOR_SECONDS, default 5 s; lib/provisioning/worker.ts) fails the job once its heartbeat is
// older than heartbeatSeconds = 10 s and puts it back to `retry`; it becomes fetchable after retryDelay (1 s,
// doubling, ≤ 30 s) and a worker's 2 s poll fetches it (a retry sends no NOTIFY, so the worker's notify backstop poll
// is lowered from pg-boss's 30 s to 2 s). Bound for the first crash: 10 + 5 + 1 + 2 ≈ 18 s (measured in the SIGKILL
// tests: 15–20 s with a 2 s monitor), well under a minute — against
// pg-boss's default of 15 min (expiry without heartbeats). expireInSeconds (1 h) only caps a run that is alive but
// stuck; a reference run takes minutes on real Azure, and a worker that outlives it aborts via job.signal.
// retryLimit counts worker crashes (and graceful stops), not Azure errors (those are retried per step inside the run).
// A job that uses them all up goes to the dead-letter queue PROVISION_EXHAUSTED_QUEUE, whose handler ends the run
// FAILED with a message that says to retry — otherwise the run would stay "running" with no job left to finish it.
// notify: the job's INSERT emits NOTIFY inside the approval's transaction, so a listening worker starts the run
// milliseconds after the commit instead of after a poll interval.
export const PROVISION_QUEUE_OPTIONS = {
  policy: "exclusive" as const,
  retryLimit: 10,
  retryDelay: 1,
  retryBackoff: true,
  retryDelayMax: 30,
  expireInSeconds: 3600,
  heartbeatSeconds: 10,
  notify: true,
  deadLetter: PROVISION_EXHAUSTED_QUEUE,
};

const globalForBoss = globalThis as unknown as { atriumBoss?: Promise<PgBoss> };

/** A producer-only instance for this process (web or script): sends jobs, runs no maintenance. */
export function getProducer(): Promise<PgBoss> {
  globalForBoss.atriumBoss ??= (async () => {
    const boss = new PgBoss({
      connectionString: databaseUrl(),
      schema: BOSS_SCHEMA,
      supervise: false,
      schedule: false,
      max: 4,
    });
    boss.on("error", (error) => console.error("[pg-boss]", error));
    await boss.start();
    await ensureQueues(boss);
    return boss;
  })();
  return globalForBoss.atriumBoss;
}

export async function ensureQueues(boss: PgBoss) {
  // The dead-letter queue first: a queue's deadLetter must name an existing queue.
  if (!(await boss.getQueue(PROVISION_EXHAUSTED_QUEUE))) {
    await boss.createQueue(PROVISION_EXHAUSTED_QUEUE, { retryLimit: 5, retryDelay: 5, retryBackoff: true });
  }
  if (!(await boss.getQueue(PROVISION_QUEUE))) {
    await boss.createQueue(PROVISION_QUEUE, PROVISION_QUEUE_OPTIONS);
    return;
  }
  // createQueue keeps an existing queue's options: bring a queue created by an older release up to date.
  const { policy: _policy, heartbeatSeconds: _hb, retryDelayMax: _max, ...updatable } = PROVISION_QUEUE_OPTIONS;
  await boss.updateQueue(PROVISION_QUEUE, updatable);
}

/**
 * Enqueues provisioning inside the caller's transaction (the job table is the outbox): the job exists
 * if and only if the approval commits. Returns null when a job for this request is already queued or active.
 */
export async function enqueueProvisioning(tx: Tx, job: ProvisionJob): Promise<string | null> {
  const boss = await getProducer();
  return boss.send(PROVISION_QUEUE, job, { db: fromPrisma(tx), singletonKey: job.requestId });
}

/** Stops this process's producer (scripts and tests, on exit). */
export async function stopProducer() {
  const boss = globalForBoss.atriumBoss;
  globalForBoss.atriumBoss = undefined;
  if (boss) await (await boss).stop({ graceful: false, close: true });
}

/**
 * A pg-boss instance whose only work is its cron: `queue` gets a job every minute. pg-boss keeps the schedule in the
 * database and sends each minute's job once however many processes run a clock, so every worker may run one.
 */
export async function startMinuteClock(
  queue: string,
  ensure: (boss: PgBoss) => Promise<void>,
  log: (message: string) => void,
): Promise<PgBoss> {
  const clock = new PgBoss({
    connectionString: databaseUrl(),
    schema: BOSS_SCHEMA,
    schedule: true,
    supervise: false,
    max: 2,
  });
  clock.on("error", (e) => log(`clock: ${e instanceof Error ? e.message : String(e)}`));
  await clock.start();
  await ensure(clock);
  await clock.schedule(queue, "* * * * *");
  return clock;
}
