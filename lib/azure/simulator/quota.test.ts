/** Azure ML quota surfaces through the SDK: VM sizes and usages per region, computed from the simulated estate. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startArmSimulator } from "./server";
import { FAST, TEST_CERT_DIR, sdkClients } from "./test-support";
import type { ArmSimulator } from "./types";

const SUB = "9a4b3f6d-8c2e-4f4b-8d84-3f4a5b6c7d8e";
const TENANT = "f0e1d2c3-b4a5-4697-8877-665544332211";
const ALICE = "a11ce000-0000-4000-8000-0000000000c1";
const RG = "rg-quota";

let sim: ArmSimulator;
let c: ReturnType<typeof sdkClients>;

beforeAll(async () => {
  sim = await startArmSimulator({
    port: 0,
    timeScale: 0,
    stateFile: null,
    certDir: TEST_CERT_DIR,
    tenantId: TENANT,
    principals: [{ objectId: ALICE, type: "User" }],
    quotaLimits: { "westeurope/Total Cluster Dedicated Regional vCPUs": 48 },
  });
  c = sdkClients(sim, SUB);
  await c.resources.resourceGroups.createOrUpdate(RG, { location: "westeurope" });
  const st = await c.storage.storageAccounts.create(
    RG,
    "stquota1",
    { location: "westeurope", kind: "StorageV2", sku: { name: "Standard_LRS" } },
    FAST,
  );
  const kv = await c.keyVault.vaults.createOrUpdate(
    RG,
    "kv-quota1",
    { location: "westeurope", properties: { tenantId: TENANT, sku: { family: "A", name: "standard" } } },
    FAST,
  );
  await c.ml.workspaces.beginCreateOrUpdateAndWait(
    RG,
    "mlw-quota",
    { location: "westeurope", identity: { type: "SystemAssigned" }, storageAccount: st.id, keyVault: kv.id },
    FAST,
  );
});

afterAll(async () => {
  await sim?.close();
});

async function usages(location: string) {
  const out = new Map<string, { currentValue?: number; limit?: number; type?: string }>();
  for await (const u of c.ml.usages.list(location)) out.set(u.name!.value!, u);
  return out;
}

describe("[SIMULATOR] Azure ML VM sizes and usages", () => {
  it("lists VM sizes with family, vCPUs and GPUs", async () => {
    const sizes = (await c.ml.virtualMachineSizes.list("westeurope")).value ?? [];
    expect(sizes.find((s) => s.name === "Standard_DS3_v2")).toMatchObject({
      family: "standardDSv2Family",
      vCPUs: 4,
      gpus: 0,
      memoryGB: 14,
    });
    expect(sizes.find((s) => s.name === "Standard_NC6s_v3")).toMatchObject({ vCPUs: 6, gpus: 1 });
  });

  it("reports usage from the estate against per-region and per-family limits", async () => {
    const before = await usages("westeurope");
    expect(before.get("Total Cluster Dedicated Regional vCPUs")).toMatchObject({ currentValue: 0, limit: 48 });
    expect(before.get("Standard NCSv3 Family Cluster Dedicated vCPUs")).toMatchObject({ currentValue: 0, limit: 0 });
    await c.ml.computeOperations.beginCreateOrUpdateAndWait(
      RG,
      "mlw-quota",
      "ci-quota",
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
    await c.ml.computeOperations.beginCreateOrUpdateAndWait(
      RG,
      "mlw-quota",
      "cc-quota",
      {
        location: "westeurope",
        properties: {
          computeType: "AmlCompute",
          properties: { vmSize: "Standard_DS12_v2", scaleSettings: { minNodeCount: 2, maxNodeCount: 4 } },
        },
      },
      FAST,
    );
    const after = await usages("westeurope");
    expect(after.get("Clusters")).toMatchObject({ currentValue: 2, limit: 500 });
    expect(after.get("Total Cluster Dedicated Regional vCPUs")).toMatchObject({ currentValue: 12, limit: 48 });
    expect(after.get("Standard DSv2 Family Cluster Dedicated vCPUs")).toMatchObject({
      currentValue: 12,
      limit: 100,
      type: "Microsoft.MachineLearningServices/vmFamily/usages",
    });
    expect((await usages("eastus")).get("Clusters")).toMatchObject({ currentValue: 0 });

    // A stopped compute instance holds no cores.
    await c.ml.computeOperations.beginStopAndWait(RG, "mlw-quota", "ci-quota", FAST);
    expect((await usages("westeurope")).get("Total Cluster Dedicated Regional vCPUs")).toMatchObject({
      currentValue: 8,
    });
  });
});
