/**
 * HTTP-level tests for wire details the SDK hides: auth, api-version checks, path normalisation, ARM headers, error
 * shapes, throttling buckets, LRO timing, control endpoints, transport faults, persistence and the certificate.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FaultInjector } from "./faults";
import { startArmSimulator } from "./server";
import { TEST_CERT_DIR } from "./test-support";
import { Throttler } from "./throttle";
import type { ArmSimulator } from "./types";

const SUB = "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d";
const RG_API = "api-version=2025-04-01";

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown> | null;
}

function call(
  sim: ArmSimulator,
  method: string,
  p: string,
  opts: { body?: unknown; headers?: Record<string, string>; auth?: boolean } = {},
): Promise<Reply> {
  const url = new URL(sim.url);
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: p,
        ca: sim.certPem,
        headers: {
          ...(opts.auth === false ? {} : { authorization: "Bearer wire-test" }),
          ...(payload ? { "content-type": "application/json" } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text ? (JSON.parse(text) as Record<string, unknown>) : null,
          });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

const rgPath = (name: string) => `/subscriptions/${SUB}/resourcegroups/${name}?${RG_API}`;

let sim: ArmSimulator;

beforeAll(async () => {
  sim = await startArmSimulator({
    port: 0,
    timeScale: 0,
    stateFile: null,
    certDir: TEST_CERT_DIR,
    throttling: { enabled: false },
  });
  await call(sim, "PUT", rgPath("rg-wire"), { body: { location: "westeurope" } });
});

afterAll(async () => {
  await sim?.close();
});

describe("[SIMULATOR] wire: transport, auth and api-version", () => {
  it("requires a bearer token (401 AuthenticationFailed with WWW-Authenticate)", async () => {
    const r = await call(sim, "GET", rgPath("rg-wire"), { auth: false });
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ error: { code: "AuthenticationFailed" } });
    expect(String(r.headers["www-authenticate"])).toMatch(/^Bearer authorization_uri=/);
  });

  it("requires a known api-version for the resource type", async () => {
    const missing = await call(sim, "GET", `/subscriptions/${SUB}/resourcegroups/rg-wire`);
    expect(missing).toMatchObject({ status: 400, body: { error: { code: "MissingApiVersionParameter" } } });
    const wrong = await call(sim, "GET", `/subscriptions/${SUB}/resourcegroups/rg-wire?api-version=2099-01-01`);
    expect(wrong).toMatchObject({ status: 400, body: { error: { code: "InvalidApiVersionParameter" } } });
    const mlWrong = await call(
      sim,
      "GET",
      `/subscriptions/${SUB}/resourceGroups/rg-wire/providers/Microsoft.MachineLearningServices/workspaces/x?api-version=2025-08-01`,
    );
    expect(mlWrong.body).toMatchObject({ error: { code: "InvalidApiVersionParameter" } });
    for (const v of ["2022-10-01", "2024-04-01", "2024-10-01", "2025-06-01"]) {
      const ok = await call(
        sim,
        "GET",
        `/subscriptions/${SUB}/resourceGroups/rg-wire/providers/Microsoft.MachineLearningServices/workspaces/x?api-version=${v}`,
      );
      expect(ok.status).toBe(404);
    }
  });

  it("matches paths case-insensitively, collapses repeated slashes and ignores unknown query parameters", async () => {
    const r = await call(sim, "GET", `//SUBSCRIPTIONS/${SUB}//ResourceGroups/RG-WIRE/?${RG_API}&foo=bar&$expand=x`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      name: "rg-wire",
      id: `/subscriptions/${SUB}/resourceGroups/rg-wire`,
      location: "westeurope",
    });
  });

  it("answers with ARM's headers and echoes the correlation id", async () => {
    const correlation = randomUUID();
    const r = await call(sim, "GET", rgPath("rg-wire"), { headers: { "x-ms-correlation-request-id": correlation } });
    expect(r.headers["x-ms-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers["x-ms-correlation-request-id"]).toBe(correlation);
    expect(r.headers["x-ms-ratelimit-remaining-subscription-reads"]).toBeDefined();
    const w = await call(sim, "PUT", rgPath("rg-wire"), { body: { location: "westeurope" } });
    expect(w.headers["x-ms-ratelimit-remaining-subscription-writes"]).toBeDefined();
    const logged = sim.requestLog().find((e) => e.correlationId === correlation)!;
    expect(logged).toMatchObject({ method: "GET", status: 200, requestId: r.headers["x-ms-request-id"] });
  });

  it("uses the ARM error shape {error:{code,message,target,details}}", async () => {
    const r = await call(
      sim,
      "GET",
      `/subscriptions/${SUB}/resourceGroups/rg-wire/providers/Microsoft.Storage/storageAccounts/nope?api-version=2025-08-01`,
    );
    expect(r.status).toBe(404);
    expect(Object.keys((r.body as { error: object }).error).sort()).toEqual(["code", "details", "message", "target"]);
    expect(r.body).toMatchObject({
      error: {
        code: "ResourceNotFound",
        message: expect.stringContaining("under resource group 'rg-wire' was not found"),
      },
    });
  });
});

describe("[SIMULATOR] wire: refusals Azure makes", () => {
  it("answers 413 RequestContentTooLarge with an ARM error body on a body over 4 MB, and keeps serving", async () => {
    const big = { location: "westeurope", tags: { k: "x".repeat(5 * 1024 * 1024) } };
    const r = await call(sim, "PUT", rgPath("rg-too-big"), { body: big });
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({
      error: { code: "RequestContentTooLarge", message: expect.stringContaining("4 MB") },
    });
    expect(sim.requestLog().at(-1)).toMatchObject({ method: "PUT", status: 413, errorCode: "RequestContentTooLarge" });
    expect((await call(sim, "GET", rgPath("rg-too-big"))).status).toBe(404);
    expect((await call(sim, "GET", rgPath("rg-wire"))).status).toBe(200);
  });

  it("refuses a resource group in an unknown location (LocationNotAvailableForResourceGroup)", async () => {
    const r = await call(sim, "PUT", rgPath("rg-mars"), { body: { location: "mars" } });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      error: {
        code: "LocationNotAvailableForResourceGroup",
        message: expect.stringMatching(
          /^The provided location 'mars' is not available for resource group\. List of available regions is '.*westeurope.*'\.$/,
        ),
      },
    });
    expect((await call(sim, "GET", rgPath("rg-mars"))).status).toBe(404);
  });

  it("accepts a region's display name and stores its programmatic name", async () => {
    const r = await call(sim, "PUT", rgPath("rg-display-name"), { body: { location: "North Europe" } });
    expect(r).toMatchObject({ status: 201, body: { location: "northeurope" } });
  });

  it("refuses a resource in an unknown location (LocationNotAvailableForResourceType)", async () => {
    const st = await call(
      sim,
      "PUT",
      `/subscriptions/${SUB}/resourceGroups/rg-wire/providers/Microsoft.Storage/storageAccounts/stmars1?api-version=2025-08-01`,
      { body: { location: "mars", kind: "StorageV2", sku: { name: "Standard_LRS" } } },
    );
    expect(st.status).toBe(400);
    expect(st.body).toMatchObject({
      error: {
        code: "LocationNotAvailableForResourceType",
        message: expect.stringContaining(
          "The provided location 'mars' is not available for resource type 'Microsoft.Storage/storageAccounts'.",
        ),
      },
    });
    const zone = await call(
      sim,
      "PUT",
      `/subscriptions/${SUB}/resourceGroups/rg-wire/providers/Microsoft.Network/privateDnsZones/privatelink.example.net?api-version=2024-06-01`,
      { body: { location: "westeurope" } },
    );
    expect(zone.body).toMatchObject({ error: { code: "LocationNotAvailableForResourceType" } });
  });
});

describe("[SIMULATOR] wire: long-running operations in time", () => {
  it("reports InProgress until the scaled duration is due", async () => {
    const timed = await startArmSimulator({
      port: 0,
      timeScale: 1,
      stateFile: null,
      certDir: TEST_CERT_DIR,
      latencyProfile: { resourceGroupWrite: [0, 0], storageAccountCreate: [300, 300] },
    });
    try {
      await call(timed, "PUT", rgPath("rg-timed"), { body: { location: "eastus" } });
      const put = await call(
        timed,
        "PUT",
        `/subscriptions/${SUB}/resourceGroups/rg-timed/providers/Microsoft.Storage/storageAccounts/sttimed01?api-version=2025-08-01`,
        {
          body: { location: "eastus", kind: "StorageV2", sku: { name: "Standard_LRS" } },
        },
      );
      expect(put.status).toBe(202);
      expect(put.headers["retry-after"]).toBeUndefined();
      const location = new URL(String(put.headers.location));
      const first = await call(timed, "GET", location.pathname + location.search);
      expect(first.status).toBe(202);
      const during = await call(
        timed,
        "GET",
        `/subscriptions/${SUB}/resourceGroups/rg-timed/providers/Microsoft.Storage/storageAccounts/sttimed01?api-version=2025-08-01`,
      );
      expect(during.body).toMatchObject({ properties: { provisioningState: "Creating" } });
      const started = Date.now();
      let done: Reply = first;
      while (done.status === 202) {
        await new Promise<void>((resolve) => setTimeout(resolve, 25));
        done = await call(timed, "GET", location.pathname + location.search);
      }
      expect(Date.now() - started).toBeGreaterThan(150);
      expect(done).toMatchObject({
        status: 200,
        body: { name: "sttimed01", properties: { provisioningState: "Succeeded" } },
      });
    } finally {
      await timed.close();
    }
  });

  it("sends Retry-After when an operation has seconds to go (workspace delete answers Location)", async () => {
    const slow = await startArmSimulator({
      port: 0,
      timeScale: 1,
      stateFile: null,
      certDir: TEST_CERT_DIR,
      latencyProfile: { resourceGroupWrite: [0, 0], resourceGroupDelete: [30_000, 30_000] },
    });
    try {
      await call(slow, "PUT", rgPath("rg-slow"), { body: { location: "eastus" } });
      const del = await call(slow, "DELETE", rgPath("rg-slow"));
      expect(del.status).toBe(202);
      expect(del.headers["retry-after"]).toBe("10");
      expect(String(del.headers.location)).toMatch(new RegExp(`/subscriptions/${SUB}/operationresults/`));
      const group = await call(slow, "GET", rgPath("rg-slow"));
      expect(group.body).toMatchObject({ properties: { provisioningState: "Deleting" } });
      const put = await call(
        slow,
        "PUT",
        `/subscriptions/${SUB}/resourceGroups/rg-slow/providers/Microsoft.Storage/storageAccounts/stslow01?api-version=2025-08-01`,
        {
          body: { location: "eastus", kind: "StorageV2", sku: { name: "Standard_LRS" } },
        },
      );
      expect(put.body).toMatchObject({ error: { code: "ResourceGroupBeingDeleted" } });
    } finally {
      await slow.close();
    }
  });

  it("purges a soft-deleted workspace with forceToPurge=true", async () => {
    const ws = `/subscriptions/${SUB}/resourceGroups/rg-wire/providers/Microsoft.MachineLearningServices/workspaces/mlw-purge`;
    const st = `/subscriptions/${SUB}/resourceGroups/rg-wire/providers/Microsoft.Storage/storageAccounts/stwirepurge1`;
    const kv = `/subscriptions/${SUB}/resourceGroups/rg-wire/providers/Microsoft.KeyVault/vaults/kv-wire-purge`;
    await call(sim, "PUT", `${st}?api-version=2025-08-01`, {
      body: { location: "westeurope", kind: "StorageV2", sku: { name: "Standard_LRS" } },
    });
    await call(sim, "PUT", `${kv}?api-version=2026-02-01`, {
      body: { location: "westeurope", properties: { tenantId: randomUUID(), sku: { family: "A", name: "standard" } } },
    });
    const body = { location: "westeurope", properties: { storageAccount: st, keyVault: kv } };
    expect((await call(sim, "PUT", `${ws}?api-version=2024-04-01`, { body })).status).toBe(202);
    expect((await call(sim, "DELETE", `${ws}?api-version=2024-04-01`)).status).toBe(202);
    expect((await call(sim, "GET", `${ws}?api-version=2024-04-01`)).status).toBe(404);
    // Re-creating it with other settings is refused (the same settings would recover it).
    const other = {
      ...body,
      properties: { storageAccount: st, keyVault: kv, friendlyName: "x" },
      location: "northeurope",
    };
    expect((await call(sim, "PUT", `${ws}?api-version=2024-04-01`, { body: other })).body).toMatchObject({
      error: { code: "UserError" },
    });
    expect((await call(sim, "DELETE", `${ws}?api-version=2024-04-01&forceToPurge=true`)).status).toBe(200);
    expect((await call(sim, "PUT", `${ws}?api-version=2024-04-01`, { body })).status).toBe(202);
  });
});

describe("[SIMULATOR] wire: throttling", () => {
  it("answers 429 SubscriptionRequestsThrottled with Retry-After when the bucket is empty", async () => {
    const tight = await startArmSimulator({
      port: 0,
      timeScale: 0,
      stateFile: null,
      certDir: TEST_CERT_DIR,
      throttling: { writes: { capacity: 2, refillPerSecond: 0.5 } },
    });
    try {
      expect(
        (await call(tight, "PUT", rgPath("rg-t1"), { body: { location: "eastus" } })).headers[
          "x-ms-ratelimit-remaining-subscription-writes"
        ],
      ).toBe("1");
      expect((await call(tight, "PUT", rgPath("rg-t2"), { body: { location: "eastus" } })).status).toBe(201);
      const third = await call(tight, "PUT", rgPath("rg-t3"), { body: { location: "eastus" } });
      expect(third.status).toBe(429);
      expect(third.headers["retry-after"]).toBe("2");
      expect(third.body).toMatchObject({ error: { code: "SubscriptionRequestsThrottled" } });
      // Reads have their own bucket.
      expect((await call(tight, "GET", rgPath("rg-t1"))).status).toBe(200);
    } finally {
      await tight.close();
    }
  });

  it("refills buckets over time (unit)", () => {
    let now = 0;
    const t = new Throttler({ deletes: { capacity: 1, refillPerSecond: 10 } }, () => now);
    expect(t.take(SUB, "deletes").ok).toBe(true);
    expect(t.take(SUB, "deletes")).toEqual({ ok: false, retryAfterSeconds: 1 });
    now += 100;
    expect(t.take(SUB, "deletes").ok).toBe(true);
  });
});

describe("[SIMULATOR] wire: faults", () => {
  it("is deterministic for a seed (rate-based rules)", () => {
    const sequence = (seed: number) => {
      const f = new FaultInjector({ seed, rules: [{ kind: "internal-error", rate: 0.5 }] }, 1);
      return Array.from({ length: 32 }, () => (f.take("GET", "/x", new Set(["internal-error"])) ? 1 : 0)).join("");
    };
    expect(sequence(7)).toBe(sequence(7));
    expect(sequence(7)).not.toBe(sequence(8));
    expect(sequence(7)).toMatch(/1/);
    expect(sequence(7)).toMatch(/0/);
  });

  it("injects 429 without Retry-After, connection resets and responses that never come", async () => {
    await fetchJson("PUT", "/_simulator/faults", {
      rules: [
        { kind: "throttle-no-retry-after", method: "GET", pathPattern: "rg-wire$", count: 1 },
        { kind: "connection-reset", method: "GET", pathPattern: "rg-wire$", count: 1 },
        { kind: "hang", method: "GET", pathPattern: "rg-wire$", count: 1 },
      ],
    });
    const throttled = await call(sim, "GET", rgPath("rg-wire"));
    expect(throttled.status).toBe(429);
    expect(throttled.headers["retry-after"]).toBeUndefined();
    await expect(call(sim, "GET", rgPath("rg-wire"))).rejects.toMatchObject({ code: "ECONNRESET" });
    const hung = await new Promise<string>((resolve, reject) => {
      const url = new URL(sim.url);
      const req = https.request(
        {
          host: url.hostname,
          port: url.port,
          method: "GET",
          path: rgPath("rg-wire"),
          ca: sim.certPem,
          headers: { authorization: "Bearer x" },
        },
        () => reject(new Error("a response arrived")),
      );
      req.setTimeout(300, () => {
        req.destroy();
        resolve("timed out");
      });
      req.on("error", () => undefined);
      req.end();
    });
    expect(hung).toBe("timed out");
    expect((await call(sim, "GET", rgPath("rg-wire"))).status).toBe(200);
    const faults = await fetchJson("GET", "/_simulator/faults");
    expect(faults.body).toMatchObject({ remaining: [0, 0, 0] });
  });
});

async function fetchJson(method: string, p: string, body?: unknown): Promise<Reply> {
  return call(sim, method, p, { body, auth: false });
}

describe("[SIMULATOR] wire: control endpoints", () => {
  it("serves health, the request log (with parsed bodies), the estate and principals", async () => {
    const health = await fetchJson("GET", "/_simulator/health");
    expect(health.body).toMatchObject({ status: "ok", azure: "simulated", timeScale: 0 });
    await fetchJson("DELETE", "/_simulator/requests");
    await call(sim, "PUT", rgPath("rg-logged"), { body: { location: "eastus", tags: { k: "v" } } });
    const log = await fetchJson("GET", "/_simulator/requests?method=PUT");
    expect((log.body as { requests: unknown[] }).requests).toEqual([
      expect.objectContaining({
        method: "PUT",
        status: 201,
        body: { location: "eastus", tags: { k: "v" } },
        apiVersion: "2025-04-01",
      }),
    ]);
    const estate = await fetchJson("GET", "/_simulator/resources");
    const resources = (estate.body as { resources: Array<{ id: string; type: string }> }).resources;
    expect(resources.some((r) => r.id === `/subscriptions/${SUB}/resourceGroups/rg-logged`)).toBe(true);
    // The landing zone is there from the start.
    expect(resources.filter((r) => r.type === "Microsoft.Network/privateDnsZones").length).toBe(2);
    const added = await fetchJson("POST", "/_simulator/principals", {
      principals: [{ objectId: randomUUID(), type: "Group" }],
    });
    expect(added.body).toEqual({ added: 1 });
  });
});

describe("[SIMULATOR] wire: principals with replication delay", () => {
  it("refuses a new principal until replicated unless principalType is sent", async () => {
    const delayed = await startArmSimulator({
      port: 0,
      timeScale: 0,
      stateFile: null,
      certDir: TEST_CERT_DIR,
      principalReplicationDelayMs: 60_000,
    });
    try {
      const oid = randomUUID();
      delayed.addPrincipals([{ objectId: oid, type: "ServicePrincipal" }]);
      const assignment = (name: string, principalType?: string) =>
        call(
          delayed,
          "PUT",
          `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`,
          {
            body: {
              properties: {
                roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
                principalId: oid,
                ...(principalType ? { principalType } : {}),
              },
            },
          },
        );
      expect((await assignment(randomUUID())).body).toMatchObject({ error: { code: "PrincipalNotFound" } });
      expect((await assignment(randomUUID(), "ServicePrincipal")).status).toBe(201);
    } finally {
      await delayed.close();
    }
  });
});

describe("[SIMULATOR] wire: state file and certificate", () => {
  it("keeps the estate across restarts and reuses the certificate", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-sim-state-"));
    const stateFile = path.join(dir, "state.json");
    const first = await startArmSimulator({ port: 0, timeScale: 0, stateFile, certDir: TEST_CERT_DIR });
    await call(first, "PUT", rgPath("rg-persisted"), { body: { location: "eastus", tags: { keep: "me" } } });
    await first.close();
    const second = await startArmSimulator({ port: 0, timeScale: 0, stateFile, certDir: TEST_CERT_DIR });
    try {
      expect(second.certPem).toBe(first.certPem);
      expect(fs.readFileSync(path.join(TEST_CERT_DIR, "cert.pem"), "utf8")).toBe(second.certPem);
      const r = await call(second, "GET", rgPath("rg-persisted"));
      expect(r).toMatchObject({ status: 200, body: { tags: { keep: "me" } } });
    } finally {
      await second.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
