// [PROVISIONING] The happy path for each of the four configurations, through the real Azure SDK against the ARM
// simulator and the real pg-boss worker: every request provisioned and verified, the simulator's estate equals the
// plans resource for resource, nothing written twice, and the Azure ML wire bodies carry the fields the 2.1.1 SDK drops.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createApprovedRequest, type CreatedRequest } from "@/tests/support/provisioning-fixtures";
import {
  createdResourceIds,
  effectivePutsByPath,
  planResourceIds,
  simulatedEngineForSuite,
  waitForRuns,
} from "./provisioning-support";

const created: CreatedRequest[] = [];

const engine = simulatedEngineForSuite({ jobs: 4 });

describe("[PROVISIONING] happy path", () => {
  it("provisions the four configurations (public/private × restricted/unrestricted) as planned", async () => {
    const configs = [
      { scope: "hpubres", visibility: "public", restriction: "restricted" },
      { scope: "hpubunr", visibility: "public", restriction: "unrestricted" },
      { scope: "hprvres", visibility: "private", restriction: "restricted" },
      { scope: "hprvunr", visibility: "private", restriction: "unrestricted" },
    ] as const;
    for (const c of configs) {
      created.push(
        await createApprovedRequest({
          ...c,
          environments: ["dev", "test", "prod"],
          members: [
            { email: "amara.okafor@contoso.com", role: "dataScientist" },
            { email: "ben.carter@contoso.com", role: "dataEngineer" },
            { email: "diana.reyes@contoso.com", role: "mlops" },
          ],
        }),
      );
    }
    const statuses = await waitForRuns(created.map((c) => c.runId));
    const runs = await db.provisioningRun.findMany({ where: { id: { in: created.map((c) => c.runId) } } });
    expect(runs.map((r) => [r.status, r.errorMessage])).toEqual(created.map(() => ["SUCCEEDED", null]));
    expect(Object.values(statuses)).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);

    // Requests provisioned, inventory written, every step recorded with ARM's ids.
    for (const c of created) {
      const request = await db.workspaceRequest.findUniqueOrThrow({ where: { id: c.requestId } });
      expect(request.status).toBe("PROVISIONED");
      expect(request.provisionedAt).not.toBeNull();
      const steps = await db.provisioningStep.findMany({ where: { requestId: c.requestId } });
      expect(steps).toHaveLength(c.plan.steps.length);
      for (const s of steps) {
        expect(s.status).toBe("SUCCEEDED");
        expect(s.attempts).toBe(1);
        expect(s.startedAt).not.toBeNull();
        expect(s.finishedAt!.getTime()).toBeGreaterThanOrEqual(s.startedAt!.getTime());
        expect(s.correlationId).toMatch(/^[0-9a-f-]{36}$/);
        expect(s.armRequestId).toMatch(/^[0-9a-f-]{36}$/);
        expect(s.lroState).toBeNull();
      }
      const workspaces = await db.workspace.findMany({
        where: { requestId: c.requestId },
        orderBy: { environment: "asc" },
      });
      expect(workspaces.map((w) => [w.environment, w.armId, w.status])).toEqual(
        c.plan.steps
          .filter((s) => s.kind === "workspace")
          .map((s) => [s.environment!.toUpperCase(), s.resourceId, "ACTIVE"]),
      );
      const run = runs.find((r) => r.id === c.runId)!;
      expect((run.verification as { ok: boolean }).ok).toBe(true);
      const audit = await db.auditEvent.findMany({ where: { requestId: c.requestId }, select: { action: true } });
      expect(audit.map((a) => a.action)).toEqual(
        expect.arrayContaining(["request.provisioning_started", "workspace.verified", "request.provisioned"]),
      );
      const notes = await db.notification.findMany({
        where: { requestId: c.requestId, kind: "provisioning.succeeded" },
      });
      // The requester and every member hear it once.
      expect(notes.map((n) => n.userId).sort()).toEqual(["usr-amara", "usr-ben", "usr-diana"]);
    }

    // The simulated estate equals the plans, resource for resource.
    expect(createdResourceIds(engine.sim)).toEqual(planResourceIds(created.map((c) => c.plan)));

    // Nothing was written twice (custom roles are shared by the subscription: written once, then found by GET).
    const puts = effectivePutsByPath(engine.sim.requestLog());
    const twice = [...puts.entries()].filter(([, list]) => list.length > 1).map(([p]) => p);
    expect(twice).toEqual([]);
  });

  it("sends managedNetwork and idleTimeBeforeShutdown on the wire with the pinned api-version", async () => {
    const log = engine.sim.requestLog();
    const workspacePuts = log.filter((r) => r.method === "PUT" && /\/workspaces\/[^/]+$/i.test(r.path));
    expect(workspacePuts.length).toBe(12);
    for (const put of workspacePuts) expect(put.apiVersion).toBe("2024-04-01");
    const privatePuts = workspacePuts.filter((r) => /hprv/.test(r.path));
    expect(privatePuts).toHaveLength(6);
    for (const put of privatePuts) {
      expect((put.body as { properties: { managedNetwork?: unknown } }).properties.managedNetwork).toEqual({
        isolationMode: "AllowInternetOutbound",
      });
    }
    const instancePuts = log.filter((r) => r.method === "PUT" && /\/computes\/ci-/i.test(r.path));
    expect(instancePuts.length).toBe(4);
    for (const put of instancePuts) {
      expect(
        (put.body as { properties: { properties: { idleTimeBeforeShutdown?: string } } }).properties.properties
          .idleTimeBeforeShutdown,
      ).toBe("PT60M");
    }
  });
});
