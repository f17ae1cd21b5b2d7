// [CHANGES] Every kind of change request on live workspace sets, through the real engine, the Azure SDK and the ARM
// simulator: team, project and shared sets, public and private. After each change the simulated estate equals the
// set's new desired plan (nothing left behind, nothing created twice); removals are applied without approval.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { loadWorkspaceSet } from "@/lib/changes/sets";
import { effectivePutsByPath, simulatedEngineForSuite } from "./provisioning-support";
import { applyChange, expectEstateMatchesDesired, person, provisionSet, setVersion } from "./changes-support";

const engine = simulatedEngineForSuite({ jobs: 4 });
const AMARA = "amara.okafor@contoso.com"; // requester of the fraud team
const DIANA = "diana.reyes@contoso.com"; // MLOps of the fraud team

async function approvalsOf(requestId: string) {
  return (await db.approval.findMany({ where: { requestId }, orderBy: { createdAt: "asc" } })).map((a) => a.stage);
}

/** No resource path received more effective PUTs than the plans' creates and updates of it. */
function expectNothingCreatedTwice(expectedPuts: Map<string, number>) {
  const puts = effectivePutsByPath(engine.sim.requestLog());
  const over = [...puts.entries()]
    .filter(([path, list]) => !/roledefinitions/i.test(path) && list.length > (expectedPuts.get(path) ?? 0))
    .map(([path, list]) => `${path}: ${list.length} PUTs, expected ${expectedPuts.get(path) ?? 0}`);
  expect(over).toEqual([]);
}

const expectedPuts = new Map<string, number>();
async function countPuts(requestId: string) {
  const row = await db.workspaceRequest.findUniqueOrThrow({ where: { id: requestId }, select: { plan: true } });
  const steps = (row.plan as { steps: { op?: string; resourceId: string }[] }).steps;
  for (const s of steps)
    if (s.op !== "delete") {
      const key = s.resourceId.toLowerCase();
      expectedPuts.set(key, (expectedPuts.get(key) ?? 0) + 1);
    }
}

describe("[CHANGES] change kinds against the simulator", () => {
  it(
    "team set, public: members added, re-roled and removed; dev clusters added, rescaled, removed; unrestricted",
    { timeout: 180_000 },
    async () => {
      const set = await provisionSet({ scope: "chteam", environments: ["dev"], visibility: "public" });
      await countPuts(set.requestId);
      expect(await setVersion(set.setId)).toBe(1);
      await expectEstateMatchesDesired(engine.sim, set.setId);

      // Add a data scientist: admin approval; role assignments and a compute instance appear.
      const add = await applyChange(AMARA, set.setId, {
        addMembers: [{ email: "maya.patel@contoso.com", role: "dataScientist" }],
      });
      expect([add.appliedAtOnce, add.status]).toEqual([false, "SUCCEEDED"]);
      expect(await approvalsOf(add.requestId)).toEqual(["ADMIN"]);
      await countPuts(add.requestId);
      let plan = await expectEstateMatchesDesired(engine.sim, set.setId);
      expect(
        plan.steps.some(
          (s) => s.kind === "computeInstance" && s.body.properties && JSON.stringify(s.body).includes("maya"),
        ),
      ).toBe(true);
      expect(await setVersion(set.setId)).toBe(2);

      // Change her role: her instance goes (a data engineer has none), her role assignment is replaced.
      const role = await applyChange(DIANA, set.setId, {
        addMembers: [{ email: "maya.patel@contoso.com", role: "dataEngineer" }],
      });
      expect(role.status).toBe("SUCCEEDED");
      await countPuts(role.requestId);
      await expectEstateMatchesDesired(engine.sim, set.setId);

      // Remove her: applied at once, no approval, audited.
      const remove = await applyChange(AMARA, set.setId, { removeMembers: ["maya.patel@contoso.com"] });
      expect([remove.appliedAtOnce, remove.status]).toEqual([true, "SUCCEEDED"]);
      expect(await approvalsOf(remove.requestId)).toEqual([]);
      const audit = await db.auditEvent.findMany({ where: { requestId: remove.requestId }, select: { action: true } });
      expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["change.applied_at_once", "change.applied"]));
      plan = await expectEstateMatchesDesired(engine.sim, set.setId);
      expect(JSON.stringify(plan.roleMatrix)).not.toContain("maya");

      // Add a dev cluster size and raise the existing cluster's scale limit (an in-place update).
      const current = (await loadWorkspaceSet(await person(AMARA), set.setId))!.desired.compute;
      const clusters = await applyChange(AMARA, set.setId, {
        compute: {
          ...current,
          devClusters: [
            { ...current.devClusters[0], maxNodes: 8 },
            { vmSize: "Standard_DS11_v2", maxNodes: 2 },
          ],
        },
      });
      expect(clusters.status).toBe("SUCCEEDED");
      await countPuts(clusters.requestId);
      const changeKinds = (await db.workspaceRequest.findUniqueOrThrow({ where: { id: clusters.requestId } }))
        .changeKinds;
      expect(changeKinds.sort()).toEqual(["addDevCluster", "changeScaleLimits"]);
      await expectEstateMatchesDesired(engine.sim, set.setId);
      const cluster = engine.sim
        .resources()
        .find((r) =>
          r.id
            .toLowerCase()
            .endsWith(`/computes/${plan.steps.find((s) => s.kind === "computeCluster")!.name.toLowerCase()}`),
        );
      expect(
        (cluster?.resource as { properties: { properties: { scaleSettings: { maxNodeCount: number } } } }).properties
          .properties.scaleSettings.maxNodeCount,
      ).toBe(8);

      // Remove the new cluster: at once.
      const removeCluster = await applyChange(DIANA, set.setId, {
        compute: { ...current, devClusters: [{ ...current.devClusters[0], maxNodes: 8 }] },
      });
      expect([removeCluster.appliedAtOnce, removeCluster.status]).toEqual([true, "SUCCEEDED"]);
      await expectEstateMatchesDesired(engine.sim, set.setId);

      // Restricted → unrestricted loosens access: admin and stakeholder, even without prod.
      const loosen = await applyChange(AMARA, set.setId, { restriction: "unrestricted" });
      expect(loosen.status).toBe("SUCCEEDED");
      expect(await approvalsOf(loosen.requestId)).toEqual(["ADMIN", "STAKEHOLDER"]);
      await countPuts(loosen.requestId);
      await expectEstateMatchesDesired(engine.sim, set.setId);
      expect(await setVersion(set.setId)).toBe(7);
      expectNothingCreatedTwice(expectedPuts);
    },
  );

  it(
    "project set, private: test then prod added, a pipeline cluster added and removed, private → public",
    { timeout: 180_000 },
    async () => {
      const set = await provisionSet({
        scope: "chproj",
        pattern: "project",
        environments: ["dev"],
        visibility: "private",
        pipelines: [],
      });
      await countPuts(set.requestId);
      await expectEstateMatchesDesired(engine.sim, set.setId);

      const test = await applyChange(AMARA, set.setId, { environments: ["dev", "test"] });
      expect(test.status).toBe("SUCCEEDED");
      expect(await approvalsOf(test.requestId)).toEqual(["ADMIN"]);
      await countPuts(test.requestId);
      await expectEstateMatchesDesired(engine.sim, set.setId);
      const workspaces = await db.workspace.findMany({
        where: { workspaceSetId: set.setId },
        select: { environment: true },
      });
      expect(workspaces.map((w) => w.environment).sort()).toEqual(["DEV", "TEST"]);

      const prod = await applyChange(AMARA, set.setId, { environments: ["dev", "test", "prod"] });
      expect(prod.status).toBe("SUCCEEDED");
      expect(await approvalsOf(prod.requestId)).toEqual(["ADMIN", "STAKEHOLDER"]);
      await countPuts(prod.requestId);
      await expectEstateMatchesDesired(engine.sim, set.setId);

      const view = (await loadWorkspaceSet(await person(AMARA), set.setId))!;
      const pipeline = await applyChange(AMARA, set.setId, {
        compute: { ...view.desired.compute, pipelines: ["scoring"] },
      });
      expect(pipeline.status).toBe("SUCCEEDED");
      expect(await approvalsOf(pipeline.requestId)).toEqual(["ADMIN", "STAKEHOLDER"]);
      await countPuts(pipeline.requestId);
      await expectEstateMatchesDesired(engine.sim, set.setId);

      const unpipe = await applyChange(AMARA, set.setId, { compute: { ...view.desired.compute, pipelines: [] } });
      expect([unpipe.appliedAtOnce, unpipe.status]).toEqual([true, "SUCCEEDED"]);
      await expectEstateMatchesDesired(engine.sim, set.setId);

      const toPublic = await applyChange(AMARA, set.setId, { visibility: "public" });
      expect(toPublic.status).toBe("SUCCEEDED");
      expect(await approvalsOf(toPublic.requestId)).toEqual(["ADMIN", "STAKEHOLDER"]);
      await countPuts(toPublic.requestId);
      const plan = await expectEstateMatchesDesired(engine.sim, set.setId);
      expect(plan.steps.some((s) => s.kind === "privateEndpoint")).toBe(false);
      expectNothingCreatedTwice(expectedPuts);
    },
  );

  it("shared set, public: test added, then public → private and back", { timeout: 180_000 }, async () => {
    const set = await provisionSet({
      scope: "chshared",
      pattern: "shared",
      environments: ["dev"],
      visibility: "public",
    });
    await countPuts(set.requestId);
    const test = await applyChange(DIANA, set.setId, { environments: ["dev", "test"] });
    expect(test.status).toBe("SUCCEEDED");
    await countPuts(test.requestId);
    await expectEstateMatchesDesired(engine.sim, set.setId);

    const toPrivate = await applyChange(AMARA, set.setId, { visibility: "private" });
    expect(toPrivate.status).toBe("SUCCEEDED");
    expect(await approvalsOf(toPrivate.requestId)).toEqual(["ADMIN"]);
    await countPuts(toPrivate.requestId);
    const plan = await expectEstateMatchesDesired(engine.sim, set.setId);
    expect(plan.steps.filter((s) => s.kind === "privateEndpoint").map((s) => s.environment)).toEqual(["dev", "test"]);

    const back = await applyChange(AMARA, set.setId, { visibility: "public" });
    expect(back.status).toBe("SUCCEEDED");
    await countPuts(back.requestId);
    await expectEstateMatchesDesired(engine.sim, set.setId);
    expectNothingCreatedTwice(expectedPuts);
  });
});
