import "server-only";
import { PgBoss, fromPrisma } from "pg-boss";
import type { Tx } from "@/lib/db/client";
import { databaseUrl } from "@/lib/env";

// pg-boss lives in its own schema beside Prisma's tables and spreads jobs over every worker with SKIP LOCKED.
export const PROVISION_QUEUE = "provision-request";
export const BOSS_SCHEMA = "pgboss";

export type ProvisionJob = { requestId: string; runId: string };

// Queue policy: `exclusive` + singletonKey = request id → at most one queued-or-active job per request, so two
// workers never provision the same request at once. Heartbeats let a crashed worker's job be picked up again
// within heartbeatSeconds + the supervisor's monitor interval (see lib/provisioning for the worker side).
export const PROVISION_QUEUE_OPTIONS = {
  policy: "exclusive" as const,
  retryLimit: 3,
  retryDelay: 5,
  retryBackoff: true,
  retryDelayMax: 120,
  expireInSeconds: 3600,
  heartbeatSeconds: 10,
};

const globalForBoss = globalThis as unknown as { atriumBoss?: Promise<PgBoss> };

/** A producer-only instance for this process (web or script): sends jobs, runs no maintenance. */
export function getProducer(): Promise<PgBoss> {
  globalForBoss.atriumBoss ??= (async () => {
    const boss = new PgBoss({ connectionString: databaseUrl(), schema: BOSS_SCHEMA, supervise: false, schedule: false, max: 4 });
    boss.on("error", (error) => console.error("[pg-boss]", error));
    await boss.start();
    await ensureQueues(boss);
    return boss;
  })();
  return globalForBoss.atriumBoss;
}

export async function ensureQueues(boss: PgBoss) {
  if (!(await boss.getQueue(PROVISION_QUEUE))) await boss.createQueue(PROVISION_QUEUE, PROVISION_QUEUE_OPTIONS);
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
