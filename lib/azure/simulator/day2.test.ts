/**
 * Day-2 contract suite through the real SDK clients: deletes with Azure's status codes and long-running behaviour,
 * what Azure refuses to change in place, workspace and key vault soft delete (recover, purge, purge protection) and
 * compute stop/start.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArmEngine } from "./engine";
import { defaultLandingZone, startArmSimulator } from "./server";
import { FAST, TEST_CERT_DIR, sdkClients } from "./test-support";
import type { ArmSimulator } from "./types";

const SUB = "7e2f1d4b-6a0c-4d2f-8b62-1d2e3f4a5b6c";
const TENANT = "f0e1d2c3-b4a5-4697-8877-665544332211";
const ALICE = "a11ce000-0000-4000-8000-00000000da12";
const DATA_SCIENTIST = "f6c7c914-8db3-469d-8ca1-694a8f32e121";
const zone = defaultLandingZone(SUB);

let sim: ArmSimulator;
let c: ReturnType<typeof sdkClients>;

async function rejection(promise: Promise<unknown>): Promise<{ statusCode?: number; code?: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    return err as { statusCode?: number; code?: string; message: string };
  }
  throw new Error("expected the call to fail");
}

const vaultParams = (extra: Record<string, unknown> = {}) => ({
  location: "westeurope",
  properties: { tenantId: TENANT, sku: { family: "A" as const, name: "standard" as const }, ...extra },
});

async function dependencies(rg: string, suffix: string) {
  await c.resources.resourceGroups.createOrUpdate(rg, { location: "westeurope" });
  const st = await c.storage.storageAccounts.create(
    rg,
    `st${suffix}`,
    { location: "westeurope", kind: "StorageV2", sku: { name: "Standard_LRS" } },
    FAST,
  );
  const kv = await c.keyVault.vaults.createOrUpdate(rg, `kv-${suffix}`, vaultParams(), FAST);
  const ai = await c.appInsights.components.createOrUpdate(rg, `appi-${suffix}`, {
    location: "westeurope",
    kind: "web",
    applicationType: "web",
  });
  return { storageAccount: st.id!, keyVault: kv.id!, applicationInsights: ai.id! };
}

const cluster = (vmSize: string, maxNodeCount = 2) => ({
  location: "westeurope",
  properties: {
    computeType: "AmlCompute" as const,
    properties: { vmSize, scaleSettings: { minNodeCount: 0, maxNodeCount } },
  },
});

beforeAll(async () => {
  sim = await startArmSimulator({
    port: 0,
    timeScale: 0,
    stateFile: null,
    certDir: TEST_CERT_DIR,
    tenantId: TENANT,
    landingZone: zone,
    principals: [{ objectId: ALICE, type: "User" }],
  });
  c = sdkClients(sim, SUB);
});

afterAll(async () => {
  await sim?.close();
});

const last = (method: string) =>
  sim
    .requestLog()
    .filter((r) => r.method === method)
    .at(-1)!;

describe("[SIMULATOR] deletes with Azure's status codes", () => {
  const rg = "rg-day2-del";
  let deps: Awaited<ReturnType<typeof dependencies>>;

  beforeAll(async () => {
    deps = await dependencies(rg, "day2del1");
    await c.ml.workspaces.beginCreateOrUpdateAndWait(
      rg,
      "mlw-day2-del",
      { location: "westeurope", identity: { type: "SystemAssigned" }, ...deps },
      FAST,
    );
  });

  it("deletes storage, App Insights and connections synchronously (200, then 204 when gone)", async () => {
    await c.storage.storageAccounts.create(
      rg,
      "stday2gone",
      { location: "westeurope", kind: "StorageV2", sku: { name: "Standard_LRS" } },
      FAST,
    );
    await c.storage.storageAccounts.delete(rg, "stday2gone");
    expect(last("DELETE").status).toBe(200);
    await c.storage.storageAccounts.delete(rg, "stday2gone");
    expect(last("DELETE").status).toBe(204);
    await c.appInsights.components.createOrUpdate(rg, "appi-gone", {
      location: "westeurope",
      kind: "web",
      applicationType: "web",
    });
    await c.appInsights.components.deleteMethod(rg, "appi-gone");
    expect(last("DELETE").status).toBe(200);
    await c.ml.workspaceConnections.create(rg, "mlw-day2-del", "conn-gone", {
      properties: { authType: "None", category: "ContainerRegistry", target: "https://example.azurecr.io" },
    });
    await c.ml.workspaceConnections.delete(rg, "mlw-day2-del", "conn-gone");
    expect(last("DELETE").status).toBe(200);
    await c.ml.workspaceConnections.delete(rg, "mlw-day2-del", "conn-gone");
    expect(last("DELETE").status).toBe(204);
  });

  it("deletes a compute instance as a long-running operation (202 with Azure-AsyncOperation and Location)", async () => {
    await c.ml.computeOperations.beginCreateOrUpdateAndWait(
      rg,
      "mlw-day2-del",
      "ci-day2-del",
      {
        location: "westeurope",
        properties: {
          computeType: "ComputeInstance",
          properties: {
            vmSize: "Standard_DS3_v2",
            personalComputeInstanceSettings: { assignedUser: { objectId: ALICE, tenantId: TENANT } },
          },
        },
      },
      FAST,
    );
    sim.resetLog();
    await c.ml.computeOperations.beginDeleteAndWait(rg, "mlw-day2-del", "ci-day2-del", "Delete", FAST);
    const [del, poll] = sim.requestLog();
    expect(del).toMatchObject({ method: "DELETE", status: 202, query: { underlyingresourceaction: "Delete" } });
    expect(poll.path).toMatch(/computeOperationsStatus/);
    expect(await rejection(c.ml.computeOperations.get(rg, "mlw-day2-del", "ci-day2-del"))).toMatchObject({
      statusCode: 404,
    });
    await c.ml.computeOperations.beginDeleteAndWait(rg, "mlw-day2-del", "ci-day2-del", "Delete", FAST);
    expect(last("DELETE").status).toBe(204);
  });

  it("deletes a private endpoint and its DNS zone group as long-running operations", async () => {
    const ws = await c.ml.workspaces.get(rg, "mlw-day2-del");
    await c.network.privateEndpoints.beginCreateOrUpdateAndWait(
      rg,
      "pep-day2",
      {
        location: "eastus",
        subnet: { id: zone.subnetIds[0] },
        privateLinkServiceConnections: [{ name: "c", privateLinkServiceId: ws.id, groupIds: ["amlworkspace"] }],
      },
      FAST,
    );
    await c.network.privateDnsZoneGroups.beginCreateOrUpdateAndWait(
      rg,
      "pep-day2",
      "default",
      { privateDnsZoneConfigs: [{ name: "api", privateDnsZoneId: zone.privateDnsZoneIds[0] }] },
      FAST,
    );
    sim.resetLog();
    await c.network.privateDnsZoneGroups.beginDeleteAndWait(rg, "pep-day2", "default", FAST);
    expect(sim.requestLog()[0]).toMatchObject({ method: "DELETE", status: 202 });
    await c.network.privateEndpoints.beginDeleteAndWait(rg, "pep-day2", FAST);
    expect(last("DELETE").status).toBe(202);
    expect((await c.ml.workspaces.get(rg, "mlw-day2-del")).privateEndpointConnections).toEqual([]);
  });

  it("deletes a role assignment (200 with the assignment, 204 when gone)", async () => {
    const scope = `/subscriptions/${SUB}/resourceGroups/${rg}`;
    const name = randomUUID();
    await c.authorization.roleAssignments.create(scope, name, {
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${DATA_SCIENTIST}`,
      principalId: ALICE,
      principalType: "User",
    });
    const deleted = await c.authorization.roleAssignments.delete(scope, name);
    expect(deleted).toMatchObject({ name, principalId: ALICE });
    expect(last("DELETE").status).toBe(200);
    await c.authorization.roleAssignments.delete(scope, name);
    expect(last("DELETE").status).toBe(204);
  });

  it("answers 204 for a workspace that does not exist", async () => {
    await c.ml.workspaces.beginDeleteAndWait(rg, "mlw-never-was", FAST);
    expect(last("DELETE").status).toBe(204);
  });
});

describe("[SIMULATOR] what Azure changes in place and what it refuses", () => {
  const rg = "rg-day2-cc";

  beforeAll(async () => {
    const deps = await dependencies(rg, "day2cc1");
    await c.ml.workspaces.beginCreateOrUpdateAndWait(
      rg,
      "mlw-day2-cc",
      { location: "westeurope", identity: { type: "SystemAssigned" }, ...deps },
      FAST,
    );
    await c.ml.computeOperations.beginCreateOrUpdateAndWait(
      rg,
      "mlw-day2-cc",
      "cc-day2",
      cluster("STANDARD_DS3_V2"),
      FAST,
    );
  });

  it("refuses to change a cluster's vmSize in place (409 PropertyChangeNotAllowed)", async () => {
    const err = await rejection(
      c.ml.computeOperations.beginCreateOrUpdateAndWait(
        rg,
        "mlw-day2-cc",
        "cc-day2",
        cluster("Standard_NC6s_v3"),
        FAST,
      ),
    );
    expect(err).toMatchObject({ statusCode: 409, code: "PropertyChangeNotAllowed" });
    expect(err.message).toContain("vmSize");
  });

  it("updates scale settings in place", async () => {
    await c.ml.computeOperations.beginCreateOrUpdateAndWait(
      rg,
      "mlw-day2-cc",
      "cc-day2",
      cluster("standard_ds3_v2", 6),
      FAST,
    );
    const got = await c.ml.computeOperations.get(rg, "mlw-day2-cc", "cc-day2");
    expect(got.properties).toMatchObject({ properties: { scaleSettings: { maxNodeCount: 6 } } });
  });
});

describe("[SIMULATOR] workspace soft delete and recovery", () => {
  const rg = "rg-day2-sd";

  it("recovers a soft-deleted workspace re-created with the same name and settings", async () => {
    const deps = await dependencies(rg, "day2sd1");
    const params = { location: "westeurope", identity: { type: "SystemAssigned" as const }, ...deps };
    const first = await c.ml.workspaces.beginCreateOrUpdateAndWait(rg, "mlw-day2-sd", params, FAST);
    await c.ml.workspaces.beginDeleteAndWait(rg, "mlw-day2-sd", FAST);
    expect(sim.softDeletedWorkspaces()).toEqual([
      expect.objectContaining({ name: "mlw-day2-sd", location: "westeurope" }),
    ]);
    const other = await rejection(
      c.ml.workspaces.beginCreateOrUpdateAndWait(
        rg,
        "mlw-day2-sd",
        { ...params, applicationInsights: undefined },
        FAST,
      ),
    );
    expect(other).toMatchObject({ statusCode: 400, code: "UserError" });
    const recovered = await c.ml.workspaces.beginCreateOrUpdateAndWait(rg, "mlw-day2-sd", params, FAST);
    expect(recovered).toMatchObject({ provisioningState: "Succeeded", workspaceId: first.workspaceId });
    expect(recovered.identity?.principalId).toBe(first.identity?.principalId);
    expect(sim.softDeletedWorkspaces()).toEqual([]);
  });
});

describe("[SIMULATOR] key vault soft delete and purge", () => {
  const rg = "rg-day2-kv";

  beforeAll(async () => {
    await c.resources.resourceGroups.createOrUpdate(rg, { location: "westeurope" });
  });

  it("keeps a deleted vault (listDeleted/getDeleted), holds its name and purges it (202 + Location)", async () => {
    await c.keyVault.vaults.createOrUpdate(rg, "kv-day2-soft", vaultParams({ tags: undefined }), FAST);
    await c.keyVault.vaults.delete(rg, "kv-day2-soft");
    expect(last("DELETE").status).toBe(200);
    const listed: string[] = [];
    for await (const v of c.keyVault.vaults.listDeleted()) listed.push(v.name!);
    expect(listed).toContain("kv-day2-soft");
    const deleted = await c.keyVault.vaults.getDeleted("kv-day2-soft", "westeurope");
    expect(deleted.properties).toMatchObject({
      vaultId: `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/kv-day2-soft`,
      location: "westeurope",
      purgeProtectionEnabled: false,
    });
    const days =
      (Date.parse(String(deleted.properties?.scheduledPurgeDate)) -
        Date.parse(String(deleted.properties?.deletionDate))) /
      86_400_000;
    expect(days).toBe(90);
    const taken = await rejection(c.keyVault.vaults.createOrUpdate(rg, "kv-day2-soft", vaultParams(), FAST));
    expect(taken).toMatchObject({ statusCode: 409, code: "ConflictError" });
    sim.resetLog();
    await c.keyVault.vaults.purgeDeleted("kv-day2-soft", "westeurope", FAST);
    expect(sim.requestLog()[0]).toMatchObject({ method: "POST", status: 202 });
    expect(await rejection(c.keyVault.vaults.getDeleted("kv-day2-soft", "westeurope"))).toMatchObject({
      statusCode: 404,
    });
    await c.keyVault.vaults.createOrUpdate(rg, "kv-day2-soft", vaultParams(), FAST);
  });

  it("refuses to purge a vault under purge protection and recovers it with createMode recover", async () => {
    await c.keyVault.vaults.createOrUpdate(
      rg,
      "kv-day2-prot",
      vaultParams({ enablePurgeProtection: true, softDeleteRetentionInDays: 7 }),
      FAST,
    );
    const off = await rejection(
      c.keyVault.vaults.createOrUpdate(rg, "kv-day2-prot", vaultParams({ enablePurgeProtection: false }), FAST),
    );
    expect(off).toMatchObject({ statusCode: 400, code: "BadRequest" });
    await c.keyVault.vaults.delete(rg, "kv-day2-prot");
    const purge = await rejection(c.keyVault.vaults.purgeDeleted("kv-day2-prot", "westeurope", FAST));
    expect(purge).toMatchObject({ statusCode: 405, code: "MethodNotAllowed" });
    const back = await c.keyVault.vaults.createOrUpdate(
      rg,
      "kv-day2-prot",
      vaultParams({ createMode: "recover" }),
      FAST,
    );
    expect(back.properties).toMatchObject({ enablePurgeProtection: true, softDeleteRetentionInDays: 7 });
    expect(await rejection(c.keyVault.vaults.getDeleted("kv-day2-prot", "westeurope"))).toMatchObject({
      statusCode: 404,
    });
  });
});

describe("[SIMULATOR] compute stop and start", () => {
  it("stops and starts a compute instance (202 + Azure-AsyncOperation)", async () => {
    const rg = "rg-day2-ci";
    const deps = await dependencies(rg, "day2ci1");
    await c.ml.workspaces.beginCreateOrUpdateAndWait(
      rg,
      "mlw-day2-ci",
      { location: "westeurope", identity: { type: "SystemAssigned" }, ...deps },
      FAST,
    );
    await c.ml.computeOperations.beginCreateOrUpdateAndWait(
      rg,
      "mlw-day2-ci",
      "ci-day2-stop",
      {
        location: "westeurope",
        properties: {
          computeType: "ComputeInstance",
          properties: {
            vmSize: "Standard_DS3_v2",
            personalComputeInstanceSettings: { assignedUser: { objectId: ALICE, tenantId: TENANT } },
          },
        },
      },
      FAST,
    );
    const state = async () =>
      (
        (await c.ml.computeOperations.get(rg, "mlw-day2-ci", "ci-day2-stop")).properties as {
          properties: { state: string };
        }
      ).properties.state;
    sim.resetLog();
    await c.ml.computeOperations.beginStopAndWait(rg, "mlw-day2-ci", "ci-day2-stop", FAST);
    expect(sim.requestLog()[0]).toMatchObject({ method: "POST", status: 202 });
    expect(await state()).toBe("Stopped");
    await c.ml.computeOperations.beginStartAndWait(rg, "mlw-day2-ci", "ci-day2-stop", FAST);
    expect(await state()).toBe("Running");
  });
});

describe("[SIMULATOR] retention on the simulator's clock", () => {
  it("scales soft-delete retention with the time scale, and keeps it real at time scale 0", () => {
    const day = 86_400_000;
    const scaled = new ArmEngine({ timeScale: 0.001, stateFile: null });
    expect(scaled.softDeleteMs).toBe(14 * day * 0.001);
    expect(scaled.retentionMs(90)).toBe(90 * day * 0.001);
    expect(new ArmEngine({ timeScale: 0, stateFile: null }).softDeleteMs).toBe(14 * day);
    expect(new ArmEngine({ timeScale: 0.5, stateFile: null, softDeleteRetentionMs: 5 }).softDeleteMs).toBe(5);
  });
});
