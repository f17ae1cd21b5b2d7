import { describe, expect, it } from "vitest";
import { buildPlan } from "./build-plan";
import { changePlanOf, sameJson, type ChangeStep } from "./change-plan";
import { approvalFor, buildChangePlan, changeApproval, ChangeValidationError, validateChange } from "./change-request";
import { ALICE, BOB, DANA, MO, journeyInput } from "@/tests/support/plan-fixtures";
import type { PlanInput, PlanMember } from "./types";

const EVE: PlanMember = {
  userId: "u-eve",
  email: "eve@contoso.com",
  displayName: "Eve Scientist",
  entraObjectId: "0f000000-0000-4000-8000-00000000000f",
  role: "dataScientist",
};

const base = journeyInput();
const devOnly = journeyInput({ environments: ["dev"], compute: { ...base.compute, pipelines: [] } });
const withCompute = (input: PlanInput, compute: Partial<PlanInput["compute"]>) =>
  ({ ...input, compute: { ...input.compute, ...compute } }) as PlanInput;

/** `op kind environment` per step, sorted, to compare a change plan's shape at a glance. */
const shape = (steps: ChangeStep[]) => steps.map((s) => `${s.op} ${s.kind} ${s.environment ?? "-"}`).sort();
const byId = (steps: ChangeStep[], id: string) => steps.find((s) => s.id === id)!;

describe("[CHANGE]: members", () => {
  it("adding a data scientist creates their role assignments everywhere and a compute instance in dev", () => {
    const plan = buildChangePlan(base, { ...base, members: [...base.members, EVE] });
    expect(shape(plan.steps)).toEqual([
      "create computeInstance dev",
      "create roleAssignment dev",
      "create roleAssignment prod",
      "create roleAssignment test",
      "create roleAssignment test",
      // dev costs more by one compute instance: its budget follows the estimate
      "update budget dev",
    ]);
    expect(plan.steps.every((s) => s.dependsOn.length === 0)).toBe(true);
    expect(plan.costDelta.monthly).toBeGreaterThan(0);
    expect(plan.costDelta.byEnvironment.test).toBe(0);
    expect(plan.approval).toMatchObject({ need: "adminAndStakeholder", appliedAtOnce: false });
    expect(plan.changes).toEqual([
      { kind: "addMember", subject: "eve@contoso.com", environments: ["dev", "test", "prod"] },
    ]);
  });

  it("adding a member to a dev-only set needs the admin alone", () => {
    const plan = buildChangePlan(devOnly, { ...devOnly, members: [...devOnly.members, DANA] });
    expect(shape(plan.steps)).toEqual(["create roleAssignment dev"]);
    expect(plan.approval.need).toBe("admin");
  });

  it("removing a member deletes their assignments and compute instance at once, warning that the disk is lost", () => {
    const plan = buildChangePlan(base, { ...base, members: [ALICE, MO] });
    expect(shape(plan.steps)).toEqual([
      "delete computeInstance dev",
      "delete roleAssignment dev",
      "delete roleAssignment prod",
      "delete roleAssignment test",
      "delete roleAssignment test",
      // one instance fewer: dev's budget comes down with its estimate
      "update budget dev",
    ]);
    // Revocations first and waiting for nothing.
    expect(plan.steps.slice(0, 4).every((s) => s.kind === "roleAssignment")).toBe(true);
    const deletes = plan.steps.filter((s) => s.op === "delete");
    expect(deletes).toHaveLength(5);
    expect(deletes.every((s) => s.dependsOn.length === 0 && s.body === null)).toBe(true);
    const ci = plan.steps.find((s) => s.kind === "computeInstance")!;
    expect(ci.deleteParameters).toEqual({ underlyingResourceAction: "Delete" });
    expect(ci.warning).toMatch(/Bob Scientist.*disk.*lost/);
    expect(plan.warnings).toEqual([ci.warning]);
    expect(plan.approval).toMatchObject({ need: "none", appliedAtOnce: true });
    expect(plan.costDelta.monthly).toBeLessThan(0);
  });

  it("changing a member's role deletes the old assignments and creates the new ones", () => {
    const plan = buildChangePlan(base, { ...base, members: [ALICE, { ...BOB, role: "mlops" }, MO] });
    // Restricted dev: data scientists and MLOps both get Atrium Data Scientist, so dev keeps its assignment.
    expect(shape(plan.steps)).toEqual([
      "create roleAssignment prod",
      "create roleAssignment test",
      "delete computeInstance dev",
      "delete roleAssignment prod",
      "delete roleAssignment test",
      "delete roleAssignment test",
      // one instance fewer in dev, and Bob now hears about every environment's budget as MLOps
      "update budget dev",
      "update budget prod",
      "update budget test",
    ]);
    expect(plan.changes.map((c) => c.kind)).toEqual(["changeMemberRole"]);
    expect(plan.approval.need).toBe("adminAndStakeholder");
  });
});

describe("[CHANGE]: compute", () => {
  it("adding a dev compute size creates one cluster and needs the admin", () => {
    const desired = withCompute(base, {
      devClusters: [...base.compute.devClusters, { vmSize: "Standard_NC6s_v3", maxNodes: 2 }],
    });
    const plan = buildChangePlan(base, desired);
    expect(plan.steps.map((s) => s.id)).toEqual(["create:dev/cc/cc-nc6sv3"]);
    expect(plan.approval.need).toBe("admin");
    expect(plan.costDelta.ceilingMonthly).toBeGreaterThan(0);
  });

  it("removing a dev compute size (not the first) deletes its cluster at once", () => {
    const two = withCompute(base, {
      devClusters: [...base.compute.devClusters, { vmSize: "Standard_NC6s_v3", maxNodes: 2 }],
    });
    const plan = buildChangePlan(two, base);
    expect(plan.steps.map((s) => s.id)).toEqual(["delete:dev/cc/cc-nc6sv3"]);
    expect(plan.steps[0].deleteParameters).toBeNull();
    expect(plan.approval.appliedAtOnce).toBe(true);
  });

  it("a new first dev size resizes the pipeline clusters: delete + create under the same name, never in place", () => {
    const desired = withCompute(base, { devClusters: [{ vmSize: "Standard_DS3_v2", maxNodes: 4 }] });
    const plan = buildChangePlan(base, desired);
    expect(shape(plan.steps)).toEqual([
      "create computeCluster dev",
      "create computeCluster prod",
      "create computeCluster test",
      "delete computeCluster dev",
      "delete computeCluster prod",
      "delete computeCluster test",
    ]);
    expect(byId(plan.steps, "create:prod/cc/cc-scoring").dependsOn).toEqual(["delete:prod/cc/cc-scoring"]);
    expect(plan.changes.map((c) => c.kind)).toEqual(["addDevCluster", "removeDevCluster", "resizePipelineClusters"]);
    expect(plan.approval.need).toBe("adminAndStakeholder");
  });

  it("adding and removing a production pipeline creates and deletes its test and prod clusters", () => {
    const desired = withCompute(base, { pipelines: ["scoring", "training"] });
    const add = buildChangePlan(base, desired);
    expect(add.steps.map((s) => s.id)).toEqual(["create:test/cc/cc-training", "create:prod/cc/cc-training"]);
    expect(add.approval.need).toBe("adminAndStakeholder");
    const remove = buildChangePlan(desired, base);
    expect(remove.steps.map((s) => s.id).sort()).toEqual(["delete:prod/cc/cc-training", "delete:test/cc/cc-training"]);
    expect(remove.approval.need).toBe("none");
  });

  it("changing scale limits updates the clusters in place", () => {
    const desired = withCompute(base, { devClusters: [{ vmSize: "Standard_DS11_v2", maxNodes: 8 }] });
    const plan = buildChangePlan(base, desired);
    expect(plan.steps.map((s) => s.id)).toEqual([
      "update:dev/cc/cc-ds11v2",
      "update:test/cc/cc-scoring",
      "update:prod/cc/cc-scoring",
    ]);
    expect(plan.steps[0].body).toMatchObject({
      properties: { properties: { scaleSettings: { maxNodeCount: 8, minNodeCount: 0 } } },
    });
    expect(plan.changes.map((c) => [c.kind, c.environments])).toEqual([
      ["changeScaleLimits", ["dev"]],
      ["changeScaleLimits", ["test", "prod"]],
    ]);
    expect(plan.approval.need).toBe("adminAndStakeholder");
  });
});

describe("[CHANGE]: compute instances", () => {
  it("a new idle shutdown is an update in place; a new instance size replaces every instance, warning of the disks", () => {
    const idle = buildChangePlan(base, withCompute(base, { idleShutdownMinutes: 30 }));
    // A longer or shorter idle shutdown changes dev's estimate, so its budget too.
    expect(shape(idle.steps)).toEqual([
      "update budget dev",
      "update computeInstance dev",
      "update computeInstance dev",
    ]);
    expect(idle.warnings).toEqual([]);
    const size = buildChangePlan(base, withCompute(base, { instanceVmSize: "Standard_DS11_v2" }));
    expect(shape(size.steps)).toEqual([
      "create computeInstance dev",
      "create computeInstance dev",
      "delete computeInstance dev",
      "delete computeInstance dev",
      "update budget dev",
    ]);
    expect(size.warnings).toHaveLength(2);
    expect(size.changes).toEqual([
      { kind: "changeSettings", subject: "compute.instanceVmSize", environments: ["dev"] },
    ]);
    expect(size.approval.need).toBe("admin");
  });
});

describe("[CHANGE]: environments", () => {
  it("adding test creates the whole environment in creation order, with its subscription's custom roles", () => {
    const current = journeyInput({ environments: ["dev"] });
    const desired = journeyInput({ environments: ["dev", "test"] });
    const plan = buildChangePlan(current, desired);
    const testSteps = buildPlan(desired).steps.filter((s) => s.environment === "test");
    expect(plan.steps.filter((s) => s.environment === "test").map((s) => s.planStepId)).toEqual(
      testSteps.map((s) => s.id),
    );
    expect(plan.steps.every((s) => s.op === "create")).toBe(true);
    expect(plan.steps.filter((s) => s.kind === "roleDefinition")).toHaveLength(2);
    expect(byId(plan.steps, "create:test/workspace").dependsOn).toEqual([
      "create:test/applicationInsights",
      "create:test/keyVault",
      "create:test/storageAccount",
    ]);
    const ra = plan.steps.find((s) => s.kind === "roleAssignment" && s.dependsOn.some((d) => d.includes("roledef")))!;
    expect(ra.dependsOn).toContain("create:test/workspace");
    expect(plan.approval.need).toBe("admin");
    expect(plan.costDelta.byEnvironment).toMatchObject({ dev: 0 });
    expect(plan.costDelta.byEnvironment.test).toBeGreaterThan(0);
  });

  it("adding prod once test exists needs the stakeholder too", () => {
    const current = journeyInput({ environments: ["dev", "test"] });
    const plan = buildChangePlan(current, base);
    expect(plan.steps.every((s) => s.op === "create" && s.environment !== "dev")).toBe(true);
    expect(plan.changes).toEqual([{ kind: "addEnvironment", subject: "prod", environments: ["prod"] }]);
    expect(plan.approval.need).toBe("adminAndStakeholder");
  });
});

describe("[CHANGE]: visibility and restriction", () => {
  const pub = journeyInput({ visibility: "public" });

  it("public → private: endpoint and DNS first, then public access off; computes rebuilt without public IPs", () => {
    const plan = buildChangePlan(pub, base);
    for (const env of ["dev", "test", "prod"]) {
      expect(byId(plan.steps, `update:${env}/workspace`).dependsOn).toEqual([
        `create:${env}/privateDnsZoneGroup`,
        `create:${env}/privateEndpoint`,
      ]);
      expect(byId(plan.steps, `create:${env}/privateDnsZoneGroup`).dependsOn).toEqual([
        `create:${env}/privateEndpoint`,
      ]);
    }
    const ci = plan.steps.find((s) => s.op === "create" && s.kind === "computeInstance")!;
    expect(ci.dependsOn).toEqual(["create:dev/privateEndpoint", `delete:${ci.planStepId}`]);
    expect(ci.body).toMatchObject({ properties: { properties: { enableNodePublicIp: false } } });
    expect(plan.warnings).toHaveLength(2);
    expect(plan.changes.map((c) => c.kind)).toEqual(["visibilityToPrivate"]);
    expect(plan.approval.need).toBe("adminAndStakeholder");
    const devPlan = buildChangePlan({ ...devOnly, visibility: "public" }, devOnly);
    expect(devPlan.approval.need).toBe("admin");
  });

  it("private → public: public access on first, then the DNS zone group, then the endpoint", () => {
    const plan = buildChangePlan(base, pub);
    for (const env of ["dev", "test", "prod"]) {
      expect(byId(plan.steps, `update:${env}/workspace`).dependsOn).toEqual([]);
      expect(byId(plan.steps, `delete:${env}/privateDnsZoneGroup`).dependsOn).toEqual([`update:${env}/workspace`]);
      expect(byId(plan.steps, `delete:${env}/privateEndpoint`).dependsOn).toContain(
        `delete:${env}/privateDnsZoneGroup`,
      );
      // Private computes depended on the endpoint: they go before it.
      for (const c of plan.steps.filter(
        (s) => s.op === "delete" && s.environment === env && s.kind.startsWith("compute"),
      ))
        expect(byId(plan.steps, `delete:${env}/privateEndpoint`).dependsOn).toContain(c.id);
    }
    expect(plan.costDelta.monthly).toBeLessThan(0);
    const devPlan = buildChangePlan(devOnly, { ...devOnly, visibility: "public" });
    expect(devPlan.approval.need).toBe("adminAndStakeholder");
  });

  it("restricted → unrestricted swaps dev assignments to Contributor and needs the stakeholder, even in dev", () => {
    const desired = { ...devOnly, restriction: "unrestricted" as const };
    const plan = buildChangePlan(devOnly, desired);
    // Alice and Bob move from Atrium Data Scientist to Contributor; Mo (MLOps) keeps Atrium Data Scientist.
    expect(shape(plan.steps)).toEqual([
      "create roleAssignment dev",
      "create roleAssignment dev",
      "delete roleAssignment dev",
      "delete roleAssignment dev",
    ]);
    expect(plan.steps.some((s) => s.kind === "roleDefinition")).toBe(false);
    expect(plan.approval.need).toBe("adminAndStakeholder");
    const back = buildChangePlan(desired, devOnly);
    expect(shape(back.steps)).toEqual(shape(plan.steps));
    expect(back.approval.need).toBe("admin");
  });
});

describe("[CHANGE]: validation, determinism and the hash", () => {
  it("no change, no steps; the same change, the same hash whatever the member order", () => {
    const none = buildChangePlan(base, journeyInput({ members: [MO, BOB, ALICE] }));
    expect(none.steps).toEqual([]);
    expect(none.costDelta.monthly).toBe(0);
    const a = buildChangePlan(base, { ...base, members: [...base.members, EVE] });
    const b = buildChangePlan(journeyInput({ members: [BOB, MO, ALICE] }), { ...base, members: [EVE, MO, ALICE, BOB] });
    expect(b.planHash).toBe(a.planHash);
    expect(a.planHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a.planHash).not.toBe(none.planHash);
  });

  it("refuses another identity, a removed environment and prod without test, with field messages", () => {
    const errors = validateChange(base, {
      ...base,
      team: { ...base.team, slug: "risk" },
      project: { slug: "other", teamSlug: "risk", costCenter: "x" },
      region: "eastus",
      environments: ["dev", "prod"],
    });
    expect(Object.keys(errors).sort()).toEqual(["environments", "project", "region", "team"]);
    expect(errors.environments.join(" ")).toMatch(/decommission/);
    expect(errors.environments.join(" ")).toMatch(/needs a test workspace/);
    expect(errors.region[0]).toMatch(/westeurope → eastus/);
    expect(validateChange(devOnly, { ...devOnly, environments: ["dev", "prod"] })).toHaveProperty("environments");
    expect(() => buildChangePlan(base, { ...base, pattern: "team", project: null })).toThrow(ChangeValidationError);
  });
});

describe("[CHANGE]: approval by change kind and environment (DOMAIN.md's table)", () => {
  it.each([
    ["addMember", ["dev", "test"], "admin"],
    ["addMember", ["dev", "test", "prod"], "adminAndStakeholder"],
    ["addDevCluster", ["dev"], "admin"],
    ["addPipelineCluster", ["test", "prod"], "adminAndStakeholder"],
    ["changeScaleLimits", ["dev"], "admin"],
    ["addEnvironment", ["test"], "admin"],
    ["addEnvironment", ["prod"], "adminAndStakeholder"],
    ["visibilityToPrivate", ["dev"], "admin"],
    ["visibilityToPublic", ["dev"], "adminAndStakeholder"],
    ["restrictionToUnrestricted", ["dev"], "adminAndStakeholder"],
    ["removeMember", ["dev", "test", "prod"], "none"],
    ["removeDevCluster", ["dev"], "none"],
    ["removePipelineCluster", ["test", "prod"], "none"],
  ] as const)("%s in %j needs %s", (kind, environments, need) => {
    expect(approvalFor({ kind, subject: "x", environments: [...environments] })).toBe(need);
  });

  it("a change needs the strictest of its parts; removals alone are applied at once", () => {
    const remove = { kind: "removeMember" as const, subject: "bob", environments: ["dev" as const] };
    const add = { kind: "addMember" as const, subject: "eve", environments: ["dev" as const] };
    expect(changeApproval({ changes: [remove] })).toMatchObject({ need: "none", appliedAtOnce: true });
    expect(changeApproval({ changes: [remove, add] })).toMatchObject({ need: "admin", appliedAtOnce: false });
    expect(changeApproval({ changes: [] })).toMatchObject({ need: "none", appliedAtOnce: true });
  });
});

describe("[CHANGE]: plans read back from storage", () => {
  it("key order does not matter: a plan whose objects were reordered (jsonb) gives no steps", () => {
    const reorder = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reorder)
        : v && typeof v === "object"
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reorder(x)]),
            )
          : v;
    const plan = buildPlan(base);
    const stored = reorder(JSON.parse(JSON.stringify(plan))) as typeof plan;
    expect(JSON.stringify(stored.steps[5])).not.toBe(JSON.stringify(plan.steps[5]));
    expect(changePlanOf(stored, plan, base.settings.vmSizes).steps).toEqual([]);
    expect(sameJson({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
  });
});
