// [DECOMMISSION] A set's end of life through the real engine against the ARM simulator: decommission (a change request
// the admins approve) → soft-deleted until Azure's 14 days → recovered by an admin (the estate equals the desired state
// again) → decommissioned again → purged at once with a second admin (nothing of the set left in the simulated estate,
// no soft-deleted workspace or vault holding its names).
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { approvePurge, recoverSet, requestPurge, startDecommission } from "@/lib/decommission/mutations";
import { DAY_MS } from "@/lib/leases/rules";
import { leaseTick } from "@/lib/leases/worker";
import { approveChange, expectEstateMatchesDesired, person, provisionSet, waitForChangeRun } from "./changes-support";
import { FAST_EXECUTOR, simulatedEngineForSuite, simulatorFactory } from "./provisioning-support";

const engine = simulatedEngineForSuite({ jobs: 2 });
const ADMIN = "fatima.khan@contoso.com";
const SECOND_ADMIN = "george.mensah@contoso.com";

const tick = (now = new Date()) =>
  leaseTick({
    factory: simulatorFactory(engine.sim),
    now,
    pollIntervalMs: FAST_EXECUTOR.pollIntervalMs,
    log: () => {},
  });

const scopeIds = (scope: string) =>
  engine.sim
    .resources()
    .map((r) => r.id.toLowerCase())
    .filter((id) => id.includes(`-${scope}-`) || id.includes(`/rg-${scope}`) || id.includes(`st${scope}`));

async function decommission(setId: string) {
  // Asked by one admin, approved by another (nobody approves what they asked for).
  const started = await startDecommission(await person(SECOND_ADMIN), setId, "test-decommission", {
    reason: "The project ended; nothing runs here any more.",
  });
  await approveChange(started.requestId);
  const run = await waitForChangeRun(started.requestId);
  const ended = await db.provisioningRun.findUniqueOrThrow({ where: { id: run.runId } });
  expect([ended.status, ended.errorMessage]).toEqual(["SUCCEEDED", null]);
  expect((await tick()).softDeleted).toBe(1);
  return started.requestId;
}

describe("[DECOMMISSION] soft delete, recovery, purge", () => {
  it("decommissions to soft-deleted, recovers to the desired state, and purges with a second admin", async () => {
    const set = await provisionSet({ scope: "dcmone", environments: ["dev"], visibility: "private" });
    const workspace = set.plan.steps.find((s) => s.kind === "workspace")!;

    await decommission(set.setId);
    const row = await db.workspaceSet.findUniqueOrThrow({ where: { id: set.setId } });
    expect(row.status).toBe("SOFT_DELETED");
    const retired = await db.setRetirement.findUniqueOrThrow({ where: { workspaceSetId: set.setId } });
    expect(retired.softDeletedUntil!.getTime() - retired.softDeletedAt!.getTime()).toBe(14 * DAY_MS);
    // Only the dependent resources are left (kept for recovery and the purge); the workspace is soft-deleted.
    const left = scopeIds("dcmone");
    expect(left.some((id) => id.includes("/workspaces/"))).toBe(false);
    expect(left.some((id) => id.includes("/privateendpoints/"))).toBe(false);
    expect(left.some((id) => id.includes("/roleassignments/"))).toBe(false);
    expect(left.some((id) => id.includes("/microsoft.keyvault/vaults/"))).toBe(true);
    expect(engine.sim.softDeletedWorkspaces().map((w) => w.name)).toContain(workspace.name);

    // Recovery: the same workspace back, then access and compute replayed — the estate equals the desired plan.
    const recovered = await recoverSet(await person(ADMIN), set.setId, "test-recover");
    const run = await waitForChangeRun(recovered.requestId);
    const ended = await db.provisioningRun.findUniqueOrThrow({ where: { id: run.runId } });
    expect([ended.status, ended.errorMessage]).toEqual(["SUCCEEDED", null]);
    expect((await db.workspaceSet.findUniqueOrThrow({ where: { id: set.setId } })).status).toBe("ACTIVE");
    expect(engine.sim.softDeletedWorkspaces().map((w) => w.name)).not.toContain(workspace.name);
    await expectEstateMatchesDesired(engine.sim, set.setId);

    // Decommission again, then purge at once: one admin asks, a second approves, the next tick purges.
    await decommission(set.setId);
    await requestPurge(await person(ADMIN), set.setId, "test-purge");
    await expect(approvePurge(await person(ADMIN), set.setId, "test-purge-self")).rejects.toThrow(/second admin/);
    await approvePurge(await person(SECOND_ADMIN), set.setId, "test-purge-approve");
    const [a, b] = await Promise.all([tick(), tick()]);
    expect([...a.purged, ...b.purged]).toEqual([set.setId]);
    expect(scopeIds("dcmone")).toEqual([]);
    expect(engine.sim.softDeletedWorkspaces().map((w) => w.name)).not.toContain(workspace.name);
    expect((await db.workspaceSet.findUniqueOrThrow({ where: { id: set.setId } })).status).toBe("PURGED");
    // Names free again: no soft-deleted vault holds the key vault's name.
    const vault = set.plan.steps.find((s) => s.kind === "keyVault")!;
    const deletedVaults: string[] = [];
    for await (const v of simulatorFactory(engine.sim)
      .forSubscription(vault.target.subscriptionId)
      .keyVault.vaults.listDeleted())
      deletedVaults.push(v.name ?? "");
    expect(deletedVaults).not.toContain(vault.name);
    const purged = await db.auditEvent.findFirstOrThrow({
      where: { action: "workspace_set.purged", entityId: set.setId },
    });
    expect((purged.after as { deleted: string[] }).deleted.length).toBeGreaterThan(0);
  });
});
