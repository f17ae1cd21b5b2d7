// `npm run bench:drift`: one drift cycle over 200 provisioned workspace sets against the ARM simulator with ARM's read
// limits (250 burst / 25 per s per subscription) and realistic read latency, on a fresh database.
// The sets are seeded, not provisioned: each set's rows go straight into the database, and its resources are written
// into a seeding simulator's estate through the SDK step handlers (no runs, no engine), whose state file the measured
// simulator then starts from. The cycle runs as in production: the scheduler's tick plans one scan per set (interval
// of one minute: every slot is due), pg-boss workers run them, every read passes drift's pacer and the shared bucket.
// Prints JSON {setsScanned, scanSeconds, readsPerSecondOverBudget, throttlingFailures} as the last line, where
// readsPerSecondOverBudget is the busiest subscription's reads per second over the scan ÷ ARM's read refill rate.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

const SETS = Number(process.env.BENCH_SETS ?? 200);
const TIME_SCALE = Number(process.env.BENCH_TIME_SCALE ?? 1);
const SCANS_AT_ONCE = Number(process.env.BENCH_SCANS_AT_ONCE ?? 8);
const log = (m: string) => console.log(`[bench] ${m}`);

async function main() {
  const { createTestDatabase } = await import("../tests/support/test-database");
  const database = await createTestDatabase("atrium_bench_drift");
  process.env.DATABASE_URL = database.url;
  process.env.AZURE_MODE = "simulator";
  const { reloadEnv } = await import("../lib/env");
  reloadEnv();
  const { db } = await import("../lib/db/client");
  const { startArmSimulator } = await import("../lib/azure/simulator/server");
  const { createClientFactory } = await import("../lib/azure/clients");
  const { ArmThrottle, ARM_LIMITS } = await import("../lib/azure/throttle");
  const { executeStep } = await import("../lib/azure/operations");
  const { getProducer, stopProducer } = await import("../lib/jobs/queue");
  const fixtures = await import("../tests/support/provisioning-fixtures");
  const { provisionedSetOf } = await import("../tests/support/drift-fixtures");
  const { registerDriftWorker } = await import("../lib/drift/worker");
  const { scheduleDueScans } = await import("../lib/drift/schedule");

  const settings = await db.portalSettings.findUniqueOrThrow({ where: { id: 1 } });
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-bench-drift-"));
  const stateFile = path.join(stateDir, "state.json");
  const simBase = {
    port: 0,
    certDir: path.join(os.tmpdir(), "atrium-bench-cert"),
    seed: 17,
    tenantId: settings.azureTenantId,
    landingZone: await fixtures.landingZoneFromSettings(),
    principals: await fixtures.directoryPrincipals(),
    requestLogLimit: 200_000,
  };

  // 1. Seed: database rows and the estate (a fast simulator without throttling, persisted to the state file).
  const t0 = performance.now();
  const seeder = await startArmSimulator({ ...simBase, timeScale: 0, stateFile, throttling: { enabled: false } });
  const seedFactory = createClientFactory({
    target: { mode: "simulator", endpoint: seeder.url, ca: seeder.certPem },
    throttle: new ArmThrottle({
      reads: { capacity: 1e9, refillPerSecond: 1e9 },
      writes: { capacity: 1e9, refillPerSecond: 1e9 },
      deletes: { capacity: 1e9, refillPerSecond: 1e9 },
    }),
  });
  const planSettings = await fixtures.loadSettingsForPlan();
  const members = [
    { email: "amara.okafor@contoso.com", role: "dataScientist" as const },
    { email: "diana.reyes@contoso.com", role: "mlops" as const },
  ];
  const queue = Array.from({ length: SETS }, (_, i) => i);
  const seedOne = async (i: number) => {
    const created = await fixtures.createApprovedRequestRow(
      {
        scope: `drb${String(i).padStart(3, "0")}`,
        // One set in ten has test and prod too (other subscriptions); one in three is private.
        environments: i % 10 === 0 ? ["dev", "test", "prod"] : ["dev"],
        visibility: i % 3 === 0 ? "private" : "public",
        members,
      },
      planSettings,
    );
    await provisionedSetOf(created);
    for (const step of created.plan.steps) {
      await executeStep(step, {
        clients: seedFactory.forSubscription(step.target.subscriptionId),
        pollIntervalMs: 5,
        lroState: null,
        saveLroState: async () => {},
        previousAttempts: 0,
      });
    }
  };
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) await seedOne(i);
    }),
  );
  await seeder.close();
  log(`seeded ${SETS} sets in ${Math.round(performance.now() - t0)} ms (${seeder.resources().length} resources)`);

  // 2. The measured cycle: ARM's read limits in the simulator and in the shared client-side bucket.
  const sim = await startArmSimulator({
    ...simBase,
    timeScale: TIME_SCALE,
    stateFile,
    throttling: { enabled: true, reads: ARM_LIMITS.reads, writes: ARM_LIMITS.writes, deletes: ARM_LIMITS.deletes },
  });
  const factory = createClientFactory({
    target: { mode: "simulator", endpoint: sim.url, ca: sim.certPem },
    throttle: new ArmThrottle(),
  });
  const boss = await getProducer();
  const drift = await registerDriftWorker(boss, {
    factory,
    concurrency: SCANS_AT_ONCE,
    schedule: false,
    log: () => {},
  });
  sim.resetLog();
  const start = Date.now();
  const planned = await scheduleDueScans(start, 1);
  log(`tick planned ${planned} scans over the next minute`);
  for (;;) {
    const pending = await db.driftScan.count({ where: { status: { in: ["QUEUED", "RUNNING"] } } });
    if (pending === 0) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const scans = await db.driftScan.findMany({
    select: { status: true, startedAt: true, finishedAt: true, openFindings: true },
  });
  const first = Math.min(...scans.map((s) => s.startedAt!.getTime()));
  const last = Math.max(...scans.map((s) => s.finishedAt!.getTime()));
  const scanSeconds = (last - first) / 1000;

  const reads = sim.requestLog().filter((r) => r.method === "GET");
  const bySubscription = new Map<string, number[]>();
  for (const r of reads) {
    const sub = /\/subscriptions\/([^/]+)/i.exec(r.path)?.[1]?.toLowerCase() ?? "tenant";
    bySubscription.set(sub, [...(bySubscription.get(sub) ?? []), Date.parse(r.timestamp)]);
  }
  let busiest = 0;
  for (const [sub, times] of bySubscription) {
    const rate = times.length / scanSeconds;
    // The densest 10 s of the scan, to show no window goes over the refill rate either.
    times.sort((a, b) => a - b);
    let peak = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i] - times[j] > 10_000) j++;
      peak = Math.max(peak, i - j + 1);
    }
    log(
      `subscription ${sub}: ${times.length} reads, ${rate.toFixed(2)}/s on average, densest 10 s ${(peak / 10).toFixed(1)}/s`,
    );
    busiest = Math.max(busiest, rate);
  }
  const throttled = sim.requestLog().filter((r) => r.status === 429).length;
  const failed = scans.filter((s) => s.status !== "SUCCEEDED").length;
  const findings = scans.reduce((n, s) => n + s.openFindings, 0);
  log(
    `${scans.length} scans, ${failed} failed, ${throttled} answered 429, ${findings} findings (expected 0: seeded as planned)`,
  );

  const result = {
    setsScanned: scans.filter((s) => s.status === "SUCCEEDED").length,
    scanSeconds: Math.round(scanSeconds * 10) / 10,
    readsPerSecondOverBudget: Math.round((busiest / ARM_LIMITS.reads.refillPerSecond) * 1000) / 1000,
    throttlingFailures: throttled + failed,
  };
  await drift.stop();
  await stopProducer();
  await db.$disconnect();
  await sim.close();
  await database.dispose();
  fs.rmSync(stateDir, { recursive: true, force: true });
  console.log(JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
