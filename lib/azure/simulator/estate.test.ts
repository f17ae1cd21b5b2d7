/** The admin page's data function reads the estate from a running simulator over its control endpoint. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reloadEnv } from "@/lib/env";
import { getSimulatedEstate } from "@/lib/azure/simulator-estate";
import { startArmSimulator } from "./server";
import { FAST, TEST_CERT_DIR, sdkClients } from "./test-support";
import type { ArmSimulator } from "./types";

const SUB = "5e5e5e5e-1234-4abc-8def-000000000001";
let sim: ArmSimulator;

beforeAll(async () => {
  sim = await startArmSimulator({ port: 0, timeScale: 0, stateFile: null, certDir: TEST_CERT_DIR });
  process.env.AZURE_MODE = "simulator";
  process.env.ARM_SIMULATOR_URL = sim.url;
  process.env.ARM_SIMULATOR_CA_FILE = sim.certPath;
  reloadEnv();
});

afterAll(async () => {
  await sim?.close();
});

describe("[SIMULATOR] estate view", () => {
  it("groups what the simulator holds by resource group, with per-type details", async () => {
    const c = sdkClients(sim, SUB);
    await c.resources.resourceGroups.createOrUpdate("rg-estate", { location: "westeurope", tags: { team: "fraud" } });
    await c.storage.storageAccounts.create(
      "rg-estate",
      "stestate01",
      { location: "westeurope", kind: "StorageV2", sku: { name: "Standard_LRS" } },
      FAST,
    );
    const estate = await getSimulatedEstate();
    if (!estate.available) throw new Error(estate.reason);
    const group = estate.groups.find((g) => g.resourceGroup === "rg-estate")!;
    expect(group).toMatchObject({ subscriptionId: SUB, location: "westeurope", provisioningState: "Succeeded" });
    expect(group.resources.map((r) => r.name)).toEqual(["stestate01"]);
    // The landing zone is part of the estate from the start.
    expect(estate.groups.some((g) => g.resourceGroup === "rg-hub-network")).toBe(true);
  });

  it("says so when the simulator is not reachable", async () => {
    process.env.ARM_SIMULATOR_URL = "https://127.0.0.1:9";
    reloadEnv();
    const estate = await getSimulatedEstate();
    expect(estate.available).toBe(false);
    process.env.ARM_SIMULATOR_URL = sim.url;
    reloadEnv();
  });
});
