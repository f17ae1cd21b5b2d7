import "server-only";
import type { SessionUser } from "@/lib/auth/session";
import { recordAuditEvent } from "@/lib/audit/record-event";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { enqueueProvisioning } from "@/lib/jobs/queue";
import { notifyRole, notifyUsers } from "@/lib/notifications/notify";
import { formatRequestNumber } from "@/lib/plan/build-plan";
import { claimSetForRetry, startNextInLine } from "@/lib/changes/line";
import { runControlScope } from "./access";

async function controllableRequest(actor: SessionUser, requestId: string) {
  const scope = runControlScope(actor);
  const request = scope
    ? await db.workspaceRequest.findFirst({
        where: { id: requestId, ...scope },
        select: { id: true, number: true, status: true, version: true, requesterId: true, workspaceSetId: true },
      })
    : null;
  if (!request) throw new AppError("NOT_FOUND", "No such request, or it is not one of your teams' requests.");
  return request;
}

/**
 * Retries a failed (or cancelled) provisioning run from the failed step: a new run (attempt n+1) is queued in the
 * same transaction as its audit event; completed steps are skipped by the executor.
 */
export async function retryRun(actor: SessionUser, requestId: string, correlationId: string) {
  const request = await controllableRequest(actor, requestId);
  return db.$transaction(async (tx) => {
    const last = await tx.provisioningRun.findFirst({ where: { requestId }, orderBy: { attempt: "desc" } });
    if (request.status !== "FAILED" || !last || (last.status !== "FAILED" && last.status !== "CANCELLED")) {
      throw new AppError("CONFLICT", "Only a failed or stopped provisioning can be retried.");
    }
    const moved = await tx.workspaceRequest.updateMany({
      where: { id: requestId, status: "FAILED", version: request.version },
      data: { version: { increment: 1 } },
    });
    if (moved.count === 0) throw new AppError("CONFLICT", "The request changed meanwhile; reload and try again.");
    // A change request runs only while it holds its workspace set (one change at a time).
    await claimSetForRetry(tx, requestId, correlationId);
    const run = await tx.provisioningRun.create({
      data: { requestId, attempt: last.attempt + 1, status: "QUEUED", triggeredById: actor.id },
    });
    const jobId = await enqueueProvisioning(tx, { requestId, runId: run.id });
    if (!jobId) throw new AppError("CONFLICT", "The previous run is still stopping; try again in a moment.");
    await tx.provisioningRun.update({ where: { id: run.id }, data: { jobId } });
    await recordAuditEvent(tx, {
      actor: { kind: "user", id: actor.id },
      action: "provisioning.run_retried",
      entityType: "provisioning_run",
      entityId: run.id,
      requestId,
      before: { runId: last.id, attempt: last.attempt, status: last.status, failedStepKey: last.failedStepKey },
      after: { runId: run.id, attempt: run.attempt, status: "QUEUED" },
      correlationId,
    });
    return { runId: run.id, attempt: run.attempt };
  });
}

/**
 * Stops a queued or running provisioning: the run is CANCELLED at once, the worker starts no further step (steps in
 * flight finish and are recorded), and the request becomes FAILED so that it can be retried later.
 */
export async function cancelRun(actor: SessionUser, requestId: string, correlationId: string) {
  const request = await controllableRequest(actor, requestId);
  await db.$transaction(async (tx) => {
    const run = await tx.provisioningRun.findFirst({
      where: { requestId, status: { in: ["QUEUED", "RUNNING"] } },
      orderBy: { attempt: "desc" },
    });
    if (!run) throw new AppError("CONFLICT", "No provisioning is queued or running for this request.");
    const moved = await tx.provisioningRun.updateMany({
      where: { id: run.id, status: { in: ["QUEUED", "RUNNING"] } },
      data: {
        status: "CANCELLED",
        finishedAt: new Date(),
        errorCode: "Cancelled",
        errorMessage: `Stopped by ${actor.name}.`,
      },
    });
    if (moved.count === 0) throw new AppError("CONFLICT", "The run finished meanwhile.");
    const current = await tx.workspaceRequest.findUniqueOrThrow({
      where: { id: requestId },
      select: { status: true, version: true },
    });
    if (["PROVISIONING", "APPROVED", "STAKEHOLDER_APPROVED"].includes(current.status)) {
      await tx.workspaceRequest.updateMany({
        where: { id: requestId, version: current.version },
        data: { status: "FAILED", version: { increment: 1 } },
      });
    }
    await recordAuditEvent(tx, {
      actor: { kind: "user", id: actor.id },
      action: "provisioning.run_cancelled",
      entityType: "provisioning_run",
      entityId: run.id,
      requestId,
      before: { status: run.status, requestStatus: current.status },
      after: { status: "CANCELLED", requestStatus: "FAILED" },
      correlationId,
    });
    // A stopped change releases its workspace set: the next change in line may start.
    if (request.workspaceSetId) await startNextInLine(tx, request.workspaceSetId, requestId, correlationId);
    const note = {
      kind: "provisioning.cancelled",
      title: `${formatRequestNumber(request.number)}: provisioning stopped`,
      body: `${actor.name} stopped the provisioning. Resources already created stay; a retry continues from where it stopped.`,
      requestId,
    };
    await notifyUsers(tx, [request.requesterId], note);
    await notifyRole(tx, "ADMIN", note, [actor.id, request.requesterId]);
  });
}
