/**
 * A run's state changes, each in one transaction with its audit event (and its notifications): start or resume,
 * failure, success, and the failure of a run whose job ran out of worker crashes.
 */
import "server-only";
import { Prisma } from "@/generated/prisma/client";
import type { RequestStatus } from "@/generated/prisma/enums";
import { recordAuditEvent } from "@/lib/audit/record-event";
import { db, type Tx } from "@/lib/db/client";
import { notifyRole, notifyUsers, requestAudience, teamMlops } from "@/lib/notifications/notify";
import { formatRequestNumber } from "@/lib/plan/build-plan";
import type { Plan } from "@/lib/plan/types";
import { applyChange, changeRunFailed } from "@/lib/changes/engine";
import { ensureWorkspaceSet } from "@/lib/changes/sets";
import type { StoredChangePlan } from "@/lib/changes/types";
import { PROVISIONER } from "./step-runner";
import type { VerificationResult } from "./verify";

export type RequestForRun = {
  id: string;
  number: number;
  requesterId: string;
  teamId: string | null;
  projectId: string | null;
  scopeSlug: string | null;
  region: string | null;
};
export type RunRow = { id: string; attempt: number; status: string };

const STARTABLE: RequestStatus[] = ["APPROVED", "STAKEHOLDER_APPROVED", "FAILED", "PROVISIONING"];

const jsonValue = (v: unknown) => JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue;

/**
 * Start (or resume): run RUNNING, request PROVISIONING, one step row per plan step. Only a new run (QUEUED → RUNNING:
 * the approval's first run, or a retry, which someone allowed asked for and the audit trail records) sets the steps an
 * earlier run left FAILED or CANCELLED back to PENDING. A resumed run (already RUNNING: its worker crashed or stopped)
 * changes no recorded decision: a step that failed stays failed, and the run ends failed.
 */
export async function startRun(run: RunRow, requestId: string, plan: Plan): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const current = await tx.workspaceRequest.findUnique({
      where: { id: requestId },
      select: { status: true, version: true },
    });
    if (!current || !STARTABLE.includes(current.status)) return false;
    let isNewRun = false;
    if (run.status === "QUEUED") {
      const moved = await tx.provisioningRun.updateMany({
        where: { id: run.id, status: "QUEUED" },
        data: { status: "RUNNING", startedAt: new Date() },
      });
      if (moved.count === 0) return false;
      isNewRun = true;
    }
    await tx.provisioningStep.createMany({
      data: plan.steps.map((s) => ({
        requestId,
        stepKey: s.id,
        op: (s as { op?: string }).op ?? "create",
        environment: s.environment ? (s.environment.toUpperCase() as "DEV" | "TEST" | "PROD") : null,
        kind: s.kind,
        name: s.name,
        resourceId: s.resourceId,
        runId: run.id,
      })),
      skipDuplicates: true,
    });
    const resetSteps = isNewRun ? await resetEarlierRunsSteps(tx, requestId, run.id) : [];
    if (current.status !== "PROVISIONING") {
      const moved = await tx.workspaceRequest.updateMany({
        where: { id: requestId, status: current.status, version: current.version },
        data: { status: "PROVISIONING", provisioningAt: new Date(), version: { increment: 1 } },
      });
      if (moved.count === 0)
        throw new Error("The request changed while provisioning started; the job will be retried.");
    }
    if (current.status !== "PROVISIONING" || resetSteps.length > 0) {
      await recordAuditEvent(tx, {
        actor: PROVISIONER,
        action: "request.provisioning_started",
        entityType: "request",
        entityId: requestId,
        requestId,
        before: { status: current.status },
        after: { status: "PROVISIONING", runId: run.id, attempt: run.attempt, resetSteps },
        correlationId: run.id,
      });
    }
    return true;
  });
}

/** A retried run runs the failed and cancelled steps again (a failed operation's poller state is useless). */
async function resetEarlierRunsSteps(tx: Tx, requestId: string, runId: string): Promise<string[]> {
  const steps = await tx.provisioningStep.findMany({
    where: { requestId, status: { in: ["FAILED", "CANCELLED"] }, runId: { not: runId } },
    select: { stepKey: true },
    orderBy: { stepKey: "asc" },
  });
  if (steps.length === 0) return [];
  await tx.provisioningStep.updateMany({
    where: { requestId, stepKey: { in: steps.map((s) => s.stepKey) } },
    data: { status: "PENDING", errorCode: null, errorMessage: null, lroState: null, drift: Prisma.DbNull, runId },
  });
  return steps.map((s) => s.stepKey);
}

/** A run that ends before it started (no plan, request no longer approved). */
export async function finishRun(
  job: { requestId: string; runId: string },
  status: "FAILED" | "CANCELLED",
  error: { errorCode: string; errorMessage: string },
) {
  await db.provisioningRun.updateMany({
    where: { id: job.runId, status: { in: ["QUEUED", "RUNNING"] } },
    data: { status, finishedAt: new Date(), ...error },
  });
}

/** Steps that had not started when a run was stopped, with the stop's audit event. */
export async function cancelPendingSteps(requestId: string, runId: string) {
  await db.$transaction(async (tx) => {
    const steps = await tx.provisioningStep.findMany({
      where: { requestId, status: "PENDING" },
      select: { stepKey: true },
    });
    if (steps.length === 0) return;
    await tx.provisioningStep.updateMany({
      where: { requestId, stepKey: { in: steps.map((s) => s.stepKey) } },
      data: { status: "CANCELLED", runId },
    });
    await recordAuditEvent(tx, {
      actor: PROVISIONER,
      action: "provisioning.steps_cancelled",
      entityType: "provisioning_run",
      entityId: runId,
      requestId,
      after: { stepKeys: steps.map((s) => s.stepKey) },
      correlationId: runId,
    });
  });
}

export interface RunFailure {
  failedStepKey: string | null;
  errorCode: string;
  errorMessage: string;
}

export async function failRun(
  request: RequestForRun,
  run: Pick<RunRow, "id" | "attempt">,
  error: RunFailure,
  verification?: VerificationResult,
  extra?: (tx: Tx) => Promise<void>,
) {
  const label = formatRequestNumber(request.number);
  await db.$transaction(async (tx) => {
    const moved = await tx.provisioningRun.updateMany({
      where: { id: run.id, status: { in: ["QUEUED", "RUNNING"] } },
      data: {
        status: "FAILED",
        finishedAt: new Date(),
        ...error,
        ...(verification ? { verification: jsonValue(verification) } : {}),
      },
    });
    if (moved.count === 0) return; // cancelled meanwhile
    const current = await tx.workspaceRequest.findUnique({
      where: { id: request.id },
      select: { status: true, version: true },
    });
    if (current && ["PROVISIONING", "APPROVED", "STAKEHOLDER_APPROVED"].includes(current.status)) {
      await tx.workspaceRequest.updateMany({
        where: { id: request.id, status: current.status, version: current.version },
        data: { status: "FAILED", version: { increment: 1 } },
      });
    }
    await extra?.(tx);
    const kind = await tx.workspaceRequest.findUnique({ where: { id: request.id }, select: { kind: true } });
    if (kind && kind.kind !== "NEW") {
      await changeRunFailed(tx, request, run.id, error.errorMessage);
    }
    await recordAuditEvent(tx, {
      actor: PROVISIONER,
      action: "request.provisioning_failed",
      entityType: "request",
      entityId: request.id,
      requestId: request.id,
      before: { status: current?.status ?? "PROVISIONING" },
      after: { status: "FAILED", runId: run.id, attempt: run.attempt, ...error },
      correlationId: run.id,
    });
    const note = {
      kind: "provisioning.failed",
      title: `${label}: provisioning failed`,
      body: error.errorMessage,
      requestId: request.id,
    };
    // The requester and members hear that their request failed; the team's MLOps engineers, who retry runs,
    // get the run's failure instead.
    const mlops = await teamMlops(tx, request.id);
    const audience = (await requestAudience(tx, request.id)).filter((id) => !mlops.includes(id));
    await notifyUsers(tx, audience, note);
    await notifyRole(tx, "ADMIN", note, [request.requesterId]);
    await notifyUsers(tx, mlops, {
      kind: "run.failed",
      title: `${label}: provisioning run ${run.attempt} failed`,
      body: `${error.errorMessage} Retry the run from the request page once the cause is fixed.`,
      requestId: request.id,
    });
  });
}

export async function succeedRun(
  request: RequestForRun,
  run: Pick<RunRow, "id" | "attempt">,
  plan: Plan,
  verification: VerificationResult,
  /** A change run: what it applies to its workspace set (lib/changes). */
  change?: { stored: StoredChangePlan; desiredPlan: Plan },
) {
  const label = formatRequestNumber(request.number);
  await db.$transaction(async (tx) => {
    const moved = await tx.provisioningRun.updateMany({
      where: { id: run.id, status: "RUNNING" },
      data: {
        status: "SUCCEEDED",
        finishedAt: new Date(),
        verification: jsonValue(verification),
        failedStepKey: null,
        errorCode: null,
        errorMessage: null,
      },
    });
    if (moved.count === 0) return;
    const current = await tx.workspaceRequest.findUnique({
      where: { id: request.id },
      select: { status: true, version: true },
    });
    if (current?.status === "PROVISIONING") {
      await tx.workspaceRequest.updateMany({
        where: { id: request.id, status: "PROVISIONING", version: current.version },
        data: { status: "PROVISIONED", provisionedAt: new Date(), version: { increment: 1 } },
      });
    }
    if (change) await applyChange(tx, request, run.id, change.stored, change.desiredPlan);
    else {
      await recordWorkspaces(tx, request, run, plan, verification);
      await linkWorkspaceSet(tx, request.id);
    }
    await recordAuditEvent(tx, {
      actor: PROVISIONER,
      action: "request.provisioned",
      entityType: "request",
      entityId: request.id,
      requestId: request.id,
      before: { status: "PROVISIONING" },
      after: {
        status: "PROVISIONED",
        runId: run.id,
        attempt: run.attempt,
        workspaces: plan.steps.filter((s) => s.kind === "workspace").map((s) => s.resourceId),
      },
      correlationId: run.id,
    });
    if (change) return; // the requester was told by applyChange
    await notifyUsers(tx, await requestAudience(tx, request.id), {
      kind: "provisioning.succeeded",
      title: `${label}: workspaces ready`,
      body: `Atrium created and verified ${plan.steps.length} resources in ${plan.environments.join(", ")}.`,
      requestId: request.id,
    });
  });
}

/**
 * A provisioned request becomes a workspace set (lib/changes), in the same transaction. A document that no longer
 * plans (a member disabled since submission) leaves the set to be created when first changed; nothing SQL failed.
 */
async function linkWorkspaceSet(tx: Tx, requestId: string) {
  try {
    const set = await ensureWorkspaceSet(requestId, tx);
    // The set may have been created before its workspaces existed (a caller that held the document).
    await tx.workspace.updateMany({ where: { requestId, workspaceSetId: null }, data: { workspaceSetId: set.id } });
  } catch (err) {
    console.warn(
      `[provisioning] workspace set of ${requestId} not created: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** The inventory: one workspace row per provisioned environment, each with its verification event. */
async function recordWorkspaces(
  tx: Tx,
  request: RequestForRun,
  run: Pick<RunRow, "id">,
  plan: Plan,
  verification: VerificationResult,
) {
  for (const step of plan.steps.filter((s) => s.kind === "workspace")) {
    const environment = step.environment!.toUpperCase() as "DEV" | "TEST" | "PROD";
    const data = {
      requestId: request.id,
      environment,
      name: step.name,
      region: String(step.body.location ?? plan.region),
      scopeSlug: plan.scopeSlug,
      teamId: request.teamId!,
      projectId: request.projectId,
      status: "ACTIVE" as const,
    };
    const ws = await tx.workspace.upsert({
      where: { armId: step.resourceId },
      create: { armId: step.resourceId, ...data },
      update: data,
    });
    await recordAuditEvent(tx, {
      actor: PROVISIONER,
      action: "workspace.verified",
      entityType: "workspace",
      entityId: ws.id,
      requestId: request.id,
      after: {
        armId: step.resourceId,
        environment,
        checks: verification.checks.filter((c) => c.environment === step.environment).length,
        mismatches: 0,
      },
      correlationId: run.id,
    });
  }
}

export const CRASHES_EXHAUSTED_MESSAGE =
  "The worker running this provisioning stopped before finishing, again and again (it crashed or was restarted), so " +
  "Atrium stopped trying on its own. Resources already created stay. Retry to continue from where it stopped; if it " +
  "stops again, check the worker's logs (memory, restarts) first.";

/**
 * The job of this run used up its retries on worker crashes (pg-boss moved it to the dead-letter queue): the run ends
 * FAILED and retryable instead of staying "running" for ever, and its steps that were in flight are marked stopped.
 */
export async function failExhaustedRun(job: { requestId: string; runId: string }): Promise<boolean> {
  const run = await db.provisioningRun.findUnique({ where: { id: job.runId } });
  if (!run || run.requestId !== job.requestId || (run.status !== "QUEUED" && run.status !== "RUNNING")) return false;
  const request = await db.workspaceRequest.findUniqueOrThrow({
    where: { id: job.requestId },
    select: { id: true, number: true, requesterId: true, teamId: true, projectId: true, scopeSlug: true, region: true },
  });
  const inFlight = await db.provisioningStep.findMany({
    where: { requestId: job.requestId, status: "RUNNING" },
    select: { stepKey: true },
    orderBy: { stepKey: "asc" },
  });
  await failRun(
    request,
    run,
    {
      failedStepKey: inFlight[0]?.stepKey ?? null,
      errorCode: "WorkerCrashed",
      errorMessage: CRASHES_EXHAUSTED_MESSAGE,
    },
    undefined,
    async (tx) => {
      await tx.provisioningStep.updateMany({
        where: { requestId: job.requestId, stepKey: { in: inFlight.map((s) => s.stepKey) }, status: "RUNNING" },
        data: {
          status: "CANCELLED",
          finishedAt: new Date(),
          errorCode: "WorkerCrashed",
          errorMessage: "Stopped: the worker running this step crashed.",
        },
      });
    },
  );
  return true;
}
