import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-event";
import type { Tx } from "@/lib/db/client";
import { notifyUsers } from "@/lib/notifications/notify";
import { formatRequestNumber } from "@/lib/plan/build-plan";
import { recomputePlanForRequest } from "@/lib/requests/plan-context";
import type { CostEstimate } from "@/lib/plan/cost";
import type { Plan } from "@/lib/plan/types";

/** What the `plan` column holds (same shape as the requests domain's StoredPlan). */
type StoredPlan = Plan & { cost: CostEstimate };
import { needsStakeholder } from "./rules";
import { changeStakeholderNeeds } from "@/lib/changes/approval-need";
import { recomputeChangePlan } from "@/lib/changes/mutations";

/** A change request's recomputation in the shape of a request's (lib/changes). */
async function recomputeChange(requestId: string, tx: Tx) {
  return recomputeChangePlan(requestId, tx);
}

export type RevalidationOutcome = "unchanged" | "updated" | "voided" | "skipped";

/**
 * Approvals bind to the exact plan. Rebuilds a waiting request's plan from the current request, settings and
 * directory; when its hash differs from the stored one, every live approval is void, the request goes back to
 * SUBMITTED with the new plan (one conditional update), and the change is audited and announced.
 *
 * Waiting = SUBMITTED, or APPROVED awaiting the production approval. Once the final approval has queued
 * provisioning, the approved plan is what gets provisioned and is left alone.
 */
export async function revalidateRequestPlan(
  tx: Tx,
  requestId: string,
  actor: Actor,
  correlationId: string,
  cause: string,
): Promise<RevalidationOutcome> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const row = await tx.workspaceRequest.findUnique({
      where: { id: requestId },
      select: {
        id: true,
        number: true,
        status: true,
        version: true,
        planHash: true,
        environments: true,
        requesterId: true,
        kind: true,
      },
    });
    if (!row || !row.planHash) return "skipped";
    const needs = await changeStakeholderNeeds([row], tx);
    const waiting =
      row.status === "SUBMITTED" ||
      (row.status === "APPROVED" && (needs.get(row.id) ?? needsStakeholder(row.environments)));
    if (!waiting) return "skipped";

    const fresh =
      row.kind === "NEW" ? await recomputePlanForRequest(requestId, tx) : await recomputeChange(requestId, tx);
    if (!fresh) return "skipped";
    const newHash = fresh.ok ? fresh.planHash : null;
    if (newHash === row.planHash) return "unchanged";

    const live = await tx.approval.findMany({
      where: { requestId, decision: "APPROVED", voidedAt: null },
      select: { id: true, approverId: true, stage: true, planHash: true },
    });
    const data: Prisma.WorkspaceRequestUpdateManyMutationInput = {
      status: "SUBMITTED",
      version: { increment: 1 },
      approvedAt: null,
    };
    if (fresh.ok && "stored" in fresh) {
      Object.assign(data, {
        plan: fresh.stored as unknown as Prisma.InputJsonValue,
        planHash: fresh.planHash,
        baseVersion: fresh.stored.baseVersion,
        changeKinds: [...new Set(fresh.stored.changes.map((c) => c.kind))],
        estimatedMonthlyUsd: new Prisma.Decimal(fresh.stored.costDelta.monthly.toFixed(2)),
      });
    } else if (fresh.ok) {
      const stored: StoredPlan = { ...fresh.plan, cost: fresh.cost };
      Object.assign(data, {
        plan: stored as unknown as Prisma.InputJsonValue,
        planHash: fresh.planHash,
        estimatedMonthlyUsd: new Prisma.Decimal(fresh.cost.monthlyTotal.toFixed(2)),
      });
    } else if (live.length === 0 && row.status === "SUBMITTED") {
      // The request no longer fits the settings and nothing was approved yet: the approval-time check refuses
      // it with the reasons, and an admin can reject it. Nothing to void.
      return "unchanged";
    }
    const { count } = await tx.workspaceRequest.updateMany({
      where: { id: requestId, status: row.status, version: row.version },
      data,
    });
    if (count === 0) continue; // decided or changed meanwhile: look again

    const now = new Date();
    if (live.length > 0) {
      await tx.approval.updateMany({
        where: { id: { in: live.map((a) => a.id) }, voidedAt: null },
        data: { voidedAt: now },
      });
    }
    const voided = live.length > 0 || row.status !== "SUBMITTED";
    await recordAuditEvent(tx, {
      actor,
      action: voided ? "request.approval_voided" : "request.plan_updated",
      entityType: "request",
      entityId: requestId,
      requestId,
      before: {
        status: row.status.toLowerCase(),
        version: row.version,
        planHash: row.planHash,
        liveApprovals: live.map((a) => ({ id: a.id, stage: a.stage, approverId: a.approverId })),
      },
      after: {
        status: "submitted",
        version: row.version + 1,
        planHash: fresh.ok ? fresh.planHash : row.planHash,
        cause,
        ...(fresh.ok ? {} : { planErrors: fresh.fieldErrors }),
      },
      correlationId,
    });
    if (voided) {
      const number = formatRequestNumber(row.number);
      await notifyUsers(tx, [row.requesterId, ...live.map((a) => a.approverId)], {
        kind: "request.approval_voided",
        title: `${number}: approvals voided, the plan changed`,
        body: `${cause} The plan of ${number} changed, so its earlier approvals no longer apply. It is back in the approval queue.`,
        requestId,
      });
    }
    return voided ? "voided" : "updated";
  }
  return "skipped";
}

/** Revalidates every waiting request (after a settings change), inside the caller's transaction. */
export async function revalidateWaitingRequests(tx: Tx, actor: Actor, correlationId: string, cause: string) {
  const waiting = await tx.workspaceRequest.findMany({
    where: {
      OR: [
        { status: "SUBMITTED" },
        { status: "APPROVED", environments: { has: "PROD" } },
        { status: "APPROVED", kind: { not: "NEW" } },
      ],
    },
    select: { id: true },
    orderBy: { submittedAt: "asc" },
  });
  const outcomes: Record<RevalidationOutcome, number> = { unchanged: 0, updated: 0, voided: 0, skipped: 0 };
  for (const { id } of waiting) outcomes[await revalidateRequestPlan(tx, id, actor, correlationId, cause)] += 1;
  return outcomes;
}
