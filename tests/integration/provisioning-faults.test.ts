// [PROVISIONING] 20 % injected faults with a fixed seed — 429 with and without Retry-After, 500, 503, connection resets,
// long-running operations ending Failed, PrincipalNotFound — and every request is still provisioned, with no resource
// created twice (from the simulator's request log) and an estate that equals the plans.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createApprovedRequest, type CreatedRequest } from "@/tests/support/provisioning-fixtures";
import {
  createdResourceIds,
  effectivePutsByPath,
  planResourceIds,
  simulatedEngineForSuite,
  waitForRuns,
  FAULT_MIX_20_PERCENT,
} from "./provisioning-support";

const created: CreatedRequest[] = [];

const engine = simulatedEngineForSuite({
  jobs: 4,
  simulator: { faults: { seed: 20261123, rules: FAULT_MIX_20_PERCENT } },
});

describe("[PROVISIONING] injected faults", () => {
  it("provisions every request despite 20 % faults, creating nothing twice", { timeout: 120_000 }, async () => {
    const configs = [
      { scope: "fpubres", visibility: "public", restriction: "restricted" },
      { scope: "fpubunr", visibility: "public", restriction: "unrestricted" },
      { scope: "fprvres", visibility: "private", restriction: "restricted" },
      { scope: "fprvunr", visibility: "private", restriction: "unrestricted" },
    ] as const;
    for (const c of configs) created.push(await createApprovedRequest({ ...c, environments: ["dev", "test", "prod"] }));
    const statuses = await waitForRuns(
      created.map((c) => c.runId),
      90_000,
    );
    const runs = await db.provisioningRun.findMany({
      where: { id: { in: created.map((c) => c.runId) } },
      select: { status: true, errorMessage: true },
    });
    expect(runs).toEqual(created.map(() => ({ status: "SUCCEEDED", errorMessage: null })));
    expect(Object.values(statuses).every((s) => s === "SUCCEEDED")).toBe(true);

    const log = engine.sim.requestLog();
    const arm = log.filter((r) => r.path.startsWith("/subscriptions/"));
    const faulted = arm.filter((r) => r.fault && r.fault !== "lro-failed" && r.fault !== "principal-not-found");
    // The faults really happened, in every flavour, at about the configured rate.
    const kinds = new Set(log.map((r) => r.fault).filter(Boolean));
    for (const k of [
      "throttle",
      "throttle-no-retry-after",
      "internal-error",
      "service-unavailable",
      "connection-reset",
      "lro-failed",
    ]) {
      expect(kinds, `fault ${k} injected`).toContain(k);
    }
    expect(log.some((r) => r.errorCode === "PrincipalNotFound")).toBe(true);
    expect(faulted.length / arm.length).toBeGreaterThan(0.12);
    expect(faulted.length / arm.length).toBeLessThan(0.28);

    // Steps were retried (attempts > 1 somewhere), yet no resource was created twice and the estate is the plan.
    const steps = await db.provisioningStep.findMany({ where: { requestId: { in: created.map((c) => c.requestId) } } });
    expect(steps.every((s) => s.status === "SUCCEEDED")).toBe(true);
    expect(steps.some((s) => s.attempts > 1)).toBe(true);
    const puts = effectivePutsByPath(log);
    expect([...puts.entries()].filter(([, l]) => l.length > 1).map(([p]) => p)).toEqual([]);
    expect(createdResourceIds(engine.sim)).toEqual(planResourceIds(created.map((c) => c.plan)));
  });
});
