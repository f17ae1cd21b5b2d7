// [CHANGES] Change requests through the REST API and the CLI: GET /workspace-sets/{id} with the version as ETag,
// POST /workspaces/{id}/change-requests with If-Match (412 naming what changed since, 428 without a version), and
// `atrium workspace change ID -f change.json` as its own process (exit 0; exit 5 on a stale version).
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { desiredPlan } from "@/lib/changes/sets";
import { planHash } from "@/lib/plan/hash";
import { API_DOCUMENT, api, startApiServer, tokenFor } from "./api-support";
import { simulatedEngineForSuite } from "./provisioning-support";
import { approveChange, provisionSet, waitForChangeRun } from "./changes-support";

const CLI = path.resolve(import.meta.dirname, "../../bin/atrium.mjs");
simulatedEngineForSuite({ jobs: 2 });

let server: Awaited<ReturnType<typeof startApiServer>>;
let home: string;
beforeAll(async () => {
  server = await startApiServer();
  home = mkdtempSync(path.join(os.tmpdir(), "atrium-change-cli-"));
});
afterAll(async () => {
  await server?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

function atrium(args: string[], token: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        env: {
          NODE_ENV: "test",
          PATH: process.env.PATH ?? "",
          XDG_CONFIG_HOME: home,
          ATRIUM_URL: server.url,
          ATRIUM_TOKEN: token,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe("[CHANGES] API and CLI", () => {
  it(
    "reads a set by a workspace id, refuses stale and missing versions, creates changes; the CLI too",
    { timeout: 120_000 },
    async () => {
      const set = await provisionSet({ scope: "chapi", environments: ["dev"], visibility: "public" });
      const workspace = await db.workspace.findFirstOrThrow({ where: { requestId: set.requestId } });
      const requester = api(await tokenFor("amara.okafor@contoso.com", ["read", "write"]));

      const read = await requester.get(`/workspace-sets/${workspace.id}`);
      expect(read.status).toBe(200);
      expect(read.headers.get("etag")).toBe('"1"');
      const body = (await read.json()) as { id: string; version: number; desiredState: { members: unknown[] } };
      expect([body.id, body.version, body.desiredState.members.length]).toEqual([set.setId, 1, 2]);

      // Without a version: 428, nothing stored.
      const before = await db.workspaceRequest.count();
      const missing = await requester.post(`/workspaces/${workspace.id}/change-requests`, {
        removeMembers: ["diana.reyes@contoso.com"],
      });
      expect(missing.status).toBe(428);
      // A removal with the current version: applied at once.
      const removal = await requester.post(
        `/workspaces/${workspace.id}/change-requests`,
        { removeMembers: ["diana.reyes@contoso.com"] },
        { "if-match": '"1"', "idempotency-key": "chapi-remove-1" },
      );
      expect(removal.status).toBe(201);
      const removed = (await removal.json()) as {
        requestId: string;
        number: string;
        appliedAtOnce: boolean;
        status: string;
      };
      expect([removed.appliedAtOnce, removed.status]).toEqual([true, "approved"]);
      expect((await waitForChangeRun(removed.requestId)).status).toBe("SUCCEEDED");
      // The same Idempotency-Key replays the answer instead of asking twice.
      const replay = await requester.post(
        `/workspaces/${workspace.id}/change-requests`,
        { removeMembers: ["diana.reyes@contoso.com"] },
        { "if-match": '"1"', "idempotency-key": "chapi-remove-1" },
      );
      expect(((await replay.json()) as { requestId: string }).requestId).toBe(removed.requestId);
      expect(await db.workspaceRequest.count()).toBe(before + 1);

      // Drafted from version 1, the set is at 2: 412 naming the removal.
      const stale = await requester.post(
        `/workspaces/${set.setId}/change-requests`,
        { addMembers: [{ email: "maya.patel@contoso.com", role: "dataScientist" }] },
        { "if-match": '"1"' },
      );
      expect(stale.status).toBe(412);
      expect(stale.headers.get("content-type")).toContain("application/problem+json");
      expect(stale.headers.get("etag")).toBe('"2"');
      const problem = (await stale.json()) as { detail: string; errors: Record<string, string[]> };
      expect(problem.detail).toContain("version 2, not 1");
      expect(problem.errors.changedSince).toEqual([`${removed.number}: removeMember`]);
      expect(await db.workspaceRequest.count()).toBe(before + 1);

      // Someone outside the set's team may not change it (and learns nothing about it).
      const outsider = api(await tokenFor("chen.wei@contoso.com", ["read", "write"]));
      expect(
        (
          await outsider.post(
            `/workspaces/${set.setId}/change-requests`,
            { removeMembers: ["amara.okafor@contoso.com"] },
            { "if-match": '"2"' },
          )
        ).status,
      ).toBe(404);

      // The CLI: a stale file exits 5 and says what changed; the current version submits.
      const token = await tokenFor("amara.okafor@contoso.com", ["read", "write"]);
      const file = path.join(home, "change.json");
      writeFileSync(
        file,
        JSON.stringify({ baseVersion: 1, addMembers: [{ email: "maya.patel@contoso.com", role: "dataScientist" }] }),
      );
      const staleRun = await atrium(["workspace", "change", workspace.id, "-f", file], token);
      expect(staleRun.code).toBe(5);
      expect(staleRun.stderr).toContain(removed.number);
      writeFileSync(
        file,
        JSON.stringify({ baseVersion: 2, addMembers: [{ email: "maya.patel@contoso.com", role: "dataScientist" }] }),
      );
      const ok = await atrium(["workspace", "change", workspace.id, "-f", file, "--json"], token);
      expect(ok.code).toBe(0);
      const created = JSON.parse(ok.stdout) as { requestId: string; status: string; appliedAtOnce: boolean };
      expect([created.status, created.appliedAtOnce]).toEqual(["submitted", false]);
      const row = await db.workspaceRequest.findUniqueOrThrow({ where: { id: created.requestId } });
      expect([row.kind, row.status, row.baseVersion, row.changeKinds]).toEqual([
        "CHANGE",
        "SUBMITTED",
        2,
        ["addMember"],
      ]);
    },
  );
  it(
    "a request provisioned through the API becomes a workspace set whose desired plan is the approved plan",
    { timeout: 120_000 },
    async () => {
      const requester = api(await tokenFor("amara.okafor@contoso.com", ["read", "write"]));
      const created = await requester.post("/requests", { ...API_DOCUMENT, submit: true });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const row = await db.workspaceRequest.findUniqueOrThrow({ where: { id } });
      await approveChange(id); // the admin's approval (dev + test: final)
      expect((await waitForChangeRun(id)).status).toBe("SUCCEEDED");
      const set = await db.workspaceSet.findUniqueOrThrow({ where: { originRequestId: id } });
      expect(set.version).toBe(1);
      expect(planHash(await desiredPlan(set.id))).toBe(row.planHash);
      const linked = await db.workspace.findMany({ where: { requestId: id }, select: { workspaceSetId: true } });
      expect(linked.map((w) => w.workspaceSetId)).toEqual([set.id, set.id]);
      const events = await db.auditEvent.count({ where: { action: "workspace_set.created", entityId: set.id } });
      expect(events).toBe(1);
    },
  );
});
