/**
 * The engine's side of a change (called by lib/provisioning inside a run's transactions): what a change run executes,
 * what it verifies, and what its success or failure does to the workspace set.
 */
import "server-only";
import { recordAuditEvent } from "@/lib/audit/record-event";
import type { Db, Tx } from "@/lib/db/client";
import { notifyUsers } from "@/lib/notifications/notify";
import { buildPlan, formatRequestNumber } from "@/lib/plan/build-plan";
import type { Plan, PlanStep } from "@/lib/plan/types";
import { loadPlanSettings } from "@/lib/requests/plan-context";
import { planInputOf } from "./document";
import { startNextInLine } from "./line";
import { SET_SYSTEM } from "./sets";
import type { StoredChangePlan } from "./types";

export const CHANGE_ACTOR = SET_SYSTEM;

/** A plan step with the change's op (what lib/azure's executeExecutableStep runs). */
export type ChangeRunStep = PlanStep & {
  op: "create" | "update" | "delete";
  deleteParameters: Record<string, string> | null;
};

/** The change plan as the executor's graph: one step per change step, keyed by the change step's id. */
export function executablePlanOf(
  stored: StoredChangePlan,
  requestId: string,
): Omit<Plan, "steps"> & { steps: ChangeRunStep[] } {
  return {
    schemaVersion: 1,
    requestId,
    scopeSlug: "",
    region: stored.desired.region,
    environments: stored.desired.environments,
    roleMatrix: [],
    steps: stored.steps.map((c) => ({
      id: c.id,
      environment: c.environment,
      kind: c.kind,
      name: c.name,
      resourceId: c.resourceId,
      apiVersion: c.apiVersion,
      dependsOn: c.dependsOn,
      tags: {},
      target: c.target,
      body: c.body ?? {},
      op: c.op,
      deleteParameters: c.deleteParameters,
    })),
  };
}

/**
 * What verification reads after a change: the whole new desired plan (everything present, as intended) and every
 * resource the change deleted that the desired plan does not hold (absent).
 */
export async function changeVerificationTargets(stored: StoredChangePlan, client: Db | Tx) {
  const desired = buildPlan(planInputOf(stored.desired, await loadPlanSettings(client)));
  const kept = new Set(desired.steps.map((s) => s.resourceId.toLowerCase()));
  const deleted = executablePlanOf(stored, desired.requestId).steps.filter(
    (s) => s.op === "delete" && !kept.has(s.resourceId.toLowerCase()),
  );
  return { desired, deleted };
}

/**
 * A change run succeeded and was verified: the set's desired state becomes the change's document, its version goes
 * up by one, Workspace rows are created for new environments, the set is released and the next change starts.
 */
export async function applyChange(
  tx: Tx,
  request: { id: string; number: number; requesterId: string; teamId: string | null; projectId: string | null },
  runId: string,
  stored: StoredChangePlan,
  desiredPlan: Pick<Plan, "steps" | "scopeSlug" | "region">,
) {
  const row = await tx.workspaceRequest.findUniqueOrThrow({
    where: { id: request.id },
    select: { workspaceSetId: true, kind: true },
  });
  const setId = row.workspaceSetId!;
  await tx.$queryRaw`SELECT id FROM workspace_sets WHERE id = ${setId}::uuid FOR UPDATE`;
  const set = await tx.workspaceSet.findUniqueOrThrow({ where: { id: setId }, select: { version: true } });
  const version = set.version + 1;
  await tx.workspaceSet.update({
    where: { id: setId },
    data: {
      desiredState: JSON.parse(JSON.stringify(stored.desired)) as object,
      version,
      activeChangeId: null,
      status: row.kind === "DECOMMISSION" ? "DECOMMISSIONING" : "ACTIVE",
    },
  });
  for (const step of desiredPlan.steps.filter((s) => s.kind === "workspace")) {
    const exists = await tx.workspace.findUnique({ where: { armId: step.resourceId }, select: { id: true } });
    if (exists) continue;
    const ws = await tx.workspace.create({
      data: {
        armId: step.resourceId,
        requestId: request.id,
        environment: step.environment!.toUpperCase() as "DEV" | "TEST" | "PROD",
        name: step.name,
        region: String(step.body.location ?? desiredPlan.region),
        scopeSlug: desiredPlan.scopeSlug,
        teamId: request.teamId!,
        projectId: request.projectId,
        workspaceSetId: setId,
      },
      select: { id: true },
    });
    await recordAuditEvent(tx, {
      actor: CHANGE_ACTOR,
      action: "workspace.verified",
      entityType: "workspace",
      entityId: ws.id,
      requestId: request.id,
      after: { armId: step.resourceId, environment: step.environment, workspaceSetId: setId },
      correlationId: runId,
    });
  }
  await recordAuditEvent(tx, {
    actor: CHANGE_ACTOR,
    action: "change.applied",
    entityType: "workspace_set",
    entityId: setId,
    requestId: request.id,
    before: { version: set.version, baseVersion: stored.baseVersion },
    after: {
      version,
      planHash: stored.planHash,
      changeKinds: [...new Set(stored.changes.map((c) => c.kind))],
      steps: stored.steps.length,
      runId,
    },
    correlationId: runId,
  });
  const number = formatRequestNumber(request.number);
  await notifyUsers(tx, [request.requesterId], {
    kind: "change.applied",
    title: `${number}: change applied`,
    body: `Atrium applied and verified ${stored.steps.length} change steps; the workspace set is now at version ${version}.`,
    requestId: request.id,
  });
  await startNextInLine(tx, setId, request.id, runId);
}

/** A change run failed: the requester is told, the set is released and the next change in line starts. */
export async function changeRunFailed(
  tx: Tx,
  request: { id: string; number: number; requesterId: string },
  runId: string,
  errorMessage: string,
) {
  const row = await tx.workspaceRequest.findUnique({ where: { id: request.id }, select: { workspaceSetId: true } });
  if (!row?.workspaceSetId) return;
  await notifyUsers(tx, [request.requesterId], {
    kind: "change.failed",
    title: `${formatRequestNumber(request.number)}: change failed`,
    body: `${errorMessage} Nothing else waits on it: the workspace set keeps its current desired state; retry the change from its page once the cause is fixed.`,
    requestId: request.id,
  });
  await startNextInLine(tx, row.workspaceSetId, request.id, runId);
}
