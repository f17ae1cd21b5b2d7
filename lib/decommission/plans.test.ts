import { describe, expect, it } from "vitest";
import { buildPlan } from "@/lib/plan/build-plan";
import type { ChangeStep } from "@/lib/plan/change-plan";
import { journeyInput, SETTINGS } from "@/tests/support/plan-fixtures";
import { decommissionPlan, DELETED_KINDS, purgeTargets, recoveryPlan } from "./plans";

const desired = buildPlan(journeyInput());
const plan = decommissionPlan(desired, SETTINGS.vmSizes);
const index = new Map(plan.steps.map((s, i) => [s.id, i]));
const byKind = (env: string, kind: string, op = "delete") =>
  plan.steps.filter((s) => s.environment === env && s.kind === kind && s.op === op);
/** Every step the given one waits for, transitively. */
function ancestors(step: ChangeStep): Set<string> {
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const out = new Set<string>();
  const walk = (s: ChangeStep) => s.dependsOn.forEach((d) => !out.has(d) && (out.add(d), walk(byId.get(d)!)));
  walk(step);
  return out;
}

describe("decommissionPlan", () => {
  it("deletes everything but the dependent resources, keeps those for recovery and purge", () => {
    const deleted = new Set(plan.steps.filter((s) => s.op === "delete").map((s) => s.planStepId));
    // The workspace is soft-deleted by the scheduler after the change's run (the engine has no workspace delete).
    for (const s of desired.steps) expect(deleted.has(s.id)).toBe(DELETED_KINDS.has(s.kind) && s.kind !== "workspace");
    expect(plan.steps.filter((s) => s.op === "update").every((s) => s.kind === "computeCluster")).toBe(true);
  });

  it("lists steps in a topological order and is deterministic", () => {
    for (const s of plan.steps) for (const d of s.dependsOn) expect(index.get(d)!).toBeLessThan(index.get(s.id)!);
    expect(decommissionPlan(buildPlan(journeyInput()), SETTINGS.vmSizes).planHash).toBe(plan.planHash);
  });

  it("stops compute, revokes people, deletes compute, the private path, the admins and then the workspace", () => {
    for (const env of desired.environments) {
      const pep = byKind(env, "privateEndpoint")[0];
      expect(ancestors(pep).has(byKind(env, "privateDnsZoneGroup")[0].id)).toBe(true);
      for (const c of [...byKind(env, "computeInstance"), ...byKind(env, "computeCluster")]) {
        const a = ancestors(c);
        for (const scale of byKind(env, "computeCluster", "update")) expect(a.has(scale.id)).toBe(true);
      }
      // The admins' role assignments go last: after everything else of the environment.
      const admins = new Set(
        desired.roleMatrix
          .filter((e) => e.principalKind === "portalAdmin" && e.environment === env)
          .flatMap((e) => e.roles.map((r) => `delete:${r.stepId}`)),
      );
      for (const id of admins) {
        const step = plan.steps.find((s) => s.id === id)!;
        const before = ancestors(step);
        for (const s of plan.steps.filter((x) => x.environment === env && !admins.has(x.id)))
          expect(before.has(s.id), `${s.id} before ${id}`).toBe(true);
      }
    }
    const adminRa = desired.roleMatrix.find((e) => e.principalKind === "portalAdmin" && e.environment === "dev");
    const memberRa = desired.roleMatrix.find((e) => e.principalKind === "member" && e.environment === "dev")!;
    const memberDelete = plan.steps.find((s) => s.planStepId === memberRa.roles[0].stepId)!;
    const computeDeletes = byKind("dev", "computeInstance");
    for (const c of computeDeletes) expect(ancestors(c).has(memberDelete.id)).toBe(true);
    if (adminRa) {
      const adminDelete = plan.steps.find((s) => s.planStepId === adminRa.roles[0].stepId)!;
      expect(ancestors(adminDelete).has(byKind("dev", "privateEndpoint")[0].id)).toBe(true);
    }
  });

  it("scales clusters to zero nodes and deletes compute instances with their VMs", () => {
    for (const s of plan.steps.filter((x) => x.op === "update")) {
      const scale = (s.body as { properties: { properties: { scaleSettings: Record<string, number> } } }).properties
        .properties.scaleSettings;
      expect(scale).toMatchObject({ minNodeCount: 0, maxNodeCount: 0 });
    }
    for (const s of byKind("dev", "computeInstance"))
      expect(s.deleteParameters).toEqual({ underlyingResourceAction: "Delete" });
    expect(plan.costDelta.monthly).toBeLessThan(0);
  });
});

describe("recoveryPlan", () => {
  it("re-creates what the decommission deleted and the soft-deleted workspace, the workspace first", () => {
    const recovery = recoveryPlan(desired, SETTINGS.vmSizes);
    const deleted = [
      ...plan.steps.filter((s) => s.op === "delete").map((s) => s.planStepId),
      ...desired.environments.map((e) => `${e}/workspace`),
    ].sort();
    expect(recovery.steps.every((s) => s.op === "create")).toBe(true);
    expect(recovery.steps.map((s) => s.planStepId).sort()).toEqual(deleted);
    const order = new Map(recovery.steps.map((s, i) => [s.planStepId, i]));
    for (const env of desired.environments)
      for (const s of recovery.steps.filter((x) => x.environment === env && x.kind !== "workspace"))
        expect(order.get(`${env}/workspace`)!).toBeLessThan(order.get(s.planStepId)!);
  });
});

describe("purgeTargets", () => {
  it("names the workspace, vault, storage, App Insights and resource group of every environment", () => {
    const targets = purgeTargets(desired);
    expect(targets.map((t) => t.environment)).toEqual(desired.environments);
    for (const t of targets) {
      expect(t.workspace).toMatch(/^mlw-/);
      expect(t.keyVault).toMatch(/^kv-/);
      expect(t.resourceGroup).toMatch(/^rg-/);
    }
  });
});
