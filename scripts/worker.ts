// `npm run worker`: a provisioning worker process (scale-out beside the portal, which runs one in-process unless
// ATRIUM_WORKER_IN_PROCESS=0). Needs DATABASE_URL, and in simulator mode ARM_SIMULATOR_URL (+ ARM_SIMULATOR_CA_FILE).
// SIGTERM/SIGINT: graceful stop — running steps are interrupted with their poller state saved, the jobs are released,
// and another worker resumes them.
import "dotenv/config";
import { EnvError } from "../lib/env";

const log = (message: string) => console.log(`[worker ${process.pid}] ${new Date().toISOString()} ${message}`);

async function main() {
  const { startProvisioningWorker } = await import("../lib/provisioning/worker");
  const worker = await startProvisioningWorker({ log });
  // The same process also sends notification deliveries (email, Teams, webhooks) from the outbox queue.
  const { registerNotificationWorker } = await import("../lib/notifications/worker");
  await registerNotificationWorker(worker.boss, { log: (m) => log(`notifications: ${m}`) });
  // And the lease scheduler's tick (reminders, expiry, decommission after the grace period, purges).
  const { registerLeaseWorker } = await import("../lib/leases/worker");
  const leases = await registerLeaseWorker(worker.boss, { factory: worker.factory, log: (m) => log(`leases: ${m}`) });
  // And the drift watch: its once-a-minute planning tick and the scans (reads share this process's ARM bucket).
  const { registerDriftWorker } = await import("../lib/drift/worker");
  const drift = await registerDriftWorker(worker.boss, { factory: worker.factory, log: (m) => log(`drift: ${m}`) });
  // Every worker also runs the audit sequencer (one process seals at a time) and the minute's checkpoint pass.
  const { startAuditHousekeeping } = await import("../lib/audit/housekeeping");
  const stopAudit = startAuditHousekeeping((m) => log(`audit: ${m}`));
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping gracefully`);
    await leases.stop();
    await drift.stop();
    await worker.stop({ graceful: true, timeoutMs: 20_000 });
    await stopAudit();
    log("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error) => {
  console.error(error instanceof EnvError ? error.message : error);
  process.exit(1);
});
