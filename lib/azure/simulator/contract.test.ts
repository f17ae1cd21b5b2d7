/**
 * Contract suite: every operation goes through the real Azure SDK packages against the HTTPS simulator, and results and
 * errors are checked as Azure documents them (Azure's REST API reference and the REST API specs' examples).
 * Over 500 lines on purpose: one suite per SDK package in one file shares the simulator, clients and fixtures; the
 * day-2, quota and out-of-band behaviours have files of their own.
 */
import { randomUUID } from "node:crypto";
import { AzureMachineLearningWorkspaces } from "@azure/arm-machinelearning";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultLandingZone, startArmSimulator } from "./server";
import { FAST, TEST_CERT_DIR, bodyPolicy, clientOptions, credential, sdkClients } from "./test-support";
import type { ArmSimulator } from "./types";

const SUB = "6d1e0c3a-5f0b-4c1e-9a51-0c1d2e3f4a5b";
const TENANT = "f0e1d2c3-b4a5-4697-8877-665544332211";
const ALICE = "a11ce000-0000-4000-8000-000000000001";
const BOB = "b0b00000-0000-4000-8000-000000000002";
const DATA_SCIENTIST = "f6c7c914-8db3-469d-8ca1-694a8f32e121";
const READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
const zone = defaultLandingZone(SUB);

let sim: ArmSimulator;
let c: ReturnType<typeof sdkClients>;

async function rejection(
  promise: Promise<unknown>,
): Promise<{ statusCode?: number; code?: string; message: string; details?: unknown }> {
  try {
    await promise;
  } catch (err) {
    return err as { statusCode?: number; code?: string; message: string; details?: unknown };
  }
  throw new Error("expected the call to fail");
}

/** Creates a resource group with storage, key vault and App Insights; returns their ids. */
async function dependencies(rg: string, suffix: string) {
  await c.resources.resourceGroups.createOrUpdate(rg, { location: "eastus", tags: { team: "a" } });
  const st = await c.storage.storageAccounts.create(
    rg,
    `st${suffix}`,
    { location: "eastus", kind: "StorageV2", sku: { name: "Standard_LRS" } },
    FAST,
  );
  const kv = await c.keyVault.vaults.createOrUpdate(
    rg,
    `kv-${suffix}`,
    {
      location: "eastus",
      properties: { tenantId: TENANT, sku: { family: "A", name: "standard" }, enableRbacAuthorization: true },
    },
    FAST,
  );
  const ai = await c.appInsights.components.createOrUpdate(rg, `appi-${suffix}`, {
    location: "eastus",
    kind: "web",
    applicationType: "web",
  });
  return { storageAccount: st.id!, keyVault: kv.id!, applicationInsights: ai.id! };
}

async function workspace(rg: string, name: string, suffix: string) {
  const deps = await dependencies(rg, suffix);
  return c.ml.workspaces.beginCreateOrUpdateAndWait(
    rg,
    name,
    { location: "eastus", identity: { type: "SystemAssigned" }, ...deps },
    FAST,
  );
}

beforeAll(async () => {
  sim = await startArmSimulator({
    port: 0,
    timeScale: 0,
    stateFile: null,
    certDir: TEST_CERT_DIR,
    tenantId: TENANT,
    seed: 42,
    landingZone: zone,
    principals: [
      { objectId: ALICE, type: "User" },
      { objectId: BOB, type: "User" },
    ],
  });
  c = sdkClients(sim, SUB);
});

afterAll(async () => {
  await sim?.close();
});

describe("[SIMULATOR] resource groups", () => {
  it("creates (201), updates (200), reads, checks existence and lists", async () => {
    sim.resetLog();
    const created = await c.resources.resourceGroups.createOrUpdate("rg-contract-a", {
      location: "eastus",
      tags: { env: "dev" },
    });
    expect(created).toMatchObject({
      name: "rg-contract-a",
      location: "eastus",
      tags: { env: "dev" },
      properties: { provisioningState: "Succeeded" },
    });
    expect(created.id).toBe(`/subscriptions/${SUB}/resourceGroups/rg-contract-a`);
    await c.resources.resourceGroups.createOrUpdate("rg-contract-a", { location: "eastus", tags: { env: "test" } });
    expect(sim.requestLog().map((r) => r.status)).toEqual([201, 200]);
    expect((await c.resources.resourceGroups.get("RG-CONTRACT-A")).tags).toEqual({ env: "test" });
    expect((await c.resources.resourceGroups.checkExistence("rg-contract-a")).body).toBe(true);
    expect((await c.resources.resourceGroups.checkExistence("rg-missing")).body).toBe(false);
    const names: string[] = [];
    for await (const group of c.resources.resourceGroups.list()) names.push(group.name!);
    expect(names).toContain("rg-contract-a");
  });

  it("refuses an invalid name and a missing location", async () => {
    const bad = await rejection(c.resources.resourceGroups.createOrUpdate("bad-name.", { location: "eastus" }));
    expect(bad).toMatchObject({ statusCode: 400, code: "InvalidResourceGroupName" });
    const missing = await rejection(c.resources.resourceGroups.get("rg-nope"));
    expect(missing).toMatchObject({ statusCode: 404, code: "ResourceGroupNotFound" });
  });

  it("refuses unknown locations as ARM does, for a resource group and for a resource type", async () => {
    const group = await rejection(c.resources.resourceGroups.createOrUpdate("rg-contract-mars", { location: "mars" }));
    expect(group).toMatchObject({ statusCode: 400, code: "LocationNotAvailableForResourceGroup" });
    await c.resources.resourceGroups.createOrUpdate("rg-contract-mars", { location: "eastus" });
    const vault = await rejection(
      c.keyVault.vaults.createOrUpdate(
        "rg-contract-mars",
        "kv-contract-mars",
        { location: "mars", properties: { tenantId: TENANT, sku: { family: "A", name: "standard" } } },
        FAST,
      ),
    );
    expect(vault).toMatchObject({ statusCode: 400, code: "LocationNotAvailableForResourceType" });
    expect(vault.message).toContain("'Microsoft.KeyVault/vaults'");
  });

  it("deletes as a long-running operation that removes the contents", async () => {
    await dependencies("rg-contract-del", "contractdel1");
    await c.resources.resourceGroups.beginDeleteAndWait("rg-contract-del", FAST);
    expect(await rejection(c.resources.resourceGroups.get("rg-contract-del"))).toMatchObject({ statusCode: 404 });
    expect(sim.resources().filter((r) => r.resourceGroup === "rg-contract-del")).toEqual([]);
    // The storage name is free again.
    await c.resources.resourceGroups.createOrUpdate("rg-contract-del", { location: "eastus" });
    await c.storage.storageAccounts.create(
      "rg-contract-del",
      "stcontractdel1",
      { location: "eastus", kind: "StorageV2", sku: { name: "Standard_LRS" } },
      FAST,
    );
  });
});

describe("[SIMULATOR] storage, key vault, App Insights", () => {
  it("creates a storage account through 202 + Location polling", async () => {
    await c.resources.resourceGroups.createOrUpdate("rg-contract-st", { location: "eastus" });
    sim.resetLog();
    const st = await c.storage.storageAccounts.create(
      "rg-contract-st",
      "stcontract01",
      { location: "eastus", kind: "StorageV2", sku: { name: "Standard_LRS" } },
      FAST,
    );
    expect(st).toMatchObject({ name: "stcontract01", kind: "StorageV2", provisioningState: "Succeeded" });
    expect(st.primaryEndpoints?.blob).toBe("https://stcontract01.blob.core.windows.net/");
    const log = sim.requestLog();
    expect(log[0]).toMatchObject({ method: "PUT", status: 202, apiVersion: "2025-08-01" });
    expect(log[1].path.toLowerCase()).toContain("/providers/microsoft.storage/locations/eastus/asyncoperations/");
  });

  it("enforces storage naming and global uniqueness", async () => {
    const params = { location: "eastus", kind: "StorageV2" as const, sku: { name: "Standard_LRS" as const } };
    expect(await rejection(c.storage.storageAccounts.create("rg-contract-st", "St-Bad", params, FAST))).toMatchObject({
      statusCode: 400,
      code: "AccountNameInvalid",
    });
    await c.resources.resourceGroups.createOrUpdate("rg-contract-st2", { location: "eastus" });
    expect(
      await rejection(c.storage.storageAccounts.create("rg-contract-st2", "stcontract01", params, FAST)),
    ).toMatchObject({
      statusCode: 409,
      code: "StorageAccountAlreadyTaken",
    });
    const availability = await c.storage.storageAccounts.checkNameAvailability({
      name: "stcontract01",
      type: "Microsoft.Storage/storageAccounts",
    });
    expect(availability).toMatchObject({ nameAvailable: false, reason: "AlreadyExists" });
  });

  it("creates a key vault (provisioningState polling) and refuses invalid names", async () => {
    const kv = await c.keyVault.vaults.createOrUpdate(
      "rg-contract-st",
      "kv-contract-01",
      {
        location: "eastus",
        properties: { tenantId: TENANT, sku: { family: "A", name: "standard" }, enableRbacAuthorization: true },
      },
      FAST,
    );
    expect(kv.properties).toMatchObject({
      provisioningState: "Succeeded",
      vaultUri: "https://kv-contract-01.vault.azure.net/",
      enableRbacAuthorization: true,
    });
    const bad = await rejection(
      c.keyVault.vaults.createOrUpdate(
        "rg-contract-st",
        "1kv--bad",
        { location: "eastus", properties: { tenantId: TENANT, sku: { family: "A", name: "standard" } } },
        FAST,
      ),
    );
    expect(bad).toMatchObject({ statusCode: 400, code: "VaultNameNotValid" });
  });

  it("creates an App Insights component synchronously with the legacy client", async () => {
    const ai = await c.appInsights.components.createOrUpdate("rg-contract-st", "appi-contract", {
      location: "eastus",
      kind: "web",
      applicationType: "web",
    });
    expect(ai.instrumentationKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(ai.provisioningState).toBe("Succeeded");
    expect((await c.appInsights.components.get("rg-contract-st", "appi-contract")).connectionString).toContain(
      "InstrumentationKey=",
    );
  });
});

describe("[SIMULATOR] Azure ML workspaces", () => {
  it("creates a workspace (202 + Location) with its dependencies and stores fields the portal sends", async () => {
    const deps = await dependencies("rg-contract-ml", "contractml1");
    const ml = new AzureMachineLearningWorkspaces(credential, SUB, {
      ...clientOptions(sim),
      apiVersion: "2024-04-01",
      additionalPolicies: [
        bodyPolicy((body) => {
          (body.properties as Record<string, unknown>).managedNetwork = { isolationMode: "AllowOnlyApprovedOutbound" };
        }),
      ],
    });
    sim.resetLog();
    const ws = await ml.workspaces.beginCreateOrUpdateAndWait(
      "rg-contract-ml",
      "mlw-contract",
      {
        location: "eastus",
        identity: { type: "SystemAssigned" },
        publicNetworkAccess: "Disabled",
        friendlyName: "Team A",
        tags: { team: "a" },
        ...deps,
      },
      FAST,
    );
    expect(ws).toMatchObject({
      name: "mlw-contract",
      provisioningState: "Succeeded",
      publicNetworkAccess: "Disabled",
      friendlyName: "Team A",
    });
    expect(ws.identity?.principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(ws.storageAccount).toBe(deps.storageAccount);
    const [put, poll] = sim.requestLog();
    expect(put).toMatchObject({ method: "PUT", status: 202, apiVersion: "2024-04-01" });
    expect((put.body as { properties: { managedNetwork: unknown } }).properties.managedNetwork).toEqual({
      isolationMode: "AllowOnlyApprovedOutbound",
    });
    expect(poll.path).toMatch(/mlworkspaceOperationsStatus/);
    const stored = sim.resources().find((r) => r.name === "mlw-contract")!;
    expect(
      (stored.resource.properties as { managedNetwork: { isolationMode: string } }).managedNetwork.isolationMode,
    ).toBe("AllowOnlyApprovedOutbound");
    const listed: string[] = [];
    for await (const w of c.ml.workspaces.listByResourceGroup("rg-contract-ml")) listed.push(w.name!);
    expect(listed).toEqual(["mlw-contract"]);
  });

  it("refuses a workspace whose storage account does not exist (400 ValidationError)", async () => {
    const deps = await dependencies("rg-contract-ml2", "contractml2");
    const missing = deps.storageAccount.replace("stcontractml2", "stdoesnotexist");
    const err = await rejection(
      c.ml.workspaces.beginCreateOrUpdateAndWait(
        "rg-contract-ml2",
        "mlw-nostorage",
        { location: "eastus", identity: { type: "SystemAssigned" }, ...deps, storageAccount: missing },
        FAST,
      ),
    );
    expect(err).toMatchObject({ statusCode: 400, code: "ValidationError" });
    expect(JSON.stringify(err.details)).toContain(missing);
  });

  it("soft-deletes a workspace and reserves its name", async () => {
    await workspace("rg-contract-sd", "mlw-softdel", "contractsd1");
    await c.ml.workspaces.beginDeleteAndWait("rg-contract-sd", "mlw-softdel", FAST);
    expect(await rejection(c.ml.workspaces.get("rg-contract-sd", "mlw-softdel"))).toMatchObject({
      statusCode: 404,
      code: "ResourceNotFound",
    });
    expect(sim.softDeletedWorkspaces().map((w) => w.name)).toContain("mlw-softdel");
    const st = await c.storage.storageAccounts.getProperties("rg-contract-sd", "stcontractsd1");
    const kv = await c.keyVault.vaults.get("rg-contract-sd", "kv-contractsd1");
    const err = await rejection(
      c.ml.workspaces.beginCreateOrUpdateAndWait(
        "rg-contract-sd",
        "mlw-softdel",
        { location: "eastus", identity: { type: "SystemAssigned" }, storageAccount: st.id, keyVault: kv.id },
        FAST,
      ),
    );
    expect(err).toMatchObject({ statusCode: 400, code: "UserError" });
  });
});

describe("[SIMULATOR] computes", () => {
  const rg = "rg-contract-compute";
  let wsName: string;

  beforeAll(async () => {
    wsName = "mlw-compute";
    await workspace(rg, wsName, "contractcp1");
  });

  it("creates a compute instance for an assigned user with idle shutdown (201 + Azure-AsyncOperation)", async () => {
    const ml = new AzureMachineLearningWorkspaces(credential, SUB, {
      ...clientOptions(sim),
      apiVersion: "2024-04-01",
      additionalPolicies: [
        bodyPolicy((body) => {
          const inner = (body.properties as { properties: Record<string, unknown> }).properties;
          inner.idleTimeBeforeShutdown = "PT30M";
        }),
      ],
    });
    sim.resetLog();
    const ci = await ml.computeOperations.beginCreateOrUpdateAndWait(
      rg,
      wsName,
      "ci-alice",
      {
        location: "eastus",
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
    expect(ci.properties).toMatchObject({ computeType: "ComputeInstance", provisioningState: "Succeeded" });
    const log = sim.requestLog();
    expect(log[0]).toMatchObject({ method: "PUT", status: 201 });
    expect(log[1].path).toMatch(/computeOperationsStatus/);
    expect(log[log.length - 1]).toMatchObject({ method: "GET", status: 200 });
    const stored = sim.resources().find((r) => r.name === "ci-alice")!;
    const inner = (stored.resource.properties as { properties: Record<string, unknown> }).properties;
    expect(inner).toMatchObject({
      state: "Running",
      idleTimeBeforeShutdown: "PT30M",
      personalComputeInstanceSettings: { assignedUser: { objectId: ALICE } },
    });
  });

  it("creates an AmlCompute cluster with scale settings", async () => {
    const cc = await c.ml.computeOperations.beginCreateOrUpdateAndWait(
      rg,
      wsName,
      "cc-ds3v2",
      {
        location: "eastus",
        properties: {
          computeType: "AmlCompute",
          properties: {
            vmSize: "STANDARD_DS3_V2",
            vmPriority: "LowPriority",
            scaleSettings: { minNodeCount: 0, maxNodeCount: 4, nodeIdleTimeBeforeScaleDown: "PT120S" },
          },
        },
      },
      FAST,
    );
    const got = await c.ml.computeOperations.get(rg, wsName, "cc-ds3v2");
    expect(got.properties).toMatchObject({ computeType: "AmlCompute", provisioningState: "Succeeded" });
    expect(
      (got.properties as { properties?: { scaleSettings?: unknown; allocationState?: string } }).properties,
    ).toMatchObject({
      scaleSettings: { minNodeCount: 0, maxNodeCount: 4, nodeIdleTimeBeforeScaleDown: "PT120S" },
      allocationState: "Steady",
    });
    expect(cc.name).toBe("cc-ds3v2");
  });

  it("overwrites an existing compute on PUT, as Azure does", async () => {
    await c.ml.computeOperations.beginCreateOrUpdateAndWait(
      rg,
      wsName,
      "cc-ds3v2",
      {
        location: "eastus",
        properties: {
          computeType: "AmlCompute",
          properties: { vmSize: "STANDARD_DS3_V2", scaleSettings: { minNodeCount: 0, maxNodeCount: 8 } },
        },
      },
      FAST,
    );
    const got = await c.ml.computeOperations.get(rg, wsName, "cc-ds3v2");
    expect(
      (got.properties as { properties?: { scaleSettings?: { maxNodeCount: number } } }).properties?.scaleSettings
        ?.maxNodeCount,
    ).toBe(8);
  });

  it("keeps compute-instance names unique per region and checks names and assigned users", async () => {
    await workspace("rg-contract-compute2", "mlw-compute2", "contractcp2");
    const ciBody = (oid: string) => ({
      location: "eastus",
      properties: {
        computeType: "ComputeInstance" as const,
        properties: {
          vmSize: "Standard_DS3_v2",
          personalComputeInstanceSettings: { assignedUser: { objectId: oid, tenantId: TENANT } },
        },
      },
    });
    expect(
      await rejection(
        c.ml.computeOperations.beginCreateOrUpdateAndWait(
          "rg-contract-compute2",
          "mlw-compute2",
          "ci-alice",
          ciBody(ALICE),
          FAST,
        ),
      ),
    ).toMatchObject({
      statusCode: 409,
      code: "Conflict",
    });
    expect(
      await rejection(
        c.ml.computeOperations.beginCreateOrUpdateAndWait(
          "rg-contract-compute2",
          "mlw-compute2",
          "1-bad",
          ciBody(ALICE),
          FAST,
        ),
      ),
    ).toMatchObject({
      statusCode: 400,
      code: "ValidationError",
    });
    expect(
      await rejection(
        c.ml.computeOperations.beginCreateOrUpdateAndWait(
          "rg-contract-compute2",
          "mlw-compute2",
          "ci-ghost",
          ciBody(randomUUID()),
          FAST,
        ),
      ),
    ).toMatchObject({ statusCode: 400, code: "ValidationError" });
  });

  it("deletes a compute (Azure-AsyncOperation) and lists the rest", async () => {
    await c.ml.computeOperations.beginCreateOrUpdateAndWait(
      rg,
      wsName,
      "cc-temp",
      {
        location: "eastus",
        properties: {
          computeType: "AmlCompute",
          properties: { vmSize: "STANDARD_DS3_V2", scaleSettings: { minNodeCount: 0, maxNodeCount: 1 } },
        },
      },
      FAST,
    );
    await c.ml.computeOperations.beginDeleteAndWait(rg, wsName, "cc-temp", "Delete", FAST);
    const names: string[] = [];
    for await (const compute of c.ml.computeOperations.list(rg, wsName)) names.push(compute.name!);
    expect(names.sort()).toEqual(["cc-ds3v2", "ci-alice"]);
  });

  it("reports a long-running operation that ends Failed", async () => {
    sim.setFaults({
      rules: [
        {
          kind: "lro-failed",
          method: "PUT",
          pathPattern: "/computes/cc-doomed$",
          count: 1,
          errorCode: "QuotaExceeded",
          errorMessage: "Not enough cores.",
        },
      ],
    });
    const err = await rejection(
      c.ml.computeOperations.beginCreateOrUpdateAndWait(
        rg,
        wsName,
        "cc-doomed",
        {
          location: "eastus",
          properties: {
            computeType: "AmlCompute",
            properties: { vmSize: "STANDARD_DS3_V2", scaleSettings: { minNodeCount: 0, maxNodeCount: 1 } },
          },
        },
        FAST,
      ),
    );
    sim.setFaults({ rules: [] });
    expect(err.message).toContain("QuotaExceeded");
    expect((await c.ml.computeOperations.get(rg, wsName, "cc-doomed")).properties?.provisioningState).toBe("Failed");
  });

  it("creates a Git workspace connection without echoing its secret", async () => {
    const conn = await c.ml.workspaceConnections.create(rg, wsName, "git-team-a", {
      properties: {
        authType: "PAT",
        category: "Git",
        target: "https://github.com/contoso/team-a",
        credentials: { pat: "secret-pat" },
      },
    });
    expect(conn.properties).toMatchObject({
      authType: "PAT",
      category: "Git",
      target: "https://github.com/contoso/team-a",
    });
    const got = await c.ml.workspaceConnections.get(rg, wsName, "git-team-a");
    expect(JSON.stringify(got)).not.toContain("secret-pat");
  });
});

describe("[SIMULATOR] private endpoints", () => {
  it("creates a private endpoint to a workspace in the landing-zone subnet and a DNS zone group", async () => {
    const ws = await workspace("rg-contract-pe", "mlw-private", "contractpe1");
    const pe = await c.network.privateEndpoints.beginCreateOrUpdateAndWait(
      "rg-contract-pe",
      "pep-mlw-private",
      {
        location: "eastus",
        subnet: { id: zone.subnetIds[0] },
        privateLinkServiceConnections: [
          { name: "pep-mlw-private-conn", privateLinkServiceId: ws.id, groupIds: ["amlworkspace"] },
        ],
      },
      FAST,
    );
    expect(pe.provisioningState).toBe("Succeeded");
    expect(pe.privateLinkServiceConnections?.[0].privateLinkServiceConnectionState).toEqual({
      status: "Approved",
      description: "Auto-Approved",
      actionsRequired: "None",
    });
    const group = await c.network.privateDnsZoneGroups.beginCreateOrUpdateAndWait(
      "rg-contract-pe",
      "pep-mlw-private",
      "default",
      {
        privateDnsZoneConfigs: [
          { name: "privatelink-api-azureml-ms", privateDnsZoneId: zone.privateDnsZoneIds[0] },
          { name: "privatelink-notebooks-azure-net", privateDnsZoneId: zone.privateDnsZoneIds[1] },
        ],
      },
      FAST,
    );
    expect(group.provisioningState).toBe("Succeeded");
    expect(group.privateDnsZoneConfigs?.[0].recordSets?.length).toBeGreaterThan(0);
    const after = await c.ml.workspaces.get("rg-contract-pe", "mlw-private");
    expect(after.privateEndpointConnections?.[0].privateLinkServiceConnectionState?.status).toBe("Approved");
  });

  it("refuses a private endpoint whose subnet does not exist", async () => {
    const ws = await c.ml.workspaces.get("rg-contract-pe", "mlw-private");
    const missingSubnet = zone.subnetIds[0].replace("snet-private-endpoints", "snet-missing");
    const err = await rejection(
      c.network.privateEndpoints.beginCreateOrUpdateAndWait(
        "rg-contract-pe",
        "pep-broken",
        {
          location: "eastus",
          subnet: { id: missingSubnet },
          privateLinkServiceConnections: [{ name: "c", privateLinkServiceId: ws.id, groupIds: ["amlworkspace"] }],
        },
        FAST,
      ),
    );
    expect(err).toMatchObject({ statusCode: 400, code: "InvalidResourceReference" });
  });
});

describe("[SIMULATOR] role definitions and assignments", () => {
  const scope = `subscriptions/${SUB}/resourceGroups/rg-contract-rbac`;

  beforeAll(async () => {
    await c.resources.resourceGroups.createOrUpdate("rg-contract-rbac", { location: "eastus" });
  });

  it("creates a custom role (PUT answers 201) and refuses a second role with the same name", async () => {
    const id = randomUUID();
    const role = await c.authorization.roleDefinitions.createOrUpdate(`/subscriptions/${SUB}`, id, {
      roleName: "Data Scientist Custom (contract)",
      description: "Can run experiment but can't create or delete compute.",
      roleType: "CustomRole",
      permissions: [
        {
          actions: ["Microsoft.MachineLearningServices/workspaces/*/read"],
          notActions: ["Microsoft.MachineLearningServices/workspaces/delete"],
        },
      ],
      assignableScopes: [`/subscriptions/${SUB}`],
    });
    expect(role).toMatchObject({ name: id, roleName: "Data Scientist Custom (contract)", roleType: "CustomRole" });
    expect(sim.requestLog().at(-1)).toMatchObject({ method: "PUT", status: 201 });
    // Updating the same id also answers 201.
    await c.authorization.roleDefinitions.createOrUpdate(`/subscriptions/${SUB}`, id, {
      roleName: "Data Scientist Custom (contract)",
      assignableScopes: [`/subscriptions/${SUB}`],
      permissions: [{ actions: ["*/read"] }],
    });
    const dup = await rejection(
      c.authorization.roleDefinitions.createOrUpdate(`/subscriptions/${SUB}`, randomUUID(), {
        roleName: "data scientist custom (contract)",
        assignableScopes: [`/subscriptions/${SUB}`],
        permissions: [{ actions: ["*/read"] }],
      }),
    );
    expect(dup).toMatchObject({ statusCode: 409, code: "RoleDefinitionWithSameNameExists" });
    const found: string[] = [];
    for await (const d of c.authorization.roleDefinitions.list(`/subscriptions/${SUB}`, {
      filter: "roleName eq 'Data Scientist Custom (contract)'",
    }))
      found.push(d.name!);
    expect(found).toEqual([id]);
    expect((await c.authorization.roleDefinitions.get(`/subscriptions/${SUB}`, DATA_SCIENTIST)).roleName).toBe(
      "AzureML Data Scientist",
    );
  });

  it("creates an assignment, accepts an identical re-PUT and refuses a duplicate under another name", async () => {
    const name = randomUUID();
    const params = {
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${DATA_SCIENTIST}`,
      principalId: ALICE,
      principalType: "User" as const,
    };
    const created = await c.authorization.roleAssignments.create(`/${scope}`, name, params);
    expect(created).toMatchObject({ name, principalId: ALICE, scope: `/${scope}` });
    const again = await c.authorization.roleAssignments.create(scope, name, params);
    expect(again.id).toBe(created.id);
    const dup = await rejection(c.authorization.roleAssignments.create(scope, randomUUID(), params));
    expect(dup).toMatchObject({ statusCode: 409, code: "RoleAssignmentExists" });
    expect(dup.message).toContain(name.replace(/-/g, ""));
    const listed: string[] = [];
    for await (const a of c.authorization.roleAssignments.listForScope(scope, { filter: `principalId eq '${ALICE}'` }))
      listed.push(a.name!);
    expect(listed).toContain(name);
  });

  it("refuses a principal that is not in the directory, and a non-GUID name", async () => {
    const params = {
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
      principalId: randomUUID(),
    };
    expect(await rejection(c.authorization.roleAssignments.create(scope, randomUUID(), params))).toMatchObject({
      statusCode: 400,
      code: "PrincipalNotFound",
    });
    expect(
      await rejection(c.authorization.roleAssignments.create(scope, "not-a-guid", { ...params, principalId: BOB })),
    ).toMatchObject({
      statusCode: 400,
      code: "InvalidRoleAssignmentId",
    });
  });

  it("answers PrincipalNotFound for the first N attempts when scripted", async () => {
    sim.setFaults({ rules: [{ kind: "principal-not-found", count: 2 }] });
    const name = randomUUID();
    const params = {
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
      principalId: BOB,
      principalType: "User" as const,
    };
    expect(await rejection(c.authorization.roleAssignments.create(scope, name, params))).toMatchObject({
      code: "PrincipalNotFound",
    });
    expect(await rejection(c.authorization.roleAssignments.create(scope, name, params))).toMatchObject({
      code: "PrincipalNotFound",
    });
    expect((await c.authorization.roleAssignments.create(scope, name, params)).name).toBe(name);
    sim.setFaults({ rules: [] });
  });
});

describe("[SIMULATOR] throttling and transient faults through the SDK's retry policy", () => {
  it("retries a 429 with Retry-After and succeeds", async () => {
    sim.setFaults({
      rules: [
        {
          kind: "throttle",
          method: "GET",
          pathPattern: "/resourcegroups/rg-contract-a$",
          count: 1,
          retryAfterSeconds: 1,
        },
      ],
    });
    sim.resetLog();
    const group = await c.resources.resourceGroups.get("rg-contract-a");
    expect(group.name).toBe("rg-contract-a");
    const statuses = sim.requestLog().map((r) => r.status);
    expect(statuses).toEqual([429, 200]);
    const [first, second] = sim.requestLog();
    expect(Date.parse(second.timestamp) - Date.parse(first.timestamp)).toBeGreaterThanOrEqual(900);
  }, 10_000);

  it("retries a 500 and a 503", async () => {
    sim.setFaults({
      rules: [
        { kind: "internal-error", method: "GET", pathPattern: "/resourcegroups/rg-contract-a$", count: 1 },
        { kind: "service-unavailable", method: "GET", pathPattern: "/resourcegroups/rg-contract-a$", count: 1 },
      ],
    });
    sim.resetLog();
    expect((await c.resources.resourceGroups.get("rg-contract-a")).name).toBe("rg-contract-a");
    expect(sim.requestLog().map((r) => r.status)).toEqual([500, 503, 200]);
    sim.setFaults({ rules: [] });
  }, 10_000);
});
