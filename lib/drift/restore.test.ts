import { describe, expect, it } from "vitest";
import { documentOf } from "@/lib/changes/document";
import { buildPlan } from "@/lib/plan/build-plan";
import { journeyInput } from "@/tests/support/plan-fixtures";
import { acceptedDocument, restorePlan, type FindingFacts } from "./restore";

const input = journeyInput({ visibility: "private", environments: ["dev", "test"] });
const plan = buildPlan(input);
const step = (kind: string, env = "dev") => plan.steps.find((s) => s.kind === kind && s.environment === env)!;
const finding = (over: Partial<FindingFacts> & Pick<FindingFacts, "resourceId" | "field">): FindingFacts => ({
  id: "f",
  resourceKind: "workspace",
  resourceName: "x",
  actual: null,
  environment: "DEV",
  ...over,
});

describe("restorePlan", () => {
  it("PUTs the desired body of a changed resource, once however many of its fields drifted", () => {
    const ws = step("workspace");
    const p = restorePlan(plan, [
      finding({ resourceId: ws.resourceId, field: "publicNetworkAccess" }),
      finding({ resourceId: ws.resourceId.toLowerCase(), field: "tags.team" }),
    ]);
    expect(p.steps.map((s) => [s.op, s.planStepId])).toEqual([["update", ws.id]]);
    expect(p.steps[0].body).toEqual(ws.body);
    expect(p.planHash).toMatch(/^sha256:/);
  });

  it("creates what is missing after what it depends on; replaces a compute instance whose owner changed (disk warning)", () => {
    const pe = step("privateEndpoint");
    const zones = step("privateDnsZoneGroup");
    const ci = step("computeInstance");
    const p = restorePlan(plan, [
      finding({ resourceId: zones.resourceId, field: "exists" }),
      finding({ resourceId: pe.resourceId, field: "exists" }),
      finding({ resourceId: ci.resourceId, field: "assignedUser" }),
    ]);
    const byId = new Map(p.steps.map((s) => [s.id, s]));
    expect(byId.get(`create:${zones.id}`)?.dependsOn).toEqual([`create:${pe.id}`]);
    expect(byId.get(`create:${ci.id}`)?.dependsOn).toEqual([`delete:${ci.id}`]);
    expect(byId.get(`delete:${ci.id}`)?.deleteParameters).toEqual({ underlyingResourceAction: "Delete" });
    expect(p.warnings).toHaveLength(1);
  });

  it("deletes a role assignment added by hand, at its own scope", () => {
    const ws = step("workspace");
    const id = `${ws.resourceId}/providers/Microsoft.Authorization/roleAssignments/0d5e8f2a-1111-4222-8333-444455556666`;
    const p = restorePlan(plan, [
      finding({
        resourceId: id,
        field: "exists",
        resourceKind: "roleAssignment",
        resourceName: "0d5e8f2a-1111-4222-8333-444455556666",
      }),
    ]);
    expect(p.steps).toHaveLength(1);
    expect(p.steps[0]).toMatchObject({ op: "delete", kind: "roleAssignment", target: { scope: ws.resourceId } });
  });
});

describe("acceptedDocument", () => {
  const doc = documentOf(input);
  it("takes public access, idle shutdown and a dev cluster's maximum into the document", () => {
    const cluster = plan.steps.find((s) => s.kind === "computeCluster" && s.environment === "dev")!;
    const out = acceptedDocument(doc, plan, [
      finding({ resourceId: step("workspace").resourceId, field: "publicNetworkAccess", actual: "Enabled" }),
      finding({ resourceId: step("computeInstance").resourceId, field: "idleTimeBeforeShutdown", actual: "PT2H" }),
      finding({ resourceId: cluster.resourceId, field: "scaleSettings.maxNodeCount", actual: 9 }),
    ]);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.desired.visibility).toBe("public");
    expect(out.desired.compute.idleShutdownMinutes).toBe(120);
    expect(out.desired.compute.devClusters[0].maxNodes).toBe(9);
    expect(doc.visibility).toBe("private");
  });

  it("refuses what the document cannot say (a removed idle shutdown, a raised minimum, a hand-added role)", () => {
    const out = acceptedDocument(doc, plan, [
      finding({ resourceId: step("computeInstance").resourceId, field: "idleTimeBeforeShutdown", actual: null }),
      finding({ resourceId: step("computeCluster").resourceId, field: "scaleSettings.minNodeCount", actual: 2 }),
    ]);
    expect(out).toMatchObject({ ok: false });
    if (out.ok) return;
    expect(out.reasons).toHaveLength(2);
  });
});
