// [PROVISIONING] Outcomes: a failed run names the failing step and Azure's error in actionable words, is audited and
// notified; admins and their teams' MLOps retry it from the failed step (completed steps are skipped); an existing
// compute with another spec is reported as drift and never overwritten; a queued run can be stopped.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { cancelRunAction, retryRunAction } from "@/lib/provisioning/actions";
import { createApprovedRequestRow, enqueueRun, type CreatedRequest } from "@/tests/support/provisioning-fixtures";
import { actAs } from "../support/act-as";
import { effectivePutsByPath, simulatorFactory, simulatedEngineForSuite, waitForRuns } from "./provisioning-support";

const engine = simulatedEngineForSuite({ jobs: 2 });

const form = () => new FormData();
const latestRun = (requestId: string) =>
  db.provisioningRun.findFirstOrThrow({ where: { requestId }, orderBy: { attempt: "desc" } });
const clusterStep = (c: CreatedRequest) => c.plan.steps.find((s) => s.kind === "computeCluster")!;

describe("[PROVISIONING] failure, retry, drift, stop", () => {
  let failed: CreatedRequest;

  it("fails a run visibly at the failing step, with Azure's error in actionable words, audited and notified", async () => {
    failed = await createApprovedRequestRow({ scope: "rtquota", environments: ["dev"] });
    const cluster = clusterStep(failed);
    engine.sim.setFaults({
      rules: [
        {
          kind: "lro-failed",
          method: "PUT",
          pathPattern: `/computes/${cluster.name}$`,
          count: 1,
          errorCode: "QuotaExceeded",
          errorMessage:
            "Operation could not be completed as it results in exceeding approved standardDSv2Family Cores quota.",
        },
      ],
    });
    await enqueueRun(failed);
    await waitForRuns([failed.runId]);
    engine.sim.setFaults({ rules: [] });

    const run = await latestRun(failed.requestId);
    expect(run).toMatchObject({ status: "FAILED", failedStepKey: cluster.id, errorCode: "QuotaExceeded" });
    expect(run.errorMessage).toContain(`compute cluster "${cluster.name}"`);
    expect(run.errorMessage).toContain("Request more quota");
    expect(run.errorMessage).toContain("standardDSv2Family Cores quota");
    expect((await db.workspaceRequest.findUniqueOrThrow({ where: { id: failed.requestId } })).status).toBe("FAILED");
    const step = await db.provisioningStep.findUniqueOrThrow({
      where: { requestId_stepKey: { requestId: failed.requestId, stepKey: cluster.id } },
    });
    expect(step).toMatchObject({ status: "FAILED", attempts: 1, errorCode: "QuotaExceeded" });
    const actions = (
      await db.auditEvent.findMany({ where: { requestId: failed.requestId }, orderBy: { id: "asc" } })
    ).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "request.provisioning_started",
        "provisioning.step_failed",
        "request.provisioning_failed",
      ]),
    );
    const notified = await db.notification.findMany({
      where: { requestId: failed.requestId, kind: "provisioning.failed" },
      select: { userId: true },
    });
    expect(notified.map((n) => n.userId).sort()).toEqual(
      expect.arrayContaining(["usr-amara", "usr-fatima", "usr-george", "usr-isabel"]),
    );
    // The team's MLOps engineers (fraud: Diana) get the run's failure, with what to do next.
    const runFailed = await db.notification.findMany({
      where: { requestId: failed.requestId, kind: "run.failed" },
      select: { userId: true, body: true },
    });
    expect(runFailed.map((n) => n.userId)).toEqual(["usr-diana"]);
    expect(runFailed[0].body).toContain("Retry the run");
  });

  it("lets only admins and the team's MLOps retry, and the retry skips the completed steps", async () => {
    const before = await db.provisioningRun.count({ where: { requestId: failed.requestId } });
    await actAs("amara.okafor@contoso.com"); // requester: no run.retry
    expect(await retryRunAction(failed.requestId, { ok: true }, form())).toMatchObject({ ok: false });
    await actAs("keiko.tanaka@contoso.com"); // MLOps of other teams
    expect(await retryRunAction(failed.requestId, { ok: true }, form())).toMatchObject({
      ok: false,
      message: expect.stringContaining("not one of your teams"),
    });
    expect(await db.provisioningRun.count({ where: { requestId: failed.requestId } })).toBe(before);

    const putsBefore = effectivePutsByPath(engine.sim.requestLog());
    await actAs("diana.reyes@contoso.com"); // MLOps of the fraud team
    expect(await retryRunAction(failed.requestId, { ok: true }, form())).toMatchObject({
      ok: true,
      message: expect.stringContaining("Attempt 2"),
    });
    const retry = await latestRun(failed.requestId);
    expect(retry).toMatchObject({ attempt: 2, triggeredById: "usr-diana" });
    await waitForRuns([retry.id]);
    expect(await latestRun(failed.requestId)).toMatchObject({ status: "SUCCEEDED" });
    expect((await db.workspaceRequest.findUniqueOrThrow({ where: { id: failed.requestId } })).status).toBe(
      "PROVISIONED",
    );

    const steps = await db.provisioningStep.findMany({ where: { requestId: failed.requestId } });
    const cluster = clusterStep(failed);
    for (const s of steps) expect([s.stepKey, s.attempts]).toEqual([s.stepKey, s.stepKey === cluster.id ? 2 : 1]);
    // Only the failed cluster was written again.
    const putsAfter = effectivePutsByPath(engine.sim.requestLog());
    const rewritten = [...putsAfter.entries()]
      .filter(([p, l]) => p.includes(failed.plan.scopeSlug) && l.length > (putsBefore.get(p)?.length ?? 0))
      .map(([p]) => p);
    expect(rewritten).toEqual([cluster.resourceId.toLowerCase()]);
    expect(
      (await db.auditEvent.findMany({ where: { requestId: failed.requestId, action: "provisioning.run_retried" } }))
        .length,
    ).toBe(1);
  });

  it("reports a compute that exists with another spec as drift and never overwrites it", async () => {
    const req = await createApprovedRequestRow({ scope: "rtdrift", environments: ["dev"] });
    const cluster = clusterStep(req);
    engine.sim.setFaults({
      rules: [
        {
          kind: "lro-failed",
          method: "PUT",
          pathPattern: `/computes/${cluster.name}$`,
          count: 1,
          errorCode: "QuotaExceeded",
          errorMessage: "No cores.",
        },
      ],
    });
    await enqueueRun(req);
    await waitForRuns([req.runId]);
    engine.sim.setFaults({ rules: [] });
    // Someone fixes it by hand, differently (8 nodes instead of the approved 4).
    const ml = simulatorFactory(engine.sim).forSubscription(cluster.target.subscriptionId).ml;
    const inner = (cluster.body.properties as { properties: Record<string, unknown> }).properties;
    await ml.computeOperations.beginCreateOrUpdateAndWait(
      cluster.target.resourceGroup!,
      cluster.target.parent!,
      cluster.name,
      {
        location: String(cluster.body.location),
        properties: {
          computeType: "AmlCompute",
          properties: { vmSize: String(inner.vmSize), scaleSettings: { minNodeCount: 0, maxNodeCount: 8 } },
        },
      },
      { updateIntervalInMs: 10 },
    );
    const putsBefore = effectivePutsByPath(engine.sim.requestLog()).get(cluster.resourceId.toLowerCase())?.length ?? 0;

    await actAs("fatima.khan@contoso.com");
    expect(await retryRunAction(req.requestId, { ok: true }, form())).toMatchObject({ ok: true });
    const retry = await latestRun(req.requestId);
    await waitForRuns([retry.id]);
    const run = await latestRun(req.requestId);
    expect(run).toMatchObject({ status: "FAILED", failedStepKey: cluster.id, errorCode: "ComputeDrift" });
    expect(run.errorMessage).toContain("never overwrites a compute");
    const step = await db.provisioningStep.findUniqueOrThrow({
      where: { requestId_stepKey: { requestId: req.requestId, stepKey: cluster.id } },
    });
    expect(step.drift).toEqual([{ field: "scaleSettings.maxNodeCount", expected: 4, actual: 8 }]);
    expect(effectivePutsByPath(engine.sim.requestLog()).get(cluster.resourceId.toLowerCase())?.length ?? 0).toBe(
      putsBefore,
    );
  });

  it("stops a queued run; its job then does nothing", async () => {
    const req = await createApprovedRequestRow({ scope: "rtstop", environments: ["dev"] });
    await actAs("diana.reyes@contoso.com");
    expect(await cancelRunAction(req.requestId, { ok: true }, form())).toMatchObject({ ok: true });
    expect(await latestRun(req.requestId)).toMatchObject({ status: "CANCELLED" });
    expect((await db.workspaceRequest.findUniqueOrThrow({ where: { id: req.requestId } })).status).toBe("FAILED");
    expect(
      (await db.auditEvent.findMany({ where: { requestId: req.requestId, action: "provisioning.run_cancelled" } }))
        .length,
    ).toBe(1);
    expect(await cancelRunAction(req.requestId, { ok: true }, form())).toMatchObject({ ok: false });

    engine.sim.resetLog();
    expect(await enqueueRun(req)).toBeTruthy(); // a stale job for the stopped run
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [job] = await db.$queryRaw<
        { state: string }[]
      >`SELECT state FROM pgboss.job WHERE singleton_key = ${req.requestId}`;
      if (job?.state === "completed") break;
      if (Date.now() > deadline) throw new Error(`stale job not completed: ${JSON.stringify(job)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await latestRun(req.requestId)).toMatchObject({ status: "CANCELLED" });
    expect(await db.provisioningStep.count({ where: { requestId: req.requestId } })).toBe(0);
    expect(engine.sim.requestLog().filter((r) => r.path.toLowerCase().includes("rtstop"))).toEqual([]);
  });
});
