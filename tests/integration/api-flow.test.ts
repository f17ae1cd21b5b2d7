// [API] A request end to end through API v1 alone, with two tokens: the requester creates and submits it, the admin
// approves the exact plan hash, the run provisions against the ARM simulator through the real worker, and the API
// shows every step, the workspaces, the history and the audit trail.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { api, API_DOCUMENT, tokenFor } from "./api-support";
import { simulatedEngineForSuite } from "./provisioning-support";

simulatedEngineForSuite({ jobs: 2 });

type Json = Record<string, unknown> & { items?: Record<string, unknown>[] };
const body = async (r: Response) => (await r.json()) as Json;

/** Polls the run through the API until it is final (the worker runs in this process). */
async function waitForRun(client: ReturnType<typeof api>, runId: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const run = await body(await client.get(`/runs/${runId}`));
    if (["SUCCEEDED", "FAILED", "CANCELLED"].includes(run.status as string)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} not final: ${JSON.stringify(run.counts)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("[API] end to end with two tokens", () => {
  it("requester creates and submits, admin approves the plan hash, the run provisions, the API shows every step", async () => {
    const requester = api(await tokenFor("amara.okafor@contoso.com", ["read", "write"]));
    const admin = api(await tokenFor("fatima.khan@contoso.com", ["read", "approve"]));

    // Create and submit at once; the Idempotency-Key makes a retried POST safe.
    const key = "e2e-create-0001";
    const created = await requester.post("/requests", { ...API_DOCUMENT, submit: true }, { "idempotency-key": key });
    expect(created.status).toBe(201);
    const request = await body(created);
    expect(request).toMatchObject({ status: "submitted", environments: ["dev", "test"], latestRun: null });
    expect(created.headers.get("location")).toBe(`/api/v1/requests/${request.id}`);
    expect(created.headers.get("etag")).toBe(`"${request.version}"`);
    const replay = await requester.post("/requests", { ...API_DOCUMENT, submit: true }, { "idempotency-key": key });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect((await body(replay)).id).toBe(request.id);
    expect(await db.workspaceRequest.count({ where: { requesterId: "usr-amara", projectId: { not: null } } })).toBe(1);
    const reused = await requester.post(
      "/requests",
      { ...API_DOCUMENT, costCenter: "CC-9" },
      { "idempotency-key": key },
    );
    expect(reused.status).toBe(422);

    // The plan and its hash, as the approver will review it.
    const plan = await body(await admin.get(`/requests/${request.id}/plan`));
    expect(plan.planHash).toBe(request.planHash);
    const stepCount = (plan.steps as unknown[]).length;
    expect(stepCount).toBeGreaterThan(10);

    // The queue lists it; the requester's token has no approve scope; a different hash or a stale ETag is refused.
    const queue = await body(await admin.get("/approvals"));
    expect(queue.items!.map((i) => i.id)).toContain(request.id);
    expect((await requester.post(`/requests/${request.id}/approve`, { planHash: request.planHash })).status).toBe(403);
    const otherHash = `sha256:${"0".repeat(64)}`;
    const wrong = await admin.post(`/requests/${request.id}/approve`, { planHash: otherHash });
    expect(wrong.status).toBe(409);
    expect(wrong.headers.get("content-type")).toBe("application/problem+json");
    const stale = await admin.post(
      `/requests/${request.id}/approve`,
      { planHash: request.planHash },
      { "if-match": '"1"' },
    );
    expect(stale.status).toBe(412);
    expect(await db.approval.count({ where: { requestId: request.id as string } })).toBe(0);

    const approved = await admin.post(
      `/requests/${request.id}/approve`,
      { planHash: request.planHash, comment: "Looks right." },
      { "if-match": `"${request.version}"` },
    );
    expect(approved.status).toBe(200);
    const decision = await body(approved);
    expect(decision).toMatchObject({ id: request.id, status: "approved", version: (request.version as number) + 1 });
    expect(decision.runId).toMatch(/^[0-9a-f-]{36}$/);

    // Provisioning through the real worker against the simulator, followed through the API alone.
    const run = await waitForRun(requester, decision.runId as string);
    expect(run).toMatchObject({ status: "SUCCEEDED", requestStatus: "provisioned", latest: true });
    const steps = run.steps as { status: string; attempts: number; key: string }[];
    expect(steps).toHaveLength(stepCount);
    expect(steps.every((s) => s.status === "SUCCEEDED" && s.attempts >= 1)).toBe(true);
    expect(run.verification).toMatchObject({ ok: true });

    const after = await body(await requester.get(`/requests/${request.id}`));
    expect(after).toMatchObject({ status: "provisioned", latestRun: { id: decision.runId, status: "SUCCEEDED" } });

    // The workspaces it created, the history row and the audit trail of every transition.
    const workspaces = (await body(await requester.get("/workspaces"))).items!.filter(
      (w) => w.requestId === request.id,
    );
    expect(workspaces.map((w) => w.environment).sort()).toEqual(["dev", "test"]);
    const workspace = await body(await requester.get(`/workspaces/${workspaces[0].id}`));
    expect((workspace.resources as unknown[]).length).toBeGreaterThan(3);
    const history = await body(await admin.get("/history?team=fraud"));
    expect(history.items!.find((h) => h.id === request.id)).toMatchObject({ status: "PROVISIONED" });
    const trail = await body(await admin.get(`/audit-events?requestId=${request.id}`));
    const actions = trail.items!.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["request.drafted", "request.submitted", "request.approved"]));
    expect((await requester.get(`/audit-events?requestId=${request.id}`)).status).toBe(403);
  });
});
