// [PROVISIONING] SIGKILL of real worker processes at the moments where a crash could change a decision: after a step
// failed for good while others were in flight (the resumed run ends failed, the failed PUT is not re-sent), between a
// step's status and its audit event (neither is kept without the other), during a hung ARM call (the run resumes and completes, nothing created twice), and a job whose retries are all spent on crashes (the run ends failed with a
// message that says to retry, and a retry completes it).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ArmSimulator, FaultRule } from "@/lib/azure/simulator/server";
import { db } from "@/lib/db/client";
import { getProducer, PROVISION_QUEUE, stopProducer } from "@/lib/jobs/queue";
import type { StepKind } from "@/lib/plan/types";
import { retryRunAction } from "@/lib/provisioning/actions";
import { createApprovedRequestRow, enqueueRun, type CreatedRequest } from "@/tests/support/provisioning-fixtures";
import { CRASHES_EXHAUSTED_MESSAGE } from "@/lib/provisioning/run-state";
import { actAs } from "../support/act-as";
import { clearProvisioningQueue, effectivePutsByPath, startTestSimulator, waitForRuns } from "./provisioning-support";
import { until, WorkerProcesses } from "./provisioning-processes";

let sim: ArmSimulator;
let workers: WorkerProcesses;

beforeAll(async () => {
  // Compute instances take ≈ 3 s at this scale, clusters ≈ 0.6 s.
  sim = await startTestSimulator({ timeScale: 0.01, seed: 83 });
  await clearProvisioningQueue();
  workers = new WorkerProcesses(sim);
  await Promise.all([workers.start(), workers.start()]);
});

afterAll(async () => {
  for (const c of workers?.children ?? []) c.kill("SIGKILL");
  await stopProducer();
  await sim?.close();
});

const stepOf = (c: CreatedRequest, kind: StepKind) => c.plan.steps.find((s) => s.kind === kind)!;
const stepRow = (c: CreatedRequest, kind: StepKind) =>
  db.provisioningStep.findUnique({
    where: { requestId_stepKey: { requestId: c.requestId, stepKey: stepOf(c, kind).id } },
  });
const putsTo = (c: CreatedRequest, kind: StepKind) => {
  const path = new URL(`https://arm${stepOf(c, kind).resourceId}`).pathname.toLowerCase();
  return sim.requestLog().filter((r) => r.method === "PUT" && r.path.toLowerCase() === path);
};
const quotaFault = (c: CreatedRequest): FaultRule => ({
  kind: "lro-failed",
  method: "PUT",
  pathPattern: `/computes/${stepOf(c, "computeCluster").name}$`,
  count: 1,
  errorCode: "QuotaExceeded",
  errorMessage: "Not enough standardDSv2Family cores (injected).",
});

/** Kills the worker that holds the request and starts a replacement (the survivor may pick the job up first). */
async function killHolder(c: CreatedRequest) {
  const holder = await until("a worker holding the request", async () => workers.holderOf(c.requestId));
  workers.kill(holder);
  await workers.start();
}

async function stepFailedEvents(c: CreatedRequest) {
  return db.auditEvent.findMany({ where: { requestId: c.requestId, action: "provisioning.step_failed" } });
}

describe("[PROVISIONING] SIGKILL at the windows where a crash could change a decision", () => {
  it("keeps a step's failure when its worker dies while other steps are in flight", { timeout: 120_000 }, async () => {
    const req = await createApprovedRequestRow({ scope: "kwfail", environments: ["dev"] });
    sim.setFaults({ seed: 777013, rules: [quotaFault(req)] });
    await enqueueRun(req);
    await until("the cluster failed while the instance runs", async () => {
      const [cluster, instance] = [await stepRow(req, "computeCluster"), await stepRow(req, "computeInstance")];
      return cluster?.status === "FAILED" && instance?.status === "RUNNING";
    });
    await killHolder(req);
    sim.setFaults({ rules: [] });
    await waitForRuns([req.runId], 90_000);

    expect(await db.provisioningRun.findUniqueOrThrow({ where: { id: req.runId } })).toMatchObject({
      status: "FAILED",
      failedStepKey: stepOf(req, "computeCluster").id,
      errorCode: "QuotaExceeded",
    });
    expect(await stepRow(req, "computeCluster")).toMatchObject({ status: "FAILED", attempts: 1 });
    expect(await stepRow(req, "computeInstance")).toMatchObject({ status: "SUCCEEDED" });
    expect(putsTo(req, "computeCluster")).toHaveLength(1);
    expect(putsTo(req, "computeInstance")).toHaveLength(1);
    expect(await stepFailedEvents(req)).toHaveLength(1);
  });

  it(
    "never keeps a step's status without its audit event when the worker dies between them",
    { timeout: 120_000 },
    async () => {
      const req = await createApprovedRequestRow({ scope: "kwevent", environments: ["dev"] });
      sim.setFaults({ seed: 777013, rules: [quotaFault(req)] });
      await enqueueRun(req);
      // The run has passed its apply-time checks (lib/checks/apply.ts, recorded with an audit event) and writes to
      // Azure; the next audit write is the failure's.
      await until("the run writes to Azure", async () => {
        const status = (await stepRow(req, "workspace"))?.status;
        return status !== undefined && status !== "PENDING";
      });
      // Hold every audit insert back (a superuser may lock the append-only table), so that the failure's transaction
      // stops after writing the step's status.
      const blocker = new pg.Client({ connectionString: process.env.SUPERUSER_DATABASE_URL });
      await blocker.connect();
      try {
        await blocker.query("BEGIN");
        await blocker.query("LOCK TABLE audit_events IN EXCLUSIVE MODE");
        await until(
          // An insert: the audit sequencer's sealing UPDATE waits on the same lock, and is not the step's event.
          "the step's failure waiting on its audit event",
          async () => {
            // pg_stat_activity is a snapshot per transaction unless cleared.
            await blocker.query("SELECT pg_stat_clear_snapshot()");
            const { rows } = await blocker.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_stat_activity
                WHERE wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO%audit_events%' AND pid <> pg_backend_pid()`,
            );
            return rows[0].n > 0;
          },
          60_000,
          workers,
        );
        // Seen from outside, the status is not written: it commits with its event or not at all.
        expect((await stepRow(req, "computeCluster"))?.status).toBe("RUNNING");
        await killHolder(req);
      } finally {
        await blocker.query("COMMIT");
        await blocker.end();
      }
      sim.setFaults({ rules: [] });
      await waitForRuns([req.runId], 90_000);

      // The resumed worker polled the same operation (no new PUT), found it failed, and recorded it once.
      const cluster = await stepRow(req, "computeCluster");
      expect(cluster).toMatchObject({ status: "FAILED", errorCode: "QuotaExceeded", attempts: 2 });
      expect(putsTo(req, "computeCluster")).toHaveLength(1);
      const events = await stepFailedEvents(req);
      expect(events.map((e) => (e.after as { stepKey: string }).stepKey)).toEqual([cluster!.stepKey]);
      const failedSteps = await db.provisioningStep.count({ where: { requestId: req.requestId, status: "FAILED" } });
      expect(failedSteps).toBe(events.length);
    },
  );

  it(
    "resumes a run whose worker died during a hung ARM call, creating nothing twice",
    { timeout: 120_000 },
    async () => {
      const req = await createApprovedRequestRow({ scope: "kwhang", environments: ["dev"] });
      sim.setFaults({
        seed: 777013,
        rules: [{ kind: "hang", method: "GET", pathPattern: "/computeOperationsStatus/" }],
      });
      await enqueueRun(req);
      await until("a hung poll", async () => sim.requestLog().some((r) => r.fault === "hang"));
      await killHolder(req);
      sim.setFaults({ rules: [] });
      expect(Object.values(await waitForRuns([req.runId], 90_000))).toEqual(["SUCCEEDED"]);
      const puts = effectivePutsByPath(sim.requestLog());
      const twice = [...puts.entries()].filter(([p, l]) => p.includes("kwhang") && l.length > 1).map(([p]) => p);
      expect(twice).toEqual([]);
    },
  );

  it(
    "fails a run whose job used up its retries on crashes, with a message that says to retry; a retry completes it",
    { timeout: 150_000 },
    async () => {
      const req = await createApprovedRequestRow({ scope: "kwexhst", environments: ["dev"] });
      // This job may crash its worker once: no retry left after that.
      const boss = await getProducer();
      await boss.send(
        PROVISION_QUEUE,
        { requestId: req.requestId, runId: req.runId },
        {
          singletonKey: req.requestId,
          retryLimit: 0,
        },
      );
      await until("a step running", async () =>
        db.provisioningStep.findFirst({ where: { requestId: req.requestId, status: "RUNNING" } }),
      );
      await killHolder(req);
      await waitForRuns([req.runId], 90_000);
      const run = await db.provisioningRun.findUniqueOrThrow({ where: { id: req.runId } });
      expect(run).toMatchObject({
        status: "FAILED",
        errorCode: "WorkerCrashed",
        errorMessage: CRASHES_EXHAUSTED_MESSAGE,
      });
      expect(run.errorMessage).toContain("Retry to continue");
      expect((await db.workspaceRequest.findUniqueOrThrow({ where: { id: req.requestId } })).status).toBe("FAILED");
      expect(await db.provisioningStep.count({ where: { requestId: req.requestId, status: "RUNNING" } })).toBe(0);
      const failed = await db.auditEvent.findMany({
        where: { requestId: req.requestId, action: "request.provisioning_failed" },
      });
      expect(failed.map((e) => (e.after as { errorCode: string }).errorCode)).toEqual(["WorkerCrashed"]);

      await actAs("diana.reyes@contoso.com"); // MLOps of the fraud team
      expect(await retryRunAction(req.requestId, { ok: true }, new FormData())).toMatchObject({ ok: true });
      const retry = await db.provisioningRun.findFirstOrThrow({
        where: { requestId: req.requestId },
        orderBy: { attempt: "desc" },
      });
      expect(Object.values(await waitForRuns([retry.id], 90_000))).toEqual(["SUCCEEDED"]);
      const puts = effectivePutsByPath(sim.requestLog());
      expect([...puts.entries()].filter(([p, l]) => p.includes("kwexhst") && l.length > 1)).toEqual([]);
    },
  );
});
