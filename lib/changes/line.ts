/**
 * One change at a time per workspace set. `activeChangeId` names the change being applied; a change whose approvals
 * are complete while another is applied waits in line (approved, without a run) and starts when the active one ends.
 * A change drafted against an older version is rebased onto the set's current document before it runs.
 */
import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-event";
import type { Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { enqueueProvisioning } from "@/lib/jobs/queue";
import { notifyRole, notifyUsers } from "@/lib/notifications/notify";
import { formatRequestNumber } from "@/lib/plan/build-plan";
import { buildChangePlan } from "@/lib/plan/change-request";
import { loadPlanSettings } from "@/lib/requests/plan-context";
import { planInputOf, rebaseDocument, type SetDocument } from "./document";
import { SET_SYSTEM } from "./sets";
import { isStoredChangePlan, type StoredChangePlan } from "./types";

const jsonValue = (v: unknown) => JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue;

/** Locks the set's row for the rest of the transaction (queueing, finishing and creating changes serialise on it). */
export async function lockSet(tx: Tx, setId: string) {
  await tx.$queryRaw`SELECT id FROM workspace_sets WHERE id = ${setId}::uuid FOR UPDATE`;
  return tx.workspaceSet.findUniqueOrThrow({
    where: { id: setId },
    select: { id: true, version: true, status: true, activeChangeId: true, desiredState: true },
  });
}

/** Whether a change's approvals are complete (the final stage given, or none needed). */
export function approvalsComplete(status: string, plan: StoredChangePlan): boolean {
  if (status === "STAKEHOLDER_APPROVED") return true;
  return status === "APPROVED" && plan.approval.need !== "adminAndStakeholder";
}

/**
 * After a change's final approval (or at once for a removal): when the set is free, the change takes it and its run
 * is queued (returned); otherwise it waits in line (null).
 */
export async function queueChange(
  tx: Tx,
  requestId: string,
  triggeredById: string | null,
  correlationId: string,
): Promise<{ runId: string; jobId: string } | null> {
  const request = await tx.workspaceRequest.findUniqueOrThrow({
    where: { id: requestId },
    select: { workspaceSetId: true, number: true },
  });
  const set = await lockSet(tx, request.workspaceSetId!);
  if (set.activeChangeId && set.activeChangeId !== requestId) {
    await recordAuditEvent(tx, {
      actor: SET_SYSTEM,
      action: "change.waiting",
      entityType: "request",
      entityId: requestId,
      requestId,
      after: { workspaceSetId: set.id, behind: set.activeChangeId },
      correlationId,
    });
    return null;
  }
  await tx.workspaceSet.update({ where: { id: set.id }, data: { activeChangeId: requestId, status: "CHANGING" } });
  const last = await tx.provisioningRun.aggregate({ where: { requestId }, _max: { attempt: true } });
  const run = await tx.provisioningRun.create({
    data: { requestId, attempt: (last._max.attempt ?? 0) + 1, status: "QUEUED", triggeredById },
    select: { id: true },
  });
  const jobId = await enqueueProvisioning(tx, { requestId, runId: run.id });
  if (!jobId) throw new Error(`The change ${formatRequestNumber(request.number)} is already queued or running.`);
  await tx.provisioningRun.update({ where: { id: run.id }, data: { jobId } });
  return { runId: run.id, jobId };
}

/**
 * Releases the set after its active change ended and starts the oldest change waiting in line. A waiting change
 * drafted against an older version is rebased: same plan hash (or a removal) → it runs; another hash → its approvals
 * are void and it goes back to SUBMITTED.
 */
export async function startNextInLine(tx: Tx, setId: string, finishedRequestId: string, correlationId: string) {
  const set = await lockSet(tx, setId);
  if (set.activeChangeId === finishedRequestId)
    await tx.workspaceSet.update({
      where: { id: setId },
      data: { activeChangeId: null, status: set.status === "CHANGING" ? "ACTIVE" : set.status },
    });
  else if (set.activeChangeId) return;
  const candidates = await tx.workspaceRequest.findMany({
    where: {
      workspaceSetId: setId,
      kind: { not: "NEW" },
      status: { in: ["APPROVED", "STAKEHOLDER_APPROVED"] },
      runs: { none: {} },
      id: { not: finishedRequestId },
    },
    orderBy: [{ approvedAt: "asc" }, { number: "asc" }],
    select: { id: true, number: true, status: true, version: true, plan: true, requesterId: true },
  });
  for (const c of candidates) {
    if (!isStoredChangePlan(c.plan) || !approvalsComplete(c.status, c.plan)) continue;
    if (c.plan.baseVersion !== set.version && c.plan.source === "diff") {
      const kept = await rebase(
        tx,
        { ...c, plan: c.plan },
        set.version,
        set.desiredState as unknown as SetDocument,
        correlationId,
      );
      if (!kept) continue;
    }
    await queueChange(tx, c.id, null, correlationId);
    return;
  }
}

async function rebase(
  tx: Tx,
  c: { id: string; number: number; status: string; version: number; plan: StoredChangePlan; requesterId: string },
  version: number,
  current: SetDocument,
  correlationId: string,
): Promise<boolean> {
  const desired = rebaseDocument(c.plan.base, c.plan.desired, current);
  const settings = await loadPlanSettings(tx);
  let next: StoredChangePlan | null = null;
  try {
    const built = buildChangePlan(planInputOf(current, settings), planInputOf(desired, settings));
    next = { ...built, kind: "change", source: "diff", baseVersion: version, base: current, desired };
  } catch {
    next = null;
  }
  const actor: Actor = SET_SYSTEM;
  const number = formatRequestNumber(c.number);
  if (next && (next.planHash === c.plan.planHash || next.approval.need === "none")) {
    await tx.workspaceRequest.update({
      where: { id: c.id },
      data: { plan: jsonValue(next), planHash: next.planHash, baseVersion: version, version: { increment: 1 } },
    });
    await recordAuditEvent(tx, {
      actor,
      action: "change.rebased",
      entityType: "request",
      entityId: c.id,
      requestId: c.id,
      before: { baseVersion: c.plan.baseVersion, planHash: c.plan.planHash },
      after: { baseVersion: version, planHash: next.planHash },
      correlationId,
    });
    return true;
  }
  const live = await tx.approval.findMany({
    where: { requestId: c.id, decision: "APPROVED", voidedAt: null },
    select: { id: true, approverId: true, stage: true },
  });
  await tx.approval.updateMany({ where: { id: { in: live.map((a) => a.id) } }, data: { voidedAt: new Date() } });
  await tx.workspaceRequest.update({
    where: { id: c.id },
    data: {
      status: next ? "SUBMITTED" : "REJECTED",
      approvedAt: null,
      version: { increment: 1 },
      ...(next
        ? {
            plan: jsonValue(next),
            planHash: next.planHash,
            baseVersion: version,
            changeKinds: next.changes.map((x) => x.kind),
          }
        : { closedAt: new Date(), rejectionReason: "The change no longer applies to the workspace set as it is now." }),
    },
  });
  await recordAuditEvent(tx, {
    actor,
    action: next ? "request.approval_voided" : "request.rejected",
    entityType: "request",
    entityId: c.id,
    requestId: c.id,
    before: { status: c.status.toLowerCase(), baseVersion: c.plan.baseVersion, planHash: c.plan.planHash },
    after: {
      status: next ? "submitted" : "rejected",
      baseVersion: version,
      planHash: next?.planHash ?? null,
      cause: "Another change was applied to the workspace set first; this change was planned again on top of it.",
    },
    correlationId,
  });
  await notifyUsers(tx, [c.requesterId, ...live.map((a) => a.approverId)], {
    kind: "request.approval_voided",
    title: `${number}: planned again after another change`,
    body: next
      ? `Another change was applied to the workspace set first, so ${number} was planned again on top of it and needs its approvals again.`
      : `Another change was applied to the workspace set first and ${number} no longer applies to it; draft it again.`,
    requestId: c.id,
  });
  if (next)
    await notifyRole(
      tx,
      "ADMIN",
      {
        kind: "change.submitted",
        title: `${number} waits for approval`,
        body: `${number} was planned again after another change of its workspace set.`,
        requestId: c.id,
      },
      [c.requesterId],
    );
  return false;
}

/**
 * A retry of a failed change takes the set again: refused while another change is applied; rebased first when the
 * set moved on since it was planned (a changed plan needs its approvals again, like one waiting in line).
 */
export async function claimSetForRetry(tx: Tx, requestId: string, correlationId: string): Promise<void> {
  const c = await tx.workspaceRequest.findUniqueOrThrow({
    where: { id: requestId },
    select: {
      id: true,
      number: true,
      status: true,
      version: true,
      plan: true,
      requesterId: true,
      workspaceSetId: true,
    },
  });
  if (!c.workspaceSetId || !isStoredChangePlan(c.plan)) return;
  const set = await lockSet(tx, c.workspaceSetId);
  if (set.activeChangeId && set.activeChangeId !== requestId)
    throw new AppError(
      "CONFLICT",
      "Another change of this workspace set is being applied; retry this one when it is done.",
    );
  if (c.plan.baseVersion !== set.version && c.plan.source === "diff") {
    const kept = await rebase(
      tx,
      { ...c, plan: c.plan },
      set.version,
      set.desiredState as unknown as SetDocument,
      correlationId,
    );
    if (!kept)
      throw new AppError(
        "CONFLICT",
        "The workspace set changed since this change was planned; it was planned again and needs its approvals again.",
      );
  }
  await tx.workspaceSet.update({ where: { id: set.id }, data: { activeChangeId: requestId, status: "CHANGING" } });
}
