/**
 * Out-of-band changes through the control endpoint, as a person in the Azure portal would make them: the SDK then
 * reads the drifted estate, and the request log records each change for a drift watch.
 */
import https from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startArmSimulator } from "./server";
import { FAST, TEST_CERT_DIR, sdkClients } from "./test-support";
import type { ArmSimulator } from "./types";

const SUB = "8f3a2e5c-7b1d-4e3a-9c73-2e3f4a5b6c7d";
const TENANT = "f0e1d2c3-b4a5-4697-8877-665544332211";
const ALICE = "a11ce000-0000-4000-8000-0000000000b1";
const BOB = "b0b00000-0000-4000-8000-0000000000b2";
const READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
const RG = "rg-oob";

let sim: ArmSimulator;
let c: ReturnType<typeof sdkClients>;
let wsId: string;

function control(
  target: ArmSimulator,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = new URL(target.url);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: url.hostname,
        port: url.port,
        method: "POST",
        path: "/_simulator/out-of-band",
        ca: target.certPem,
        headers: { "content-type": "application/json", ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) }),
        );
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

const inner = (props: unknown) => (props as { properties: Record<string, unknown> }).properties;

beforeAll(async () => {
  sim = await startArmSimulator({
    port: 0,
    timeScale: 0,
    stateFile: null,
    certDir: TEST_CERT_DIR,
    tenantId: TENANT,
    principals: [
      { objectId: ALICE, type: "User" },
      { objectId: BOB, type: "User" },
    ],
  });
  c = sdkClients(sim, SUB);
  await c.resources.resourceGroups.createOrUpdate(RG, { location: "westeurope" });
  const st = await c.storage.storageAccounts.create(
    RG,
    "stoob1",
    { location: "westeurope", kind: "StorageV2", sku: { name: "Standard_LRS" } },
    FAST,
  );
  const kv = await c.keyVault.vaults.createOrUpdate(
    RG,
    "kv-oob1",
    { location: "westeurope", properties: { tenantId: TENANT, sku: { family: "A", name: "standard" } } },
    FAST,
  );
  const ws = await c.ml.workspaces.beginCreateOrUpdateAndWait(
    RG,
    "mlw-oob",
    {
      location: "westeurope",
      identity: { type: "SystemAssigned" },
      storageAccount: st.id,
      keyVault: kv.id,
      publicNetworkAccess: "Disabled",
    },
    FAST,
  );
  wsId = ws.id!;
});

afterAll(async () => {
  await sim?.close();
});

describe("[SIMULATOR] out-of-band changes", () => {
  it("re-enables a workspace's public network access and records the change in the request log", async () => {
    sim.resetLog();
    const r = await control(sim, { kind: "workspace.publicNetworkAccess", resourceId: wsId, value: "Enabled" });
    expect(r.status).toBe(200);
    expect((await c.ml.workspaces.get(RG, "mlw-oob")).publicNetworkAccess).toBe("Enabled");
    expect(sim.requestLog()[0]).toEqual(
      expect.objectContaining({
        method: "POST",
        path: "/_simulator/out-of-band",
        status: 200,
        outOfBand: { kind: "workspace.publicNetworkAccess", resourceId: wsId },
      }),
    );
  });

  it("raises a cluster's minimum nodes (not above its maximum), patches any property, 404 for a missing one", async () => {
    await c.ml.computeOperations.beginCreateOrUpdateAndWait(
      RG,
      "mlw-oob",
      "cc-oob",
      {
        location: "westeurope",
        properties: {
          computeType: "AmlCompute",
          properties: { vmSize: "STANDARD_DS3_V2", scaleSettings: { minNodeCount: 0, maxNodeCount: 4 } },
        },
      },
      FAST,
    );
    const clusterId = `${wsId}/computes/cc-oob`;
    expect((await control(sim, { kind: "cluster.minNodeCount", resourceId: clusterId, value: 2 })).status).toBe(200);
    const cc = await c.ml.computeOperations.get(RG, "mlw-oob", "cc-oob");
    expect(inner(cc.properties)).toMatchObject({ scaleSettings: { minNodeCount: 2, maxNodeCount: 4 } });
    const tooMany = await control(sim, { kind: "cluster.minNodeCount", resourceId: clusterId, value: 5 });
    expect(tooMany).toMatchObject({ status: 400, body: { error: { code: "InvalidOutOfBandChange" } } });

    sim.outOfBand({
      kind: "patch",
      resourceId: wsId,
      properties: { friendlyName: "renamed in the portal" },
    });
    expect((await c.ml.workspaces.get(RG, "mlw-oob")).friendlyName).toBe("renamed in the portal");
    const ciId = `${wsId}/computes/ci-oob`;
    const missing = await control(sim, { kind: "computeInstance.removeIdleShutdown", resourceId: ciId });
    expect(missing).toMatchObject({ status: 404, body: { error: { code: "ResourceNotFound" } } });
  });

  it("removes a compute instance's idle shutdown", async () => {
    await c.ml.computeOperations.beginCreateOrUpdateAndWait(
      RG,
      "mlw-oob",
      "ci-oob",
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
    sim.outOfBand({
      kind: "patch",
      resourceId: `${wsId}/computes/ci-oob`,
      properties: { properties: { idleTimeBeforeShutdown: "PT30M" } },
    });
    const before = await c.ml.computeOperations.get(RG, "mlw-oob", "ci-oob");
    expect(inner(before.properties)).toMatchObject({ idleTimeBeforeShutdown: "PT30M" });
    const r = await control(sim, { kind: "computeInstance.removeIdleShutdown", resourceId: `${wsId}/computes/ci-oob` });
    expect(r.status).toBe(200);
    const after = sim.resources().find((x) => x.name === "ci-oob")!;
    expect(inner(after.resource.properties)).not.toHaveProperty("idleTimeBeforeShutdown");
  });

  it("adds a role assignment by hand that the SDK then lists", async () => {
    const r = await control(sim, {
      kind: "roleAssignment.add",
      scope: wsId,
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
      principalId: BOB,
    });
    expect(r.status).toBe(200);
    const listed: string[] = [];
    for await (const a of c.authorization.roleAssignments.listForScope(wsId.slice(1), {
      filter: `principalId eq '${BOB}'`,
    }))
      listed.push(a.principalId!);
    expect(listed).toEqual([BOB]);
  });

  it("refuses an unknown kind (400)", async () => {
    const r = await control(sim, { kind: "delete-everything" });
    expect(r).toMatchObject({ status: 400, body: { error: { code: "InvalidOutOfBandChange" } } });
  });

  it("requires the control token when the simulator has one", async () => {
    const guarded = await startArmSimulator({
      port: 0,
      timeScale: 0,
      stateFile: null,
      certDir: TEST_CERT_DIR,
      controlToken: "admin-secret",
    });
    try {
      const change = { kind: "patch", resourceId: "/subscriptions/x/resourceGroups/none" };
      expect((await control(guarded, change)).status).toBe(401);
      expect((await control(guarded, change, { authorization: "Bearer wrong" })).status).toBe(401);
      expect((await control(guarded, change, { authorization: "Bearer admin-secret" })).status).toBe(404);
    } finally {
      await guarded.close();
    }
  });

  // Last: it deletes the workspace the other cases use.
  it("removes a tag, removes a role assignment, deletes a resource with what is below it; each logged", async () => {
    await control(sim, { kind: "patch", resourceId: wsId, tags: { env: "dev", team: "fraud" } });
    const tagged = await control(sim, { kind: "tags.remove", resourceId: wsId, tags: ["env"] });
    expect(tagged.status).toBe(200);
    expect((await c.ml.workspaces.get(RG, "mlw-oob")).tags).toEqual({ team: "fraud" });

    const name = "6a0c4b1e-0000-4000-8000-00000000a001";
    const added = await control(sim, {
      kind: "roleAssignment.add",
      scope: wsId,
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
      principalId: ALICE,
      name,
    });
    const raId = String(added.body.resource && (added.body.resource as { id: string }).id);
    expect(await control(sim, { kind: "roleAssignment.remove", resourceId: raId })).toMatchObject({ status: 200 });
    await expect(c.authorization.roleAssignments.get(wsId.slice(1), name)).rejects.toMatchObject({ statusCode: 404 });

    expect(await control(sim, { kind: "resource.delete", resourceId: wsId })).toMatchObject({ status: 200 });
    await expect(c.ml.workspaces.get(RG, "mlw-oob")).rejects.toMatchObject({ statusCode: 404 });
    expect(await control(sim, { kind: "resource.delete", resourceId: wsId })).toMatchObject({ status: 404 });
    const kinds = sim
      .requestLog()
      .filter((e) => e.outOfBand)
      .map((e) => e.outOfBand!.kind);
    expect(kinds).toEqual(expect.arrayContaining(["tags.remove", "roleAssignment.remove", "resource.delete"]));
  });
});
