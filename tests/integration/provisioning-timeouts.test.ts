// [PROVISIONING] No call may hang and throttling spends no attempts, run in-process against the simulator: hung ARM
// requests are timed out and sent again; a resource that never answers fails its step with an actionable error; a
// long-running operation that outlives its kind's deadline fails its step (not retried in the run); 429s on polls are
// waited out on the bucket without spending an attempt; and a worker that stops after a step failed for good (job
// signal, as on SIGTERM) leaves that decision alone: the resumed run ends failed and the failed PUT is not re-sent; a
// step's failure is never kept without its audit event.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ArmSimulator, FaultRule } from "@/lib/azure/simulator/server";
import { createClientFactory, type RequestTimeouts } from "@/lib/azure/clients";
import { db } from "@/lib/db/client";
import { stopProducer } from "@/lib/jobs/queue";
import type { StepKind } from "@/lib/plan/types";
import { runProvisioning, type ExecutorOptions } from "@/lib/provisioning/executor";
import { createApprovedRequestRow, type CreatedRequest } from "@/tests/support/provisioning-fixtures";
import { FAST_EXECUTOR, FAST_RETRY, startTestSimulator } from "./provisioning-support";

let sim: ArmSimulator;

beforeAll(async () => {
  // Compute instances take ≈ 1.5 s at this scale, clusters ≈ 0.3 s: long enough to act while one is in flight.
  sim = await startTestSimulator({ timeScale: 0.005, seed: 41 });
});

afterAll(async () => {
  await stopProducer();
  await sim?.close();
});

function executor(timeouts: Partial<RequestTimeouts>, extra: Partial<ExecutorOptions> = {}): ExecutorOptions {
  const factory = createClientFactory({
    target: { mode: "simulator", endpoint: sim.url, ca: sim.certPem },
    retryOptions: FAST_RETRY,
    timeouts: { throttledReadBackoffMs: () => 5, ...timeouts },
  });
  return { ...FAST_EXECUTOR, factory, ...extra };
}

const stepOf = (c: CreatedRequest, kind: StepKind) => c.plan.steps.find((s) => s.kind === kind)!;
const stepRow = (c: CreatedRequest, kind: StepKind) =>
  db.provisioningStep.findUniqueOrThrow({
    where: { requestId_stepKey: { requestId: c.requestId, stepKey: stepOf(c, kind).id } },
  });
const runRow = (c: CreatedRequest) => db.provisioningRun.findUniqueOrThrow({ where: { id: c.runId } });
const pathOf = (c: CreatedRequest, kind: StepKind) => new URL(`https://arm${stepOf(c, kind).resourceId}`).pathname;
const requestsTo = (path: string, method?: string) =>
  sim.requestLog().filter((r) => r.path.toLowerCase() === path.toLowerCase() && (!method || r.method === method));

async function provisionWith(scope: string, rules: FaultRule[], options: ExecutorOptions) {
  const created = await createApprovedRequestRow({ scope, environments: ["dev"] });
  sim.setFaults({ seed: 5150, rules });
  try {
    const started = Date.now();
    const outcome = await runProvisioning({ requestId: created.requestId, runId: created.runId }, options);
    return { created, outcome, ms: Date.now() - started };
  } finally {
    sim.setFaults({ rules: [] });
  }
}

describe("[PROVISIONING] timeouts, deadlines and throttled polls", () => {
  it("times out hung requests and sends them again; the step spends no attempt on them", async () => {
    const created = await createApprovedRequestRow({ scope: "tohang", environments: ["dev"] });
    const pathPattern = `/computes/${stepOf(created, "computeInstance").name}$`;
    sim.setFaults({ seed: 5150, rules: [{ kind: "hang", method: "PUT", pathPattern, count: 2 }] });
    const outcome = await runProvisioning(created, executor({ requestMs: 300 }));
    sim.setFaults({ rules: [] });

    expect(outcome).toBe("SUCCEEDED");
    const puts = requestsTo(pathOf(created, "computeInstance"), "PUT");
    expect(puts.map((r) => r.fault)).toEqual(["hang", "hang", null]);
    expect(await stepRow(created, "computeInstance")).toMatchObject({ status: "SUCCEEDED", attempts: 1 });
  });

  it("fails a step whose resource never answers, in bounded time, with an error that says what to do", async () => {
    const { created, outcome, ms } = await provisionWith(
      "tonever",
      [{ kind: "hang", pathPattern: "/computes/cc-" }],
      executor({ requestMs: 250 }, { maxStepAttempts: 2 }),
    );
    expect(outcome).toBe("FAILED");
    const step = await stepRow(created, "computeCluster");
    expect(step).toMatchObject({ status: "FAILED", attempts: 2, errorCode: "RequestTimedOut" });
    expect(step.errorMessage).toContain("Azure did not answer");
    expect(step.errorMessage).toContain("then retry");
    expect(await runRow(created)).toMatchObject({ status: "FAILED", errorCode: "RequestTimedOut" });
    // Two attempts × (1 + 3 SDK retries) × 250 ms, plus backoff: seconds, not for ever.
    expect(ms).toBeLessThan(20_000);
  });

  it("ends an operation that outlives its kind's deadline: the step fails once, not retried in the run", async () => {
    const { created, outcome, ms } = await provisionWith(
      "todeadl",
      // Every poll of a compute operation hangs; the request timeout (30 s) is far beyond the deadlines.
      [{ kind: "hang", method: "GET", pathPattern: "/computeOperationsStatus/" }],
      executor({ requestMs: 30_000 }, { stepDeadlineMs: { computeInstance: 600, computeCluster: 600 } }),
    );
    expect(outcome).toBe("FAILED");
    for (const kind of ["computeInstance", "computeCluster"] as const) {
      const step = await stepRow(created, kind);
      expect(step).toMatchObject({ status: "FAILED", attempts: 1, errorCode: "OperationTimedOut" });
      expect(step.errorMessage).toContain("a retry waits for it again");
    }
    expect(ms).toBeLessThan(15_000);
    const failedEvents = await db.auditEvent.count({
      where: { requestId: created.requestId, action: "provisioning.step_failed" },
    });
    expect(failedEvents).toBe(2);
  });

  it("waits out repeated 429s on polls (with and without Retry-After) without spending a step's attempts", async () => {
    const polls = "/computeOperationsStatus/";
    const { created, outcome } = await provisionWith(
      "to429",
      [
        { kind: "throttle", method: "GET", pathPattern: polls, count: 1, retryAfterSeconds: 1 },
        { kind: "throttle-no-retry-after", method: "GET", pathPattern: polls, count: 12 },
      ],
      executor({}, { maxStepAttempts: 2 }),
    );
    expect(outcome).toBe("SUCCEEDED");
    const throttled = sim.requestLog().filter((r) => r.path.includes(polls) && r.status === 429);
    expect(throttled.length).toBe(13);
    const steps = await db.provisioningStep.findMany({ where: { requestId: created.requestId } });
    expect(steps.map((s) => [s.stepKey, s.attempts])).toEqual(steps.map((s) => [s.stepKey, 1]));
  });

  it("keeps a step's failure when the worker stops while other steps are in flight; the resumed run ends failed", async () => {
    const created = await createApprovedRequestRow({ scope: "tostop", environments: ["dev"] });
    const cluster = stepOf(created, "computeCluster");
    sim.setFaults({
      seed: 5150,
      rules: [
        {
          kind: "lro-failed",
          method: "PUT",
          pathPattern: `/computes/${cluster.name}$`,
          count: 1,
          errorCode: "QuotaExceeded",
          errorMessage: "Not enough standardDSv2Family cores.",
        },
      ],
    });
    const stop = new AbortController();
    const first = runProvisioning(created, executor({}, { signal: stop.signal }));
    // The window: the cluster failed for good, the compute instance is still being created.
    const where = { requestId_stepKey: { requestId: created.requestId, stepKey: cluster.id } };
    while ((await db.provisioningStep.findUnique({ where }))?.status !== "FAILED") {
      await new Promise((r) => setTimeout(r, 5));
    }
    expect((await stepRow(created, "computeInstance")).status).toBe("RUNNING");
    stop.abort();
    await expect(first).rejects.toThrow(/worker is stopping/);
    expect(await runRow(created)).toMatchObject({ status: "RUNNING" });
    sim.setFaults({ rules: [] });

    // Another worker resumes the run: the failure is kept, the instance finishes, the run fails.
    expect(await runProvisioning(created, executor({}))).toBe("FAILED");
    expect(await stepRow(created, "computeCluster")).toMatchObject({
      status: "FAILED",
      attempts: 1,
      errorCode: "QuotaExceeded",
    });
    expect(await stepRow(created, "computeInstance")).toMatchObject({ status: "SUCCEEDED" });
    expect(await runRow(created)).toMatchObject({
      status: "FAILED",
      failedStepKey: cluster.id,
      errorCode: "QuotaExceeded",
    });
    expect(requestsTo(pathOf(created, "computeCluster"), "PUT")).toHaveLength(1);
    expect(requestsTo(pathOf(created, "computeInstance"), "PUT")).toHaveLength(1);
    const events = await db.auditEvent.findMany({
      where: { requestId: created.requestId, action: "provisioning.step_failed" },
    });
    expect(events).toHaveLength(1);
  });

  it("writes a step's failure and its audit event together or not at all", async () => {
    const created = await createApprovedRequestRow({ scope: "toatom", environments: ["dev"] });
    const cluster = stepOf(created, "computeCluster");
    // The event cannot be written (as when the worker dies between the two writes): the status must not stay either.
    const admin = new pg.Client({ connectionString: process.env.SUPERUSER_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE FUNCTION refuse_step_failed() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN IF NEW.action = 'provisioning.step_failed' THEN RAISE EXCEPTION 'audit unavailable'; END IF;
      RETURN NEW; END $$`);
    await admin.query(`CREATE TRIGGER refuse_step_failed BEFORE INSERT ON audit_events
      FOR EACH ROW EXECUTE FUNCTION refuse_step_failed()`);
    sim.setFaults({
      seed: 5150,
      rules: [
        {
          kind: "lro-failed",
          method: "PUT",
          pathPattern: `/computes/${cluster.name}$`,
          count: 1,
          errorCode: "QuotaExceeded",
          errorMessage: "Not enough standardDSv2Family cores.",
        },
      ],
    });
    try {
      await expect(runProvisioning(created, executor({}))).rejects.toThrow(/audit unavailable/);
    } finally {
      await admin.query("DROP TRIGGER refuse_step_failed ON audit_events");
      await admin.query("DROP FUNCTION refuse_step_failed()");
      await admin.end();
      sim.setFaults({ rules: [] });
    }
    expect((await stepRow(created, "computeCluster")).status).toBe("RUNNING");
    expect(
      await db.auditEvent.count({ where: { requestId: created.requestId, action: "provisioning.step_failed" } }),
    ).toBe(0);
    // The steps in flight finished before the run gave up (nothing of it keeps running in this process).
    expect((await stepRow(created, "computeInstance")).status).toBe("SUCCEEDED");

    // Resumed, the step polls the same operation (no new PUT), finds it failed and records both at once.
    expect(await runProvisioning(created, executor({}))).toBe("FAILED");
    expect(await stepRow(created, "computeCluster")).toMatchObject({ status: "FAILED", errorCode: "QuotaExceeded" });
    expect(requestsTo(pathOf(created, "computeCluster"), "PUT")).toHaveLength(1);
    const events = await db.auditEvent.findMany({
      where: { requestId: created.requestId, action: "provisioning.step_failed" },
    });
    expect(events.map((e) => (e.after as { stepKey: string }).stepKey)).toEqual([cluster.id]);
  });
});
