import { describe, expect, it } from "vitest";
import { buildPlan } from "./build-plan";
import { estimateCost, expectedInstanceHours } from "./cost";
import { FIXED_PRICES, VM_HOURLY_PRICES } from "./prices";
import { SETTINGS, journeyInput } from "@/tests/support/plan-fixtures";

describe("[COST]: monthly estimate", () => {
  it("instances: hourly price × expected hours under idle shutdown; clusters 0 with a ceiling", () => {
    expect(expectedInstanceHours(60)).toBe(22 * 9);
    expect(expectedInstanceHours(4320)).toBe(730);
    const plan = buildPlan(journeyInput());
    const cost = estimateCost(plan, SETTINGS.vmSizes);
    const fixed = 2.08 + 0.3 + 2.3; // storage 100 GB, 100k Key Vault operations, 1 GB App Insights
    const pe = 7.3 + 1; // 730 h + 100 GB
    const ci = Math.round(198 * 0.293 * 100) / 100; // 58.01
    expect(cost.byEnvironment.dev).toBeCloseTo(2 * ci + fixed + pe, 2);
    expect(cost.byEnvironment.test).toBeCloseTo(fixed + pe, 2);
    expect(cost.byEnvironment.prod).toBeCloseTo(fixed + pe, 2);
    expect(cost.monthlyTotal).toBeCloseTo(2 * ci + 3 * (fixed + pe), 2);
    const cluster = cost.lines.find((l) => l.stepId === "dev/cc/cc-ds11v2")!;
    expect(cluster.monthlyUsd).toBe(0);
    expect(cluster.ceilingMonthlyUsd).toBeCloseTo(730 * 4 * 0.185, 2);
    expect(cost.ceilingMonthlyTotal).toBeGreaterThan(cost.monthlyTotal);
    expect(cost.assumptions.join(" ")).toMatch(/8 hours on each of 22 working days/);
  });

  it("public workspaces have no private-endpoint cost; unknown sizes are priced at 0 and said so", () => {
    const plan = buildPlan(
      journeyInput({ visibility: "public", compute: { ...journeyInput().compute, instanceVmSize: "Standard_Z9_v9" } }),
    );
    const cost = estimateCost(plan, []);
    expect(cost.lines.some((l) => l.kind === "privateEndpoint")).toBe(false);
    expect(cost.byEnvironment.test).toBeCloseTo(4.68, 2);
    expect(cost.assumptions.some((a) => a.includes("Standard_Z9_v9"))).toBe(true);
  });

  it("every price in the table has a source and a date", () => {
    for (const p of [...Object.values(FIXED_PRICES), ...Object.values(VM_HOURLY_PRICES)]) {
      expect(p.source).toMatch(/^https:\/\/azure\.microsoft\.com\//);
      expect(p.recordedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});
