// [PLAN CLI] `npm run plan` as automation runs it: several at once against one database, the change plan
// between two documents (--from), and invalid input refused before any database is touched.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(path.join(os.tmpdir(), "atrium-plan-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CURRENT = {
  pattern: "project",
  team: "fraud",
  project: "fraudgraph",
  environments: ["dev", "test"],
  visibility: "private",
  restriction: "restricted",
  region: "westeurope",
  members: [{ email: "amara.okafor@contoso.com", role: "dataScientist" }],
  compute: {
    instanceVmSize: "Standard_DS3_v2",
    idleShutdownMinutes: 60,
    devClusters: [{ vmSize: "Standard_DS11_v2", maxNodes: 4 }],
    pipelines: ["scoring"],
  },
  gitRepositoryUrl: "https://github.com/contoso/fraud",
  costCenter: "CC-4120",
  justification: "Graph analysis of fraud rings across card and account data.",
};

function file(name: string, doc: unknown): string {
  const p = path.join(dir, name);
  writeFileSync(p, JSON.stringify(doc));
  return p;
}

type Run = { code: number; stdout: string; stderr: string };

function plan(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      path.join(root, "node_modules/.bin/tsx"),
      ["--conditions=react-server", "scripts/plan.ts", ...args],
      { cwd: root, env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe("[PLAN CLI]", () => {
  it("three runs at once against one database all print the same plan and exit 0", async () => {
    const request = file("request.json", CURRENT);
    const runs = await Promise.all([plan([request]), plan([request]), plan([request])]);
    for (const r of runs) expect(r, r.stderr).toMatchObject({ code: 0 });
    expect(new Set(runs.map((r) => r.stdout)).size).toBe(1);
    expect(JSON.parse(runs[0].stdout).planHash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("--from prints the change plan of adding prod: its create steps, a cost difference and the approvals", async () => {
    const r = await plan([
      "--from",
      file("current.json", CURRENT),
      file("desired.json", { ...CURRENT, environments: ["dev", "test", "prod"] }),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.planHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(out.steps.length).toBeGreaterThan(5);
    // Prod's environment, and the custom roles its subscription needs (subscription-level, environment null).
    for (const step of out.steps as { op: string; environment: string | null; kind: string }[]) {
      expect(step.op).toBe("create");
      expect(step.environment ?? step.kind).toMatch(/^(prod|roleDefinition)$/);
    }
    expect(out.costDelta.byEnvironment).toMatchObject({ dev: 0, test: 0 });
    expect(out.costDelta.monthly).toBeGreaterThan(0);
    expect(out.approval).toEqual({ need: "adminAndStakeholder", appliedAtOnce: false });
  });

  it("a change of identity is refused with field messages and exit 2, without any database", async () => {
    const r = await plan(
      ["--from", file("c.json", CURRENT), file("d.json", { ...CURRENT, team: "risk", environments: ["dev"] })],
      // Nothing listens here: any attempt to connect would fail with exit 1, not 2.
      { DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" },
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/d\.json: team: A change can't move the workspace set to another team \(fraud → risk\)/);
    expect(r.stderr).toMatch(/d\.json: environments: Removing test is a decommission/);
  });

  it("an invalid request document is refused before any database too", async () => {
    const r = await plan([file("bad.json", { ...CURRENT, environments: [] })], {
      DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^environments: /m);
  });
});
