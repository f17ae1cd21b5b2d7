import { describe, expect, it } from "vitest";
import type { ObservedEstate } from "@/lib/azure/drift-reads";
import { buildPlan } from "@/lib/plan/build-plan";
import type { Plan } from "@/lib/plan/types";
import { journeyInput } from "@/tests/support/plan-fixtures";
import { compareWithPlan } from "./compare";

/** The estate exactly as planned: every resource as its wire body, every planned role assignment listed. */
function asPlanned(plan: Plan): ObservedEstate {
  const resources: ObservedEstate["resources"] = {};
  const assignments: ObservedEstate["assignments"] = {};
  for (const s of plan.steps) {
    if (s.kind === "resourceGroup")
      assignments[`/subscriptions/${s.target.subscriptionId}/resourceGroups/${s.target.resourceGroup}`.toLowerCase()] =
        [];
  }
  for (const s of plan.steps) {
    if (s.kind !== "roleAssignment") {
      resources[s.id] = structuredClone(s.body);
      continue;
    }
    const p = s.body.properties as Record<string, string>;
    assignments[
      `/subscriptions/${s.target.subscriptionId}/resourceGroups/${s.target.resourceGroup}`.toLowerCase()
    ].push({
      id: s.resourceId,
      name: s.name,
      scope: s.target.scope!,
      roleDefinitionId: p.roleDefinitionId,
      principalId: p.principalId,
      principalType: "User",
      description: null,
    });
  }
  return { resources, assignments, reads: 0 };
}

const plan = buildPlan(journeyInput({ visibility: "private", environments: ["dev", "test"] }));
const ws = plan.steps.find((s) => s.kind === "workspace" && s.environment === "dev")!;
const props = (o: ObservedEstate, id: string) => o.resources[id]!.properties as Record<string, unknown>;

describe("compareWithPlan", () => {
  it("reports nothing when the estate is as planned (keys in any order, extra tags allowed)", () => {
    const o = asPlanned(plan);
    (o.resources[ws.id]!.tags as Record<string, string>).owner = "someone";
    expect(compareWithPlan(plan, o)).toEqual([]);
  });

  it("public access on a private workspace is HIGH; a removed tag LOW; a missing resource MEDIUM", () => {
    const o = asPlanned(plan);
    props(o, ws.id).publicNetworkAccess = "Enabled";
    delete (o.resources[ws.id]!.tags as Record<string, string>)["cost-center"];
    const pe = plan.steps.find((s) => s.kind === "privateEndpoint" && s.environment === "test")!;
    o.resources[pe.id] = null;
    const found = compareWithPlan(plan, o).map((f) => [f.resourceName, f.field, f.severity]);
    expect(found).toEqual([
      [ws.name, "tags.cost-center", "LOW"],
      [ws.name, "publicNetworkAccess", "HIGH"],
      [pe.name, "exists", "MEDIUM"],
    ]);
  });

  it("a person given Owner by hand is HIGH and named; a removed planned assignment is reported missing", () => {
    const o = asPlanned(plan);
    const group = Object.keys(o.assignments)[0];
    const removed = o.assignments[group].shift()!;
    o.assignments[group].push({
      id: `${ws.resourceId}/providers/Microsoft.Authorization/roleAssignments/0d5e8f2a-1111-4222-8333-444455556666`,
      name: "0d5e8f2a-1111-4222-8333-444455556666",
      scope: ws.resourceId,
      roleDefinitionId: `/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635`,
      principalId: "bbbbbbbb-0000-4000-8000-000000000009",
      principalType: "User",
      description: null,
    });
    const found = compareWithPlan(
      plan,
      o,
      new Map([["bbbbbbbb-0000-4000-8000-000000000009", "Eve <eve@contoso.com>"]]),
    );
    expect(found.map((f) => [f.resourceName, f.field, f.severity])).toEqual([
      ["0d5e8f2a-1111-4222-8333-444455556666", "exists", "HIGH"],
      [removed.name, "exists", "MEDIUM"],
    ]);
    expect(found[0].summary).toContain("Eve <eve@contoso.com>");
    expect(found[0].summary).toContain("Owner");
  });

  it("compute: idle shutdown removed, owner changed; cluster: min nodes raised", () => {
    const o = asPlanned(plan);
    const ci = plan.steps.find((s) => s.kind === "computeInstance")!;
    const cc = plan.steps.find((s) => s.kind === "computeCluster")!;
    const ciInner = props(o, ci.id).properties as Record<string, unknown>;
    delete ciInner.idleTimeBeforeShutdown;
    ciInner.personalComputeInstanceSettings = { assignedUser: { objectId: "cccccccc-0000-4000-8000-000000000001" } };
    ((props(o, cc.id).properties as Record<string, unknown>).scaleSettings as Record<string, unknown>).minNodeCount = 3;
    expect(compareWithPlan(plan, o).map((f) => [f.resourceName, f.field, f.severity])).toEqual([
      [ci.name, "idleTimeBeforeShutdown", "MEDIUM"],
      [ci.name, "assignedUser", "HIGH"],
      [cc.name, "scaleSettings.minNodeCount", "MEDIUM"],
    ]);
  });
});
