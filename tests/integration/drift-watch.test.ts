// [DRIFT] The drift watch against the ARM simulator through the real Azure SDK and the real engine: a freshly
// provisioned set shows no drift; each kind of out-of-band change (as a person makes it in the Azure portal) is
// reported by the next scan as exactly that finding, with its severity, notified once and audited; restoring it is a
// change request (approved by an admin) whose run puts the desired state back, after which the finding closes and the
// estate is as planned; accepting drift changes the desired state, and no finding remains.
import { beforeAll, describe, expect, it } from "vitest";
import { approveRequestAction } from "@/lib/approvals/actions";
import type { ReadGate } from "@/lib/azure/drift-reads";
import type { OutOfBandChange } from "@/lib/azure/simulator/out-of-band";
import type { SetDocument } from "@/lib/changes/document";
import { db } from "@/lib/db/client";
import { acceptDriftAction, restoreDriftAction } from "@/lib/drift/actions";
import { runDriftScan } from "@/lib/drift/scan";
import { provisionedSetOf } from "@/tests/support/drift-fixtures";
import { createApprovedRequest, type CreatedRequest } from "@/tests/support/provisioning-fixtures";
import { actAs } from "../support/act-as";
import { simulatedEngineForSuite, simulatorFactory, waitForRuns } from "./provisioning-support";

const engine = simulatedEngineForSuite({ jobs: 2 });
const OPEN_GATE: ReadGate = { take: async () => {} };
const OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";

let created: CreatedRequest;
let setId: string;

function form(fields: Record<string, string | number>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, String(v));
  return f;
}

async function scanNow() {
  const scan = await db.driftScan.create({ data: { workspaceSetId: setId, trigger: "ON_DEMAND" } });
  const outcome = await runDriftScan(scan.id, {
    factory: simulatorFactory(engine.sim),
    gate: OPEN_GATE,
    retryBaseMs: 10,
  });
  expect(outcome).toMatchObject({ status: "SUCCEEDED" });
  return outcome;
}

const openFindings = () =>
  db.driftFinding.findMany({ where: { workspaceSetId: setId, closedAt: null }, orderBy: { firstSeenAt: "asc" } });
/** Drift notifications the set's requester got (the set's MLOps engineers and every admin get the same). */
const driftNotes = () =>
  db.notification.count({
    where: { kind: "drift.detected", requestId: created.requestId, user: { email: "amara.okafor@contoso.com" } },
  });
const setVersion = async () => (await db.workspaceSet.findUniqueOrThrow({ where: { id: setId } })).version;
const step = (kind: string) => created.plan.steps.find((s) => s.kind === kind && s.environment === "dev")!;
const simResource = (id: string) => engine.sim.resources().find((r) => r.id.toLowerCase() === id.toLowerCase());

/** The newest change request of the set, approved by an admin, run by the engine to the end. */
async function approveAndRun(expectStatus = "SUBMITTED") {
  const change = await db.workspaceRequest.findFirstOrThrow({
    where: { workspaceSetId: setId, kind: "CHANGE" },
    orderBy: { createdAt: "desc" },
  });
  expect(change.status).toBe(expectStatus);
  if (change.status === "SUBMITTED") {
    await actAs("fatima.khan@contoso.com");
    const approved = await approveRequestAction(
      change.id,
      { ok: true },
      form({ version: change.version, planHash: change.planHash! }),
    );
    expect(approved).toMatchObject({ ok: true });
  }
  const deadline = Date.now() + 60_000;
  let run = await db.provisioningRun.findFirst({ where: { requestId: change.id } });
  while (!run && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    run = await db.provisioningRun.findFirst({ where: { requestId: change.id } });
  }
  expect(Object.values(await waitForRuns([run!.id]))).toEqual(["SUCCEEDED"]);
  return db.workspaceRequest.findUniqueOrThrow({ where: { id: change.id } });
}

beforeAll(async () => {
  created = await createApprovedRequest({
    scope: "driftw",
    environments: ["dev"],
    visibility: "private",
    members: [
      { email: "amara.okafor@contoso.com", role: "dataScientist" },
      { email: "diana.reyes@contoso.com", role: "mlops" },
    ],
  });
  expect(Object.values(await waitForRuns([created.runId]))).toEqual(["SUCCEEDED"]);
  setId = (await provisionedSetOf(created)).id;
}, 120_000);

describe("[DRIFT] scan, restore, accept", () => {
  it("finds no drift on a freshly provisioned set", async () => {
    const outcome = await scanNow();
    expect(await openFindings()).toEqual([]);
    expect(outcome).toMatchObject({ opened: 0, closed: 0, open: 0 });
  });

  const cases: {
    name: string;
    change: () => OutOfBandChange;
    resource: () => string;
    field: string;
    severity: string;
    restored: () => void;
  }[] = [
    {
      name: "public network access re-enabled on a private workspace",
      change: () => ({
        kind: "workspace.publicNetworkAccess",
        resourceId: step("workspace").resourceId,
        value: "Enabled",
      }),
      resource: () => step("workspace").resourceId,
      field: "publicNetworkAccess",
      severity: "HIGH",
      restored: () =>
        expect(simResource(step("workspace").resourceId)?.resource.properties).toMatchObject({
          publicNetworkAccess: "Disabled",
        }),
    },
    {
      name: "idle shutdown removed from a compute instance",
      change: () => ({ kind: "computeInstance.removeIdleShutdown", resourceId: step("computeInstance").resourceId }),
      resource: () => step("computeInstance").resourceId,
      field: "idleTimeBeforeShutdown",
      severity: "MEDIUM",
      restored: () =>
        expect(simResource(step("computeInstance").resourceId)?.resource.properties).toMatchObject({
          properties: { idleTimeBeforeShutdown: "PT60M" },
        }),
    },
    {
      name: "a cluster's minimum nodes raised",
      change: () => ({ kind: "cluster.minNodeCount", resourceId: step("computeCluster").resourceId, value: 2 }),
      resource: () => step("computeCluster").resourceId,
      field: "scaleSettings.minNodeCount",
      severity: "MEDIUM",
      restored: () =>
        expect(simResource(step("computeCluster").resourceId)?.resource.properties).toMatchObject({
          properties: { scaleSettings: { minNodeCount: 0 } },
        }),
    },
    {
      name: "a tag removed from the workspace",
      change: () => ({ kind: "tags.remove", resourceId: step("workspace").resourceId, tags: ["cost-center"] }),
      resource: () => step("workspace").resourceId,
      field: "tags.cost-center",
      severity: "LOW",
      restored: () =>
        expect(simResource(step("workspace").resourceId)?.tags["cost-center"]).toBe(
          step("workspace").tags["cost-center"],
        ),
    },
    {
      name: "blob public access turned on for the storage account",
      change: () => ({
        kind: "patch",
        resourceId: step("storageAccount").resourceId,
        properties: { allowBlobPublicAccess: true },
      }),
      resource: () => step("storageAccount").resourceId,
      field: "allowBlobPublicAccess",
      severity: "HIGH",
      restored: () =>
        expect(simResource(step("storageAccount").resourceId)?.resource.properties).toMatchObject({
          allowBlobPublicAccess: false,
        }),
    },
    {
      name: "the private DNS zone group deleted",
      change: () => ({ kind: "resource.delete", resourceId: step("privateDnsZoneGroup").resourceId }),
      resource: () => step("privateDnsZoneGroup").resourceId,
      field: "exists",
      severity: "MEDIUM",
      restored: () => expect(simResource(step("privateDnsZoneGroup").resourceId)).toBeDefined(),
    },
    {
      name: "a planned role assignment removed",
      change: () => ({ kind: "roleAssignment.remove", resourceId: step("roleAssignment").resourceId }),
      resource: () => step("roleAssignment").resourceId,
      field: "exists",
      severity: "MEDIUM",
      restored: () => expect(simResource(step("roleAssignment").resourceId)).toBeDefined(),
    },
  ];

  for (const c of cases) {
    it(`${c.name}: reported as exactly that finding, once; restored by an approved change; closed`, async () => {
      engine.sim.outOfBand(c.change());
      const notesBefore = await driftNotes();
      const first = await scanNow();
      const [finding, ...others] = await openFindings();
      expect(others).toEqual([]);
      expect([finding.resourceId.toLowerCase(), finding.field, finding.severity]).toEqual([
        c.resource().toLowerCase(),
        c.field,
        c.severity,
      ]);
      expect(first).toMatchObject({ opened: 1, open: 1 });
      expect(await driftNotes()).toBe(notesBefore + 1);
      // Seen again: touched, not opened again, not notified again.
      expect(await scanNow()).toMatchObject({ opened: 0, closed: 0, open: 1 });
      expect(await driftNotes()).toBe(notesBefore + 1);

      await actAs("amara.okafor@contoso.com");
      const restored = await restoreDriftAction(
        setId,
        { ok: true },
        form({ baseVersion: await setVersion(), findingIds: finding.id }),
      );
      expect(restored).toMatchObject({ ok: true });
      const change = await approveAndRun();
      expect(change.changeKinds).toEqual(["restoreDrift"]);
      c.restored();

      expect(await scanNow()).toMatchObject({ opened: 0, closed: 1, open: 0 });
      const closed = await db.driftFinding.findUniqueOrThrow({ where: { id: finding.id } });
      expect(closed.closedAt).not.toBeNull();
      expect(closed.resolutionRequestId).toBe(change.id);
      const audit = await db.auditEvent.findMany({
        where: { entityType: "workspace_set", entityId: setId, action: { startsWith: "drift." } },
        orderBy: { id: "desc" },
        take: 3,
        select: { action: true },
      });
      expect(audit.map((a) => a.action)).toEqual([
        "drift.findings_closed",
        "drift.restore_requested",
        "drift.findings_opened",
      ]);
    });
  }

  it("a resource group deleted by hand: every resource in it is missing, and restoring creates them all again", async () => {
    const rg = step("resourceGroup");
    engine.sim.outOfBand({ kind: "resource.delete", resourceId: rg.resourceId });
    await scanNow();
    const missing = await openFindings();
    const inGroup = created.plan.steps.filter(
      (s) => s.environment === "dev" && s.target.resourceGroup === rg.target.resourceGroup,
    );
    expect(missing.every((f) => f.field === "exists")).toBe(true);
    expect(missing.map((f) => f.resourceId.toLowerCase()).sort()).toEqual(
      inGroup.map((s) => s.resourceId.toLowerCase()).sort(),
    );

    await actAs("amara.okafor@contoso.com");
    expect(await restoreDriftAction(setId, { ok: true }, form({ baseVersion: await setVersion() }))).toMatchObject({
      ok: true,
    });
    await approveAndRun();
    expect(await scanNow()).toMatchObject({ open: 0 });
  });

  it("an Owner added by hand to a person is HIGH, names the person, and restoring deletes that assignment", async () => {
    const diana = await db.user.findUniqueOrThrow({ where: { email: "ben.carter@contoso.com" } });
    const ws = step("workspace");
    const added = engine.sim.outOfBand({
      kind: "roleAssignment.add",
      scope: ws.resourceId,
      roleDefinitionId: `/subscriptions/${ws.target.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${OWNER}`,
      principalId: diana.entraObjectId!,
      principalType: "User",
    });
    await scanNow();
    const [finding, ...others] = await openFindings();
    expect(others).toEqual([]);
    expect([finding.resourceId, finding.severity]).toEqual([added.id, "HIGH"]);
    expect(finding.summary).toContain(diana.name);
    expect(finding.summary).toContain("Owner");

    await actAs("amara.okafor@contoso.com");
    expect(await restoreDriftAction(setId, { ok: true }, form({ baseVersion: await setVersion() }))).toMatchObject({
      ok: true,
    });
    await approveAndRun();
    expect(simResource(String(added.id))).toBeUndefined();
    expect(await scanNow()).toMatchObject({ closed: 1, open: 0 });
  });

  it("accepting a cluster's new maximum makes it the desired state, and no finding remains", async () => {
    const cluster = step("computeCluster");
    engine.sim.outOfBand({
      kind: "patch",
      resourceId: cluster.resourceId,
      properties: { properties: { scaleSettings: { maxNodeCount: 6 } } },
    });
    await scanNow();
    const [finding, ...others] = await openFindings();
    expect(others).toEqual([]);
    expect([finding.field, finding.actual]).toEqual(["scaleSettings.maxNodeCount", 6]);
    const before = await setVersion();

    await actAs("amara.okafor@contoso.com");
    expect(
      await acceptDriftAction(setId, { ok: true }, form({ baseVersion: before, findingIds: finding.id })),
    ).toMatchObject({ ok: true });
    const change = await approveAndRun();
    expect(change.changeKinds).toEqual(["acceptDrift"]);
    const set = await db.workspaceSet.findUniqueOrThrow({ where: { id: setId } });
    expect(set.version).toBe(before + 1);
    expect((set.desiredState as unknown as SetDocument).compute.devClusters[0].maxNodes).toBe(6);
    expect(await scanNow()).toMatchObject({ closed: 1, open: 0 });
    expect(await openFindings()).toEqual([]);
  });

  it("refuses to accept what the desired document cannot say, and changes nothing", async () => {
    engine.sim.outOfBand({ kind: "cluster.minNodeCount", resourceId: step("computeCluster").resourceId, value: 1 });
    await scanNow();
    const [finding] = await openFindings();
    const requests = await db.workspaceRequest.count();
    await actAs("amara.okafor@contoso.com");
    const refused = await acceptDriftAction(
      setId,
      { ok: true },
      form({ baseVersion: await setVersion(), findingIds: finding.id }),
    );
    expect(refused).toMatchObject({ ok: false });
    expect(refused.message).toMatch(/restore it/);
    expect(await db.workspaceRequest.count()).toBe(requests);
  });
});
