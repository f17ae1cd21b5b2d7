// `npm run bench:provision`: the provisioning engine end to end against the ARM simulator (realistic latency profile
// scaled down by BENCH_TIME_SCALE), on a fresh database (DATABASE_URL's server, or an embedded one). One run measures:
//  A. a reference request (dev+test+prod, private, restricted, five members, three dev VM sizes, two production
//     pipelines): makespan ÷ the plan's critical path (longest dependency chain, weighted by each step's measured
//     duration), and the speed-up over running the same steps one by one (a twin request executed with concurrency 1);
//  B. 50 requests approved at once against the simulator's ARM token bucket (scaled with the time scale; the client-side
//     bucket mirrors it): runs failed by throttling, and the write rate the simulator accepted while the client's write
//     bucket was saturated, as a fraction of the refill rate;
//  C. the p95 delay from an approval's commit to its run's first ARM request, over 20 approvals committed one after
//     another (250 ms apart, as people approve), while earlier runs are still provisioning. (B's burst of 50
//     simultaneous commits is reported in the log: there the runs' start transactions queue behind each other.)
//  D. bursts of approval-shaped transactions (conditional update of the request, audit event, notifications and the
//     provisioning job in one transaction), 50 and then 200 committed at the same moment through a second database
//     pool (approvals commit in web processes, not in the worker): every run must start once and succeed; the p95 from
//     commit to the run's first ARM request for 50 (the run's checks before its first write are its first requests;
//     the log also gives the p95 to the first step's request), and the seconds until all 200 started;
//  E. the audit trail's cost: WRITERS concurrent writers commit small state changes (a conditional version bump)
//     with their audit event, and the same workload with the audit write stubbed out, alternating; the ratio of
//     their rates, the audit appends per second, and the sealing delay (sealed_at − occurred_at) p95.
// Prints JSON {makespanOverCriticalPath, speedupOverSequential, throttlingFailures, writeRateOverRefill,
// approvalToFirstArmP95Ms, burst50ApprovalToFirstArmP95Ms, burst200AllStartedSeconds, auditAppendsPerSecond,
// auditThroughputRatio, sealDelayP95Ms} as the last line.
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

const TIME_SCALE = Number(process.env.BENCH_TIME_SCALE ?? 0.01);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 50);
// ARM: writes 200 burst / 10 per s, reads 250 / 25 per s (20–10 s of burst). Scaled so saturation lasts seconds, not
// minutes: writes 40 burst / 40 per s, reads 100 / 100 per s (same 2.5 read:write ratio as ARM).
const WRITES = {
  capacity: Number(process.env.BENCH_WRITE_BURST ?? 40),
  refillPerSecond: Number(process.env.BENCH_WRITE_REFILL ?? 40),
};
const READS = { capacity: 100, refillPerSecond: 100 };
const BURSTS = [50, 200];
const WRITERS = Number(process.env.BENCH_AUDIT_WRITERS ?? 8);
const CHANGES_PER_WRITER = Number(process.env.BENCH_AUDIT_CHANGES ?? 100);

const log = (m: string) => console.log(`[bench] ${m}`);

type StepRow = { stepKey: string; startedAt: Date | null; finishedAt: Date | null; correlationId: string | null };

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  const { createTestDatabase } = await import("../tests/support/test-database");
  const database = await createTestDatabase("atrium_bench");
  process.env.DATABASE_URL = database.url;
  process.env.AZURE_MODE = "simulator";
  const { reloadEnv } = await import("../lib/env");
  reloadEnv();
  const { db } = await import("../lib/db/client");
  const { startArmSimulator } = await import("../lib/azure/simulator/server");
  const { createClientFactory } = await import("../lib/azure/clients");
  const { ArmThrottle, ARM_LIMITS } = await import("../lib/azure/throttle");
  const { stopProducer } = await import("../lib/jobs/queue");
  const fixtures = await import("../tests/support/provisioning-fixtures");
  const { runProvisioning } = await import("../lib/provisioning/executor");
  const { startProvisioningWorker } = await import("../lib/provisioning/worker");
  type Plan = import("../lib/plan/types").Plan;

  const settings = await db.portalSettings.findUniqueOrThrow({ where: { id: 1 } });
  const sim = await startArmSimulator({
    port: 0,
    timeScale: TIME_SCALE,
    stateFile: null,
    certDir: path.join(os.tmpdir(), "atrium-bench-cert"),
    seed: 11,
    tenantId: settings.azureTenantId,
    landingZone: await fixtures.landingZoneFromSettings(),
    principals: await fixtures.directoryPrincipals(),
    throttling: { writes: WRITES, reads: READS, deletes: WRITES },
    // 50 requests approved at once: a subscription with ample vCPU quota, so the engine's pre-write checks pass.
    quotaLimits: { "*": 1_000_000 },
    // Every request of every phase (the 200-approval burst alone sends thousands): first ARM requests are read back.
    requestLogLimit: 1_000_000,
  });
  const throttle = new ArmThrottle({ ...ARM_LIMITS, writes: WRITES, reads: READS, deletes: WRITES });
  const factory = createClientFactory({ target: { mode: "simulator", endpoint: sim.url, ca: sim.certPem }, throttle });
  const executor = { pollIntervalMs: 50, retryBaseMs: 200, retryMaxMs: 5000, maxStepAttempts: 8, concurrency: 32 };
  const planSettings = await fixtures.loadSettingsForPlan();
  const sizes = planSettings.vmSizes.filter((v) => v.allowed).map((v) => v.name);
  const reference = (scope: string) => ({
    scope,
    environments: ["dev", "test", "prod"] as ("dev" | "test" | "prod")[],
    visibility: "private" as const,
    restriction: "restricted" as const,
    members: [
      { email: "amara.okafor@contoso.com", role: "dataScientist" as const },
      { email: "ben.carter@contoso.com", role: "dataScientist" as const },
      { email: "maya.patel@contoso.com", role: "dataScientist" as const },
      { email: "chen.wei@contoso.com", role: "dataEngineer" as const },
      { email: "diana.reyes@contoso.com", role: "mlops" as const },
    ],
    devClusterSizes: sizes.slice(0, 3),
    pipelines: ["scoring", "training"],
  });

  const stepsOf = (requestId: string): Promise<StepRow[]> =>
    db.provisioningStep.findMany({
      where: { requestId },
      select: { stepKey: true, startedAt: true, finishedAt: true, correlationId: true },
    });
  const span = (rows: StepRow[]) => {
    const start = Math.min(...rows.map((r) => r.startedAt!.getTime()));
    const end = Math.max(...rows.map((r) => r.finishedAt!.getTime()));
    return end - start;
  };
  const criticalPath = (plan: Plan, rows: StepRow[]) => {
    const dur = new Map(rows.map((r) => [r.stepKey, r.finishedAt!.getTime() - r.startedAt!.getTime()]));
    const memo = new Map<string, number>();
    const byId = new Map(plan.steps.map((s) => [s.id, s]));
    const longest = (id: string): number => {
      if (memo.has(id)) return memo.get(id)!;
      const s = byId.get(id)!;
      const v = (dur.get(id) ?? 0) + Math.max(0, ...s.dependsOn.map(longest));
      memo.set(id, v);
      return v;
    };
    return Math.max(...plan.steps.map((s) => longest(s.id)));
  };
  const firstArmAt = (rows: StepRow[], runId?: string) => {
    const ids = new Set(rows.map((r) => r.correlationId).filter(Boolean));
    // The run's checks before its first write send the run's id as their correlation id.
    if (runId) ids.add(runId);
    const times = sim
      .requestLog()
      .filter((e) => ids.has(e.correlationId))
      .map((e) => Date.parse(e.timestamp) - e.durationMs);
    return Math.min(...times);
  };

  const { recordAuditEvent } = await import("../lib/audit/record-event");
  const { startAuditSequencer } = await import("../lib/audit/sequencer");
  const { enqueueProvisioning } = await import("../lib/jobs/queue");
  const { notifyUsers } = await import("../lib/notifications/notify");
  // The sequencer runs as in every worker process: events are sealed in the background while the runs go on.
  const stopSequencer = startAuditSequencer(log);
  // Runs at once in this one worker process: more than its database pool (10) can serve only queue inside it.
  const worker = await startProvisioningWorker({ factory, jobs: REQUESTS, executor, log: () => {} });
  const approvalDelays: number[] = [];
  const burstDelays: number[] = [];
  const t0 = performance.now();

  // A. Reference request through the worker; its twin one step at a time.
  log(`A: reference request (time scale ${TIME_SCALE})`);
  const ref = await fixtures.createApprovedRequestRow(reference("benchref"), planSettings);
  await fixtures.enqueueRun(ref);
  const refCommitted = Date.now();
  const waitRuns = async (runIds: string[]) => {
    for (;;) {
      const runs = await db.provisioningRun.findMany({
        where: { id: { in: runIds } },
        select: { status: true, errorCode: true, errorMessage: true },
      });
      if (runs.every((r) => ["SUCCEEDED", "FAILED", "CANCELLED"].includes(r.status))) return runs;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const [refRun] = await waitRuns([ref.runId]);
  if (refRun.status !== "SUCCEEDED") throw new Error(`reference run ${refRun.status}: ${refRun.errorMessage}`);
  const refRows = await stepsOf(ref.requestId);
  const refDelay = firstArmAt(refRows, ref.runId) - refCommitted;
  const makespan = span(refRows);
  const critical = criticalPath(ref.plan, refRows);
  log(`A: ${ref.plan.steps.length} steps, makespan ${makespan} ms, critical path ${critical} ms`);

  const twin = await fixtures.createApprovedRequestRow(reference("benchseq"), planSettings);
  const seqOutcome = await runProvisioning(
    { requestId: twin.requestId, runId: twin.runId },
    { ...executor, concurrency: 1, factory },
  );
  if (seqOutcome !== "SUCCEEDED") throw new Error(`sequential run ${seqOutcome}`);
  const sequential = span(await stepsOf(twin.requestId));
  log(`A: the same steps one by one: ${sequential} ms`);

  // B. 50 requests approved at once.
  log(`B: ${REQUESTS} requests approved at once (writes bucket ${WRITES.capacity} / ${WRITES.refillPerSecond} per s)`);
  const many = [];
  for (let i = 0; i < REQUESTS; i++) {
    many.push(
      await fixtures.createApprovedRequestRow(
        { scope: `bench${String(i).padStart(2, "0")}`, environments: ["dev"], visibility: "public" },
        planSettings,
      ),
    );
  }
  const logStart = sim.requestLog().length;
  const before = { ...throttle.saturation.writes };
  const committed = new Map<string, number>();
  await Promise.all(
    many.map(async (c) => {
      await fixtures.enqueueRun(c);
      committed.set(c.requestId, Date.now());
    }),
  );
  const runs = await waitRuns(many.map((c) => c.runId));
  const throttlingFailures = runs.filter(
    (r) => r.status !== "SUCCEEDED" && /throttl|TooManyRequests|429/i.test(`${r.errorCode} ${r.errorMessage}`),
  ).length;
  const otherFailures = runs.filter((r) => r.status !== "SUCCEEDED").length - throttlingFailures;
  for (const c of many) burstDelays.push(firstArmAt(await stepsOf(c.requestId), c.runId) - committed.get(c.requestId)!);

  // Writes the simulator accepted while the client's write bucket had waiters, per second, ÷ refill.
  const saturatedMs = throttle.saturation.writes.saturatedMs - before.saturatedMs;
  const grantedWhileSaturated = throttle.saturation.writes.grantedWhileSaturated - before.grantedWhileSaturated;
  const phaseLog = sim.requestLog().slice(logStart);
  const serverThrottled = phaseLog.filter((e) => e.status === 429).length;
  const serverThrottledWrites = phaseLog.filter(
    (e) => e.status === 429 && e.method !== "GET" && e.method !== "HEAD",
  ).length;
  const accepted = phaseLog.filter(
    (e) => e.method !== "GET" && e.method !== "HEAD" && e.status !== 429 && e.status !== 0,
  ).length;
  const writeRate = saturatedMs > 0 ? grantedWhileSaturated / (saturatedMs / 1000) : 0;
  log(
    `B: ${runs.filter((r) => r.status === "SUCCEEDED").length}/${REQUESTS} provisioned, ${otherFailures} other failures; ${accepted} writes accepted, ${serverThrottled} requests (${serverThrottledWrites} writes) answered 429 by the simulator and retried after Retry-After; write bucket saturated ${saturatedMs} ms with ${grantedWhileSaturated} writes → ${writeRate.toFixed(1)}/s`,
  );

  // C. Approvals one after another.
  const APPROVALS = 20;
  log(`C: ${APPROVALS} approvals, 250 ms apart`);
  const spaced = [];
  for (let i = 0; i < APPROVALS; i++)
    spaced.push(
      await fixtures.createApprovedRequestRow(
        { scope: `benchc${String(i).padStart(2, "0")}`, environments: ["dev"], visibility: "public" },
        planSettings,
      ),
    );
  const spacedCommitted = new Map<string, number>();
  for (const c of spaced) {
    await fixtures.enqueueRun(c);
    spacedCommitted.set(c.requestId, Date.now());
    await new Promise((r) => setTimeout(r, 250));
  }
  const spacedRuns = await waitRuns(spaced.map((c) => c.runId));
  if (spacedRuns.some((r) => r.status !== "SUCCEEDED")) throw new Error("a run of phase C failed");
  for (const c of spaced)
    approvalDelays.push(firstArmAt(await stepsOf(c.requestId), c.runId) - spacedCommitted.get(c.requestId)!);
  log(
    `C: approval→first ARM request p50 ${Math.round(percentile(approvalDelays, 50))} ms, p95 ${Math.round(percentile(approvalDelays, 95))} ms (reference request: ${refDelay} ms; B's burst of ${REQUESTS}: p50 ${Math.round(percentile(burstDelays, 50))} ms, p95 ${Math.round(percentile(burstDelays, 95))} ms)`,
  );

  // D. Bursts of approvals committed at the same moment.
  // As the portal's approval does: wait for a pooled connection rather than fail under a burst.
  const TX_OPTIONS = { maxWait: 30_000, timeout: 30_000 };
  const { PrismaClient } = await import("../generated/prisma/client");
  const { PrismaPg } = await import("@prisma/adapter-pg");
  // The approvals' own pool, as a web process has (lib/db/client.ts: 10 connections).
  const web = new PrismaClient({ adapter: new PrismaPg({ connectionString: database.url, max: 10 }) });
  const approve = (c: { requestId: string; runId: string }, i: number) =>
    web.$transaction(async (tx) => {
      const request = await tx.workspaceRequest.findUniqueOrThrow({
        where: { id: c.requestId },
        select: { version: true, requesterId: true },
      });
      const { count } = await tx.workspaceRequest.updateMany({
        where: { id: c.requestId, version: request.version },
        data: { version: { increment: 1 }, approvedAt: new Date() },
      });
      if (count !== 1) throw new Error("lost the conditional update");
      const jobId = await enqueueProvisioning(tx, c);
      await recordAuditEvent(tx, {
        actor: { kind: "user", id: "usr-fatima" },
        action: "request.approved",
        entityType: "request",
        entityId: c.requestId,
        requestId: c.requestId,
        before: { version: request.version },
        after: { version: request.version + 1, provisioning: "queued", runId: c.runId, jobId },
        correlationId: `bench-burst-${i}`,
      });
      await notifyUsers(tx, [request.requesterId], {
        kind: "request.approved",
        title: "Approved",
        body: "Provisioning is queued.",
        requestId: c.requestId,
      });
    }, TX_OPTIONS);
  const burstFigures = new Map<number, { p95: number; allStartedS: number }>();
  for (const size of BURSTS) {
    const created = [];
    for (let i = 0; i < size; i++)
      created.push(
        await fixtures.createApprovedRequestRow(
          { scope: `burst${size}x${String(i).padStart(3, "0")}`, environments: ["dev"], visibility: "public" },
          planSettings,
        ),
      );
    const commits = new Map<string, number>();
    const burstStart = Date.now();
    await Promise.all(
      created.map(async (c, i) => {
        await approve(c, i);
        commits.set(c.requestId, Date.now());
      }),
    );
    const burstRuns = await waitRuns(created.map((c) => c.runId));
    const failed = burstRuns.filter((r) => r.status !== "SUCCEEDED");
    if (failed.length)
      throw new Error(`D: ${failed.length} of ${size} runs did not succeed: ${failed[0].errorMessage}`);
    const ids = created.map((c) => c.requestId);
    const starts = await db.auditEvent.groupBy({
      by: ["requestId"],
      where: { requestId: { in: ids }, action: "request.provisioning_started" },
      _count: true,
    });
    const twice = starts.filter((s) => s._count !== 1).length;
    if (starts.length !== size || twice > 0) throw new Error(`D: ${starts.length} of ${size} started, ${twice} twice`);
    const jobs = await db.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM pgboss.job WHERE name = 'provision-request' AND singleton_key = ANY($1)`,
      ids,
    );
    if (Number(jobs[0].n) !== size) throw new Error(`D: ${jobs[0].n} jobs for ${size} approvals`);
    const delays: number[] = [];
    const stepDelays: number[] = [];
    let lastStart = 0;
    for (const c of created) {
      const steps = await stepsOf(c.requestId);
      const first = firstArmAt(steps, c.runId);
      delays.push(first - commits.get(c.requestId)!);
      stepDelays.push(firstArmAt(steps) - commits.get(c.requestId)!);
      lastStart = Math.max(lastStart, first);
    }
    const figures = { p95: Math.round(percentile(delays, 95)), allStartedS: (lastStart - burstStart) / 1000 };
    burstFigures.set(size, figures);
    log(
      `D: ${size} approvals at once: all committed in ${Math.max(...commits.values()) - burstStart} ms; commit→first ARM request p50 ${Math.round(percentile(delays, 50))} ms, p95 ${figures.p95} ms (→ first step's request p50 ${Math.round(percentile(stepDelays, 50))} ms, p95 ${Math.round(percentile(stepDelays, 95))} ms); all ${size} runs started within ${figures.allStartedS.toFixed(2)} s, each once, all succeeded`,
    );
  }

  // E. Audit cost: the same state changes with and without their audit write.
  const subjects: { requestId: string }[] = [];
  for (let w = 0; w < WRITERS; w++)
    subjects.push(
      await fixtures.createApprovedRequestRow(
        { scope: `audit${w}`, environments: ["dev"], visibility: "public" },
        planSettings,
      ),
    );
  const stateChanges = async (audit: boolean, round: number) => {
    const started = performance.now();
    await Promise.all(
      subjects.map(async (subject, w) => {
        for (let k = 0; k < CHANGES_PER_WRITER; k++) {
          await db.$transaction(async (tx) => {
            const row = await tx.workspaceRequest.findUniqueOrThrow({
              where: { id: subject.requestId },
              select: { version: true },
            });
            const { count } = await tx.workspaceRequest.updateMany({
              where: { id: subject.requestId, version: row.version },
              data: { version: { increment: 1 } },
            });
            if (count !== 1) throw new Error("lost the conditional update");
            if (audit)
              await recordAuditEvent(tx, {
                actor: { kind: "system", name: "bench" },
                action: "bench.changed",
                entityType: "request",
                entityId: subject.requestId,
                requestId: subject.requestId,
                before: { version: row.version },
                after: { version: row.version + 1 },
                correlationId: `bench-audit-${round}-${w}-${k}`,
              });
          }, TX_OPTIONS);
        }
      }),
    );
    return (WRITERS * CHANGES_PER_WRITER) / ((performance.now() - started) / 1000);
  };
  const rates = { on: [] as number[], off: [] as number[] };
  for (let round = 0; round < 2; round++) {
    rates.off.push(await stateChanges(false, round));
    rates.on.push(await stateChanges(true, round));
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const auditRatio = mean(rates.on) / mean(rates.off);
  // Wait until the sequencer has sealed everything, then read the sealing delays of this phase's events.
  for (;;) {
    if ((await db.auditEvent.count({ where: { hash: null } })) === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const sealed = await db.$queryRawUnsafe<{ ms: number }[]>(
    `SELECT extract(epoch FROM (sealed_at - occurred_at)) * 1000 AS ms FROM audit_events
      WHERE action IN ('bench.changed', 'request.approved') AND sealed_at IS NOT NULL`,
  );
  const sealDelayP95 = Math.round(
    percentile(
      sealed.map((r) => Number(r.ms)),
      95,
    ),
  );
  log(
    `E: ${WRITERS} writers × ${CHANGES_PER_WRITER} state changes: ${mean(rates.on).toFixed(0)}/s with the audit trail, ${mean(rates.off).toFixed(0)}/s with its write stubbed out (ratio ${auditRatio.toFixed(3)}); sealing delay p95 ${sealDelayP95} ms over ${sealed.length} events`,
  );
  const { verifyAuditChain } = await import("../lib/audit/verify");
  const chain = await verifyAuditChain();
  log(`chain: ${chain.intact ? "intact" : `BROKEN at #${chain.brokenAt}`} (${chain.events} events)`);
  if (!chain.intact) throw new Error("the audit chain does not verify");

  const result = {
    makespanOverCriticalPath: Math.round((makespan / critical) * 1000) / 1000,
    speedupOverSequential: Math.round((sequential / makespan) * 100) / 100,
    throttlingFailures,
    writeRateOverRefill: Math.round((writeRate / WRITES.refillPerSecond) * 1000) / 1000,
    approvalToFirstArmP95Ms: Math.round(percentile(approvalDelays, 95)),
    burst50ApprovalToFirstArmP95Ms: burstFigures.get(50)!.p95,
    burst200AllStartedSeconds: Math.round(burstFigures.get(200)!.allStartedS * 100) / 100,
    auditAppendsPerSecond: Math.round(mean(rates.on)),
    auditThroughputRatio: Math.round(auditRatio * 1000) / 1000,
    sealDelayP95Ms: sealDelayP95,
  };
  log(`total ${Math.round(performance.now() - t0)} ms`);

  await web.$disconnect();
  await worker.stop({ graceful: false });
  await stopSequencer();
  await stopProducer();
  await db.$disconnect();
  await sim.close();
  await database.dispose();
  console.log(JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
