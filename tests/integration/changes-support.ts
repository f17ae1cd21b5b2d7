// Shared helpers of the change-request integration tests: provision a workspace set (team, project or shared
// pattern) through the real engine, ask for changes as seeded people, approve them, wait for their runs, and compare
// the simulator's estate with the set's desired plan.
import { expect } from "vitest";
import type { ArmSimulator } from "@/lib/azure/simulator/server";
import { approveRequest } from "@/lib/approvals/mutations";
import { db } from "@/lib/db/client";
import { documentOf } from "@/lib/changes/document";
import { createChangeRequest, type CreateChangeInput } from "@/lib/changes/mutations";
import { desiredPlan, ensureWorkspaceSet } from "@/lib/changes/sets";
import { buildPlan } from "@/lib/plan/build-plan";
import { planHash } from "@/lib/plan/hash";
import type { PlanInput } from "@/lib/plan/types";
import type { PortalRoleName } from "@/lib/auth/permissions";
import {
  createApprovedRequestRow,
  enqueueRun,
  type CreatedRequest,
  type FixtureRequest,
} from "@/tests/support/provisioning-fixtures";
import { createdResourceIds, waitForRuns } from "./provisioning-support";

export type Person = { id: string; name: string; email: string; roles: PortalRoleName[]; teamIds: string[] };

export async function person(email: string): Promise<Person> {
  const u = await db.user.findUniqueOrThrow({
    where: { email },
    select: { id: true, name: true, email: true, roles: true, teamMemberships: { select: { teamId: true } } },
  });
  return { ...u, roles: u.roles as PortalRoleName[], teamIds: u.teamMemberships.map((t) => t.teamId) };
}

export type SetSpec = FixtureRequest & { pattern?: "team" | "project" | "shared" };

/** The fixture's request re-planned for the project or shared pattern (the scope part is still `spec.scope`). */
async function withPattern(created: CreatedRequest, pattern: "project" | "shared"): Promise<CreatedRequest> {
  const team = await db.team.findUniqueOrThrow({ where: { slug: "fraud" } });
  const input: PlanInput =
    pattern === "project"
      ? {
          ...created.input,
          pattern,
          team: { ...created.input.team, slug: "fraud" },
          project: { slug: created.input.team.slug, teamSlug: "fraud", costCenter: team.costCenter },
        }
      : {
          ...created.input,
          pattern,
          team: { ...created.input.team, slug: "fraud", businessDivision: created.input.team.slug },
        };
  const plan = buildPlan(input);
  await db.workspaceRequest.update({
    where: { id: created.requestId },
    data: {
      pattern: pattern === "project" ? "PROJECT" : "SHARED",
      plan: JSON.parse(JSON.stringify(plan)),
      planHash: planHash(plan),
    },
  });
  return { ...created, input, plan };
}

/** Provisions a set through the engine and returns it with its set id (the set holds the fixture's document). */
export async function provisionSet(spec: SetSpec): Promise<CreatedRequest & { setId: string }> {
  let created = await createApprovedRequestRow(spec);
  if (spec.pattern && spec.pattern !== "team") created = await withPattern(created, spec.pattern);
  const set = await ensureWorkspaceSet(created.requestId, db, documentOf(created.input));
  await enqueueRun(created);
  const statuses = await waitForRuns([created.runId]);
  expect(Object.values(statuses)).toEqual(["SUCCEEDED"]);
  return { ...created, setId: set.id };
}

export async function setVersion(setId: string): Promise<number> {
  return (await db.workspaceSet.findUniqueOrThrow({ where: { id: setId }, select: { version: true } })).version;
}

/** The latest run of a request, once it exists and finished. */
export async function waitForChangeRun(requestId: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await db.provisioningRun.findFirst({ where: { requestId }, orderBy: { attempt: "desc" } });
    if (run) {
      const statuses = await waitForRuns([run.id], Math.max(1, deadline - Date.now()));
      return { runId: run.id, status: statuses[run.id] };
    }
    if (Date.now() > deadline) throw new Error(`no run of ${requestId} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const ADMIN = "fatima.khan@contoso.com";
const STAKEHOLDER = "hannah.schmidt@contoso.com";

/** Approves a submitted change as an admin (and a stakeholder when it needs one). */
export async function approveChange(requestId: string) {
  for (const [email, stage] of [
    [ADMIN, "ADMIN"],
    [STAKEHOLDER, "STAKEHOLDER"],
  ] as const) {
    const r = await db.workspaceRequest.findUniqueOrThrow({ where: { id: requestId } });
    if (stage === "ADMIN" && r.status !== "SUBMITTED") return;
    if (stage === "STAKEHOLDER" && r.status !== "APPROVED") return;
    const result = await approveRequest(
      await person(email),
      stage,
      { requestId, version: r.version, planHash: r.planHash! },
      `test-${stage}`,
    );
    if (result.final) return;
  }
}

/** Asks for a change (as `email`), approves it when it needs approval, and waits for its run. */
export async function applyChange(
  email: string,
  setId: string,
  desired: CreateChangeInput["desired"],
  extra: Partial<CreateChangeInput> = {},
) {
  const created = await createChangeRequest(
    await person(email),
    { setId, baseVersion: await setVersion(setId), desired, ...extra },
    "test-change",
  );
  if (!created.appliedAtOnce) await approveChange(created.requestId);
  const run = await waitForChangeRun(created.requestId);
  return { ...created, ...run };
}

const lower = (s: string) => s.toLowerCase();

/** The simulator's estate of a set (everything under its resource groups) equals its desired plan. */
export async function expectEstateMatchesDesired(sim: ArmSimulator, setId: string) {
  const plan = await desiredPlan(setId);
  const groups = [
    ...new Set(plan.steps.filter((s) => s.kind === "resourceGroup").map((s) => `/resourcegroups/${lower(s.name)}/`)),
  ];
  const scope = plan.scopeSlug;
  const estate = createdResourceIds(sim).filter(
    (id) => groups.some((g) => id.includes(g)) || new RegExp(`/resourcegroups/rg-${scope}-`).test(id),
  );
  const wanted = plan.steps.filter((s) => s.kind !== "roleDefinition").map((s) => lower(s.resourceId));
  expect(estate).toEqual([...new Set(wanted)].sort());
  return plan;
}
