// [REQUESTS]: the wizard's server actions against a real database: validation (nothing stored when
// invalid), the rules, submission (plan, hash, cost, audit, admin inbox) and cancellation.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { cancelRequestAction, saveDraftStepAction, submitRequestAction } from "@/lib/requests/actions";
import { recomputePlanForRequest } from "@/lib/requests/plan-context";
import { actAs, tableCounts } from "../support/act-as";

function form(fields: Record<string, string | number | string[]>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    if (Array.isArray(v)) for (const x of v) f.append(k, x);
    else f.set(k, String(v));
  }
  return f;
}

/** Runs an action that should redirect; returns the target URL (a redirect is how a step succeeds). */
async function redirected(run: Promise<unknown>): Promise<string> {
  try {
    const result = await run;
    throw new Error(`expected a redirect, got ${JSON.stringify(result)}`);
  } catch (error) {
    const digest = (error as { digest?: string }).digest;
    if (!digest?.startsWith("NEXT_REDIRECT")) throw error;
    return digest.split(";")[2];
  }
}

const SCOPE = {
  step: "scope",
  pattern: "project",
  team: "fraud",
  project: "fraudrt",
  costCenter: "CC-4110",
  justification: "Real-time fraud scoring models for card payments.",
};
const ENVS = {
  step: "environments",
  environments: ["dev", "test", "prod"],
  visibility: "private",
  restriction: "restricted",
  region: "westeurope",
};
const MEMBERS = {
  step: "members",
  "members.0.email": "amara.okafor@contoso.com",
  "members.0.role": "dataScientist",
  "members.1.email": "ben.carter@contoso.com",
  "members.1.role": "dataScientist",
  "members.2.email": "diana.reyes@contoso.com",
  "members.2.role": "mlops",
};
const COMPUTE = {
  step: "compute",
  "compute.instanceVmSize": "Standard_DS3_v2",
  "compute.idleShutdownMinutes": "60",
  "compute.devClusters.0.vmSize": "Standard_DS11_v2",
  "compute.devClusters.0.maxNodes": "4",
  "compute.pipelines.0": "scoring",
  gitRepositoryUrl: "https://github.com/contoso/fraudrt",
};

async function draftThroughCompute(
  overrides: { scope?: Record<string, string>; envs?: Record<string, string | string[]> } = {},
) {
  const first = await redirected(saveDraftStepAction({ ok: true }, form({ ...SCOPE, ...overrides.scope })));
  const draftId = new URL(first, "http://x").searchParams.get("draft")!;
  expect(first).toBe(`/requests/new?draft=${draftId}&step=environments`);
  expect(await redirected(saveDraftStepAction({ ok: true }, form({ ...ENVS, ...overrides.envs, draftId })))).toBe(
    `/requests/new?draft=${draftId}&step=members`,
  );
  expect(await redirected(saveDraftStepAction({ ok: true }, form({ ...MEMBERS, draftId })))).toBe(
    `/requests/new?draft=${draftId}&step=compute`,
  );
  expect(await redirected(saveDraftStepAction({ ok: true }, form({ ...COMPUTE, draftId })))).toBe(
    `/requests/new?draft=${draftId}&step=review`,
  );
  return draftId;
}

describe("[REQUESTS]: wizard steps", () => {
  it("invalid input gives field errors and stores nothing", async () => {
    await actAs("amara.okafor@contoso.com");
    const before = await tableCounts();
    const result = await saveDraftStepAction(
      { ok: true },
      form({ step: "scope", pattern: "project", team: "fraud", project: "", costCenter: "", justification: "short" }),
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.fieldErrors).toMatchObject({
      project: [expect.stringMatching(/Choose the project/)],
      costCenter: ["Enter the cost centre to charge."],
      justification: [expect.stringMatching(/at least 20 characters/)],
    });
    expect(await tableCounts()).toEqual(before);
  });

  it("rules that need the database are field errors too: project of another team, a team you're not in", async () => {
    await actAs("amara.okafor@contoso.com");
    const before = await tableCounts();
    const other = await saveDraftStepAction({ ok: true }, form({ ...SCOPE, project: "churn" }));
    expect(!other.ok && other.fieldErrors?.project?.[0]).toMatch(/belongs to another team \(insights\)/);
    const notMine = await saveDraftStepAction({ ok: true }, form({ ...SCOPE, team: "supply", project: "demand" }));
    expect(!notMine.ok && notMine.fieldErrors?.team?.[0]).toMatch(/You are not a member of Supply Chain Forecasting/);
    expect(await tableCounts()).toEqual(before);
  });

  it("a member without an Entra object id, a region outside the team's, a disallowed VM size and an http repository are refused", async () => {
    await actAs("amara.okafor@contoso.com");
    const first = await redirected(saveDraftStepAction({ ok: true }, form(SCOPE)));
    const draftId = new URL(first, "http://x").searchParams.get("draft")!;
    const region = await saveDraftStepAction({ ok: true }, form({ ...ENVS, region: "eastus", draftId }));
    expect(!region.ok && region.fieldErrors?.region?.[0]).toMatch(
      /Fraud Analytics may only use westeurope, northeurope/,
    );
    const members = await saveDraftStepAction(
      { ok: true },
      form({
        ...MEMBERS,
        "members.3.email": "noah.fischer@partner.example",
        "members.3.role": "dataEngineer",
        draftId,
      }),
    );
    expect(!members.ok && members.fieldErrors?.["members.3.email"]?.[0]).toMatch(/no Entra object id/);
    expect(await db.requestMember.count({ where: { requestId: draftId } })).toBe(0);
    const http = await saveDraftStepAction(
      { ok: true },
      form({ ...COMPUTE, gitRepositoryUrl: "http://github.com/x/y", draftId }),
    );
    expect(!http.ok && http.fieldErrors).toEqual({
      gitRepositoryUrl: ["Use an https:// URL for the repository (ssh and http are not accepted)."],
    });
    const size = await saveDraftStepAction(
      { ok: true },
      form({ ...COMPUTE, "compute.devClusters.0.vmSize": "Standard_ND40rs_v2", draftId }),
    );
    expect(!size.ok && size.fieldErrors?.["compute.devClusters.0.vmSize"]?.[0]).toMatch(
      /Standard_ND40rs_v2 is not allowed for clusters/,
    );
    const row = await db.workspaceRequest.findUniqueOrThrow({ where: { id: draftId } });
    expect(row).toMatchObject({ status: "DRAFT", region: null, compute: null, draftStep: 2 });
  });
});

describe("[REQUESTS]: submission", () => {
  it("submits the journey's request: plan, hash and cost stored, audited, admins notified", async () => {
    const { userId } = await actAs("amara.okafor@contoso.com");
    const draftId = await draftThroughCompute();
    const draft = await db.workspaceRequest.findUniqueOrThrow({ where: { id: draftId } });
    const target = await redirected(submitRequestAction({ ok: true }, form({ id: draftId, version: draft.version })));
    expect(target).toBe(`/requests/${draftId}?submitted=1`);

    const row = await db.workspaceRequest.findUniqueOrThrow({ where: { id: draftId }, include: { members: true } });
    expect(row).toMatchObject({
      status: "SUBMITTED",
      version: draft.version + 1,
      scopeSlug: "fraudrt",
      environments: ["DEV", "TEST", "PROD"],
    });
    expect(row.submittedAt).toBeInstanceOf(Date);
    expect(row.planHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    const recomputed = await recomputePlanForRequest(draftId);
    expect(recomputed?.ok && recomputed.planHash).toBe(row.planHash);
    const plan = row.plan as { steps: { kind: string; environment: string | null }[]; cost: { monthlyTotal: number } };
    expect(plan.steps.filter((s) => s.kind === "workspace").map((s) => s.environment)).toEqual(["dev", "test", "prod"]);
    expect(plan.steps.filter((s) => s.kind === "privateEndpoint")).toHaveLength(3);
    expect(plan.steps.filter((s) => s.kind === "computeInstance")).toHaveLength(2);
    expect(Number(row.estimatedMonthlyUsd)).toBeCloseTo(plan.cost.monthlyTotal, 2);

    const audit = await db.auditEvent.findMany({
      where: { requestId: draftId },
      orderBy: { id: "asc" },
      select: { action: true, actorId: true, after: true },
    });
    expect(audit.map((a) => a.action)).toEqual(["request.drafted", "request.submitted"]);
    expect(audit[1]).toMatchObject({ actorId: userId, after: { status: "submitted", planHash: row.planHash } });
    const inbox = await db.notification.findMany({
      where: { requestId: draftId, kind: "request.submitted" },
      select: { userId: true },
    });
    expect(inbox.map((n) => n.userId).sort()).toEqual(["usr-fatima", "usr-george", "usr-isabel"]);
  });

  it("a stale version is refused and changes nothing; a second request for the same scope and environment is refused, naming the first", async () => {
    await actAs("ben.carter@contoso.com");
    const draftId = await draftThroughCompute({
      scope: { project: "fraudgraph" },
      envs: { environments: ["dev"], visibility: "public" },
    });
    const draft = await db.workspaceRequest.findUniqueOrThrow({ where: { id: draftId } });
    const stale = await submitRequestAction({ ok: true }, form({ id: draftId, version: draft.version - 1 }));
    expect(stale).toMatchObject({ ok: false, message: expect.stringMatching(/changed since you reviewed it/) });
    expect(await db.workspaceRequest.findUniqueOrThrow({ where: { id: draftId } })).toMatchObject({
      status: "DRAFT",
      version: draft.version,
      planHash: null,
    });
    await redirected(submitRequestAction({ ok: true }, form({ id: draftId, version: draft.version })));
    const first = await db.workspaceRequest.findUniqueOrThrow({ where: { id: draftId } });

    await actAs("maya.patel@contoso.com");
    const first2 = await redirected(saveDraftStepAction({ ok: true }, form({ ...SCOPE, project: "fraudgraph" })));
    const second = new URL(first2, "http://x").searchParams.get("draft")!;
    const envs = await saveDraftStepAction({ ok: true }, form({ ...ENVS, environments: ["dev"], draftId: second }));
    expect(!envs.ok && envs.fieldErrors?.environments?.[0]).toBe(
      `REQ-${String(first.number).padStart(5, "0")} (submitted) already asks for the dev workspace of this scope. Remove dev from this request, or wait until REQ-${String(first.number).padStart(5, "0")} is done or cancelled.`,
    );
  });

  it("prod without test is refused at the environments step", async () => {
    await actAs("maya.patel@contoso.com");
    const first = await redirected(
      saveDraftStepAction({ ok: true }, form({ ...SCOPE, pattern: "team", team: "insights", project: "" })),
    );
    const draftId = new URL(first, "http://x").searchParams.get("draft")!;
    const r = await saveDraftStepAction({ ok: true }, form({ ...ENVS, environments: ["dev", "prod"], draftId }));
    expect(!r.ok && r.fieldErrors?.environments).toEqual([
      "Production needs a test workspace for the same scope. Add test to this request (none exists yet).",
    ]);
  });
});

describe("[REQUESTS]: cancellation", () => {
  it("only the requester cancels, and only before provisioning", async () => {
    await actAs("chen.wei@contoso.com");
    const draftId = await draftThroughCompute({
      scope: { pattern: "team", team: "insights", project: "" },
      envs: { environments: ["dev", "test"], visibility: "public" },
    });
    const draft = await db.workspaceRequest.findUniqueOrThrow({ where: { id: draftId } });
    await redirected(submitRequestAction({ ok: true }, form({ id: draftId, version: draft.version })));

    await actAs("erik.lindqvist@contoso.com"); // same team, not the requester
    const before = await tableCounts(["audit_events"]);
    const denied = await cancelRequestAction({ ok: true }, form({ id: draftId }));
    expect(denied).toMatchObject({ ok: false, message: expect.stringMatching(/not yours/) });
    expect(await tableCounts(["audit_events"])).toEqual(before);
    expect((await db.workspaceRequest.findUniqueOrThrow({ where: { id: draftId } })).status).toBe("SUBMITTED");

    await actAs("chen.wei@contoso.com");
    const ok = await cancelRequestAction({ ok: true }, form({ id: draftId }));
    expect(ok).toMatchObject({ ok: true });
    const row = await db.workspaceRequest.findUniqueOrThrow({ where: { id: draftId } });
    expect(row).toMatchObject({ status: "CANCELLED", version: draft.version + 2 });
    expect(row.closedAt).toBeInstanceOf(Date);
    expect(await db.auditEvent.count({ where: { requestId: draftId, action: "request.cancelled" } })).toBe(1);
    const again = await cancelRequestAction({ ok: true }, form({ id: draftId }));
    expect(again.ok).toBe(false);
  });

  it("a provisioning request can't be cancelled", async () => {
    await actAs("liam.obrien@contoso.com");
    const draftId = await draftThroughCompute({
      scope: { pattern: "project", team: "insights", project: "recsys" },
      envs: { environments: ["dev"], visibility: "public" },
    });
    const draft = await db.workspaceRequest.findUniqueOrThrow({ where: { id: draftId } });
    await redirected(submitRequestAction({ ok: true }, form({ id: draftId, version: draft.version })));
    await db.workspaceRequest.update({ where: { id: draftId }, data: { status: "PROVISIONING" } });
    const r = await cancelRequestAction({ ok: true }, form({ id: draftId }));
    expect(r).toMatchObject({ ok: false, message: expect.stringMatching(/once provisioning has started/) });
    expect((await db.workspaceRequest.findUniqueOrThrow({ where: { id: draftId } })).status).toBe("PROVISIONING");
    expect(await db.auditEvent.count({ where: { requestId: draftId, action: "request.cancelled" } })).toBe(0);
  });
});
