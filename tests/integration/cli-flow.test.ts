// [CLI] The `atrium` CLI end to end, as a separate process talking HTTP to the API only: the route handlers are served
// in this process by a small node:http adapter (tests/integration/api-support.ts) instead of a full Next.js server,
// with the ARM simulator and a real worker behind them. Requester logs in, creates and submits; the admin approves
// the plan hash; `request wait` follows every step to "provisioned" (exit 0), and a rejected request ends with exit 1.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ArmSimulator } from "@/lib/azure/simulator/server";
import { stopProducer } from "@/lib/jobs/queue";
import { startProvisioningWorker, type ProvisioningWorker } from "@/lib/provisioning/worker";
import { API_DOCUMENT, startApiServer, tokenFor } from "./api-support";
import { clearProvisioningQueue, FAST_EXECUTOR, simulatorFactory, startTestSimulator } from "./provisioning-support";

const CLI = path.resolve(import.meta.dirname, "../../bin/atrium.mjs");

let sim: ArmSimulator;
let worker: ProvisioningWorker;
let server: Awaited<ReturnType<typeof startApiServer>>;
let home: string;

beforeAll(async () => {
  sim = await startTestSimulator();
  await clearProvisioningQueue();
  worker = await startProvisioningWorker({
    factory: simulatorFactory(sim),
    jobs: 2,
    executor: FAST_EXECUTOR,
    log: () => {},
  });
  server = await startApiServer();
  home = mkdtempSync(path.join(os.tmpdir(), "atrium-cli-"));
});

afterAll(async () => {
  await server?.close();
  await worker?.stop({ graceful: false });
  await stopProducer();
  await sim?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

type Run = { code: number; stdout: string; stderr: string };

/** Runs the CLI as its own process (asynchronously: the API it calls is served by this process). */
function atrium(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { NODE_ENV: "test", PATH: process.env.PATH ?? "", XDG_CONFIG_HOME: home, ...env }, timeout: 90_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const json = (run: Run) => JSON.parse(run.stdout) as Record<string, unknown> & { items: Record<string, unknown>[] };

describe("[CLI] atrium against the API", () => {
  it("login, create --submit, approve the plan hash, wait until provisioned, workspaces and history export", async () => {
    const requesterToken = await tokenFor("amara.okafor@contoso.com", ["read", "write"]);
    const admin = { ATRIUM_URL: server.url, ATRIUM_TOKEN: await tokenFor("fatima.khan@contoso.com") };

    const login = await atrium(["login", "--url", server.url, "--token", requesterToken]);
    expect(login).toMatchObject({ code: 0, stderr: "" });
    const config = path.join(home, "atrium", "config.json");
    expect(statSync(config).mode & 0o777).toBe(0o600);

    const file = path.join(home, "req.json");
    writeFileSync(file, JSON.stringify(API_DOCUMENT));
    const created = await atrium(["request", "create", "-f", file, "--submit", "--json"]);
    expect(created.code).toBe(0);
    const request = json(created);
    expect(request).toMatchObject({ status: "submitted" });
    const shown = await atrium(["request", "show", request.id as string]);
    expect(shown.stdout).toContain(`${request.number}  submitted`);
    expect(shown.stdout).toContain(request.planHash as string);
    const listed = await atrium(["request", "list", "--mine"]);
    expect(listed.stdout.split("\n")[0]).toMatch(/^NUMBER\s+STATUS\s+SCOPE/);
    expect(listed.stdout).toContain(request.id as string);

    const queue = await atrium(["approvals", "list", "--json"], admin);
    expect(json(queue).items.map((i) => i.id)).toContain(request.id);
    const approved = await atrium(
      ["approve", request.id as string, "--plan-hash", request.planHash as string, "--json"],
      admin,
    );
    expect(approved.code).toBe(0);
    expect(json(approved)).toMatchObject({ status: "approved", planHash: request.planHash });

    const waited = await atrium(["request", "wait", request.id as string, "--interval", "0.2", "--timeout", "80"]);
    expect(waited.stderr).toBe("");
    expect(waited.code).toBe(0);
    const done = waited.stdout.split("\n").filter((l) => l.startsWith("✓ "));
    const plan = json(await atrium(["request", "show", request.id as string, "--json"]));
    expect(plan.status).toBe("provisioned");
    const run = json(await atrium(["request", "wait", request.id as string, "--json"]));
    const steps = (run.run as { steps: unknown[] }).steps;
    expect(done).toHaveLength(steps.length);
    expect(waited.stdout).toMatch(new RegExp(`\\[#{30}\\] ${steps.length}/${steps.length} steps`));
    expect(waited.stdout).toContain(`${request.number} provisioned.`);

    const workspaces = json(await atrium(["workspaces", "list", "--json"])).items.filter(
      (w) => w.requestId === request.id,
    );
    expect(workspaces).toHaveLength(2);
    const workspace = await atrium(["workspaces", "show", workspaces[0].id as string]);
    expect(workspace.stdout).toContain(workspaces[0].armId as string);

    const csv = await atrium(["history", "export", "--format", "csv", "--team", "fraud"], admin);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split("\n");
    expect(lines[0]).toBe(
      "number,status,team,project,scope,environments,region,requester,submittedAt,approvedAt,provisionedAt,closedAt,estimatedMonthlyUsd",
    );
    expect(lines.find((l) => l.startsWith(`${request.number},PROVISIONED,`))).toBeDefined();
    const exported = JSON.parse(
      (await atrium(["history", "export", "--format", "json", "--team", "fraud"], admin)).stdout,
    );
    expect(exported).toHaveLength(lines.length - 1);
    expect(exported.find((r: { id: string }) => r.id === request.id)).toMatchObject({ status: "PROVISIONED" });
  });

  it("exit codes: a rejected request ends `wait` with 1, invalid input 2, no login 3, not found 4", async () => {
    const env = { ATRIUM_URL: server.url, ATRIUM_TOKEN: await tokenFor("amara.okafor@contoso.com", ["read", "write"]) };
    const admin = { ATRIUM_URL: server.url, ATRIUM_TOKEN: await tokenFor("fatima.khan@contoso.com") };
    const file = path.join(home, "dev.json");
    writeFileSync(
      file,
      JSON.stringify({ ...API_DOCUMENT, pattern: "team", project: undefined, environments: ["dev"] }),
    );
    const request = json(await atrium(["request", "create", "-f", file, "--submit", "--json"], env));
    const rejected = await atrium(
      ["reject", request.id as string, "--reason", "Use the shared fraud workspace instead."],
      admin,
    );
    expect(rejected.code).toBe(0);
    expect(rejected.stdout).toContain("rejected");
    const waited = await atrium(["request", "wait", request.id as string, "--interval", "0.2"], env);
    expect(waited).toMatchObject({ code: 1 });
    expect(waited.stdout).toContain(`${request.number} rejected.`);

    writeFileSync(file, JSON.stringify({ ...API_DOCUMENT, region: "Mars" }));
    const invalid = await atrium(["request", "create", "-f", file], env);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/region: .*Azure region name/);
    expect((await atrium(["request", "list"], { XDG_CONFIG_HOME: path.join(home, "nobody") })).code).toBe(3);
    const missing = await atrium(["request", "show", "00000000-0000-4000-8000-000000000000"], env);
    expect(missing.code).toBe(4);
    expect((await atrium(["approve", request.id as string], env)).code).toBe(3);
  });
});
