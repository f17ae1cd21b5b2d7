// [CHANGES] 20 % injected faults (the provisioning fault mix: 429 with and without Retry-After, 500, 503, connection
// resets, operations ending Failed, PrincipalNotFound) during change runs — adds, removals, a scale change and a
// visibility change — and every change still converges: the estate equals the desired plan, nothing created twice.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { loadWorkspaceSet } from "@/lib/changes/sets";
import { effectivePutsByPath, simulatedEngineForSuite, FAULT_MIX_20_PERCENT } from "./provisioning-support";
import { applyChange, expectEstateMatchesDesired, person, provisionSet } from "./changes-support";

const engine = simulatedEngineForSuite({
  jobs: 2,
  simulator: { faults: { seed: 20261203, rules: FAULT_MIX_20_PERCENT } },
});
const AMARA = "amara.okafor@contoso.com";

describe("[CHANGES] injected faults", () => {
  it("applies adds, removals, a scale change and going public despite 20 % faults", { timeout: 240_000 }, async () => {
    const set = await provisionSet({
      scope: "chfault",
      environments: ["dev", "test"],
      visibility: "private",
      members: [
        { email: "amara.okafor@contoso.com", role: "dataScientist" },
        { email: "ben.carter@contoso.com", role: "dataScientist" },
        { email: "diana.reyes@contoso.com", role: "mlops" },
      ],
    });
    const results = [];
    results.push(
      await applyChange(AMARA, set.setId, { addMembers: [{ email: "maya.patel@contoso.com", role: "dataScientist" }] }),
    );
    results.push(await applyChange(AMARA, set.setId, { removeMembers: ["ben.carter@contoso.com"] }));
    const compute = (await loadWorkspaceSet(await person(AMARA), set.setId))!.desired.compute;
    results.push(
      await applyChange(AMARA, set.setId, {
        compute: {
          ...compute,
          devClusters: [
            { ...compute.devClusters[0], maxNodes: 6 },
            { vmSize: "Standard_DS11_v2", maxNodes: 2 },
          ],
        },
      }),
    );
    results.push(await applyChange(AMARA, set.setId, { visibility: "public" }));
    const runs = await db.provisioningRun.findMany({
      where: { requestId: { in: results.map((r) => r.requestId) } },
      select: { status: true, errorMessage: true },
    });
    expect(runs).toEqual(results.map(() => ({ status: "SUCCEEDED", errorMessage: null })));
    await expectEstateMatchesDesired(engine.sim, set.setId);

    // The faults happened, and no path got more effective PUTs than the plans asked for.
    const log = engine.sim.requestLog();
    expect(log.filter((r) => r.fault).length).toBeGreaterThan(10);
    const planned = new Map<string, number>();
    for (const id of [set.requestId, ...results.map((r) => r.requestId)]) {
      const row = await db.workspaceRequest.findUniqueOrThrow({ where: { id }, select: { plan: true } });
      for (const s of (row.plan as { steps: { op?: string; resourceId: string }[] }).steps)
        if (s.op !== "delete")
          planned.set(s.resourceId.toLowerCase(), (planned.get(s.resourceId.toLowerCase()) ?? 0) + 1);
    }
    const over = [...effectivePutsByPath(log).entries()]
      .filter(([p, l]) => !/roledefinitions/i.test(p) && l.length > (planned.get(p) ?? 0))
      .map(([p, l]) => `${p}: ${l.length}`);
    expect(over).toEqual([]);
  });
});
