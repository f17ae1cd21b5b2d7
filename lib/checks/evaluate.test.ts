import { describe, expect, it } from "vitest";
import { buildPlan } from "@/lib/plan/build-plan";
import { journeyInput } from "@/tests/support/plan-fixtures";
import {
  computeNeeds,
  evaluateNames,
  evaluatePolicy,
  evaluateQuota,
  evaluateRoleAssignments,
  familyKey,
  type CheckedStep,
  worstStatus,
} from "./evaluate";

const plan = buildPlan(journeyInput());
const steps = plan.steps as unknown as CheckedStep[];
const SIZES = [
  { name: "Standard_DS3_v2", family: "standardDSv2Family", vCPUs: 4 },
  { name: "Standard_DS11_v2", family: "standardDSv2Family", vCPUs: 2 },
];
const usage = (name: string, currentValue: number, limit: number) => ({ name, currentValue, limit });
const DSV2 = "Standard DSv2 Family Cluster Dedicated vCPUs";

describe("[CHECKS]: quota", () => {
  it("needs one node per compute instance and max nodes per cluster", () => {
    const dev = computeNeeds(steps).filter((n) => n.what.startsWith("dev/"));
    expect(dev.map((n) => [n.vmSize, n.nodes]).sort()).toEqual([
      ["Standard_DS11_v2", 4],
      ["Standard_DS3_v2", 1],
      ["Standard_DS3_v2", 1],
    ]);
  });

  it("names families the same way in vmSizes and usages", () => {
    expect(familyKey("standardNCSv3Family")).toBe("ncsv3");
    expect(familyKey("Standard NCSv3 Family Cluster Dedicated vCPUs")).toBe("ncsv3");
    expect(familyKey("standardDv2Family")).not.toBe(familyKey("standardDSv2Family"));
  });

  it("passes, warns over 80 % and fails over the free quota, counting what is approved but not applied", () => {
    const mine = computeNeeds(steps).filter((n) => n.what.startsWith("dev/")); // 16 DSv2 vCPUs
    const facts = (limit: number, current = 0) => ({
      subscriptionId: mine[0].subscriptionId,
      region: "westeurope",
      vmSizes: SIZES,
      usages: [
        usage(DSV2, current, limit),
        usage("Total Cluster Dedicated Regional vCPUs", current, 1000),
        usage("Clusters", 0, 500),
      ],
    });
    const family = (limit: number, pending = 0, current = 0) =>
      evaluateQuota(facts(limit, current), mine, pending ? [{ ...mine[0], nodes: pending / 4 }] : []).find((r) =>
        r.id.endsWith("/dsv2"),
      )!;
    expect(family(100).status).toBe("pass");
    expect(family(18).status).toBe("warn");
    expect(family(15).status).toBe("fail");
    expect(family(24, 8).status).toBe("warn");
    expect(family(24, 12).status).toBe("fail");
    expect(family(20, 0, 8).status).toBe("fail");
  });

  it("fails a VM size the region does not offer", () => {
    const mine = computeNeeds(steps);
    const r = evaluateQuota(
      { subscriptionId: "s", region: "westeurope", vmSizes: [], usages: [] },
      mine.slice(0, 1),
      [],
    );
    expect(r[0]).toMatchObject({ status: "fail", title: expect.stringContaining("not offered") });
  });
});

describe("[CHECKS]: policy, names, role assignments", () => {
  const prodWorkspace = steps.find((s) => s.kind === "workspace" && s.environment === "prod")!;
  const publicProd = {
    ...prodWorkspace,
    body: { ...prodWorkspace.body, properties: { publicNetworkAccess: "Enabled" } },
  };

  it("reports a value policy does not allow against the request's field; Audit warns", () => {
    const restriction = {
      field: "Microsoft.MachineLearningServices/workspaces/publicNetworkAccess",
      result: "Required",
      values: ["Disabled"],
      policyEffect: "Deny",
      policyAssignmentId: "/subscriptions/x/providers/Microsoft.Authorization/policyAssignments/deny-public",
      reason: null,
    };
    expect(evaluatePolicy(publicProd, [restriction])).toMatchObject([{ status: "fail", field: "visibility" }]);
    expect(evaluatePolicy(publicProd, [{ ...restriction, result: "Audit", policyEffect: "Audit" }])).toMatchObject([
      { status: "warn" },
    ]);
    expect(evaluatePolicy(prodWorkspace, [restriction])).toEqual([]); // the journey is private
  });

  it("fails names held by soft-deleted vaults and workspaces", () => {
    const kv = steps.find((s) => s.kind === "keyVault")!;
    const r = evaluateNames(steps, [{ kind: "keyVault", name: kv.name.toUpperCase(), until: "2027-01-01T00:00:00Z" }]);
    expect(r).toMatchObject([{ status: "fail", title: expect.stringContaining(kv.name) }]);
    expect(r[0].detail).toContain("until 2027-01-01");
  });

  it("counts role assignments against the subscription's 4,000", () => {
    expect(evaluateRoleAssignments({ subscriptionId: "s", existing: 100, mine: 10, pending: 0 }).status).toBe("pass");
    expect(evaluateRoleAssignments({ subscriptionId: "s", existing: 3300, mine: 10, pending: 10 }).status).toBe("warn");
    expect(evaluateRoleAssignments({ subscriptionId: "s", existing: 3995, mine: 10, pending: 0 }).status).toBe("fail");
  });

  it("the worst result decides", () => {
    expect(worstStatus([{ status: "pass" }, { status: "warn" }])).toBe("warn");
    expect(worstStatus([{ status: "warn" }, { status: "fail" }])).toBe("fail");
    expect(worstStatus([])).toBe("pass");
  });
});
