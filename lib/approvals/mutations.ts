import "server-only";
import { recordAuditEvent } from "@/lib/audit/record-event";
import { acknowledgeChecks, checksForApproval } from "@/lib/checks/gate";
import type { SessionUser } from "@/lib/auth/session";
import { db, type Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { enqueueProvisioning } from "@/lib/jobs/queue";
import { notifyRole, notifyUsers } from "@/lib/notifications/notify";
import { formatRequestNumber } from "@/lib/plan/build-plan";
import { recomputePlanForRequest } from "@/lib/requests/plan-context";
import { changeStakeholderNeeds } from "@/lib/changes/approval-need";
import { queueChange } from "@/lib/changes/line";
import { recomputeChangePlan } from "@/lib/changes/mutations";
import { revalidateRequestPlan } from "./revalidate";
import { decisionRefusal, isFinalStage, STAGE_TRANSITION, type ApprovalStageName, type DecisionSubject } from "./rules";

export type DecisionActor = Pick<SessionUser, "id" | "name" | "roles">;
/** What the decider saw: the request's version and plan hash (hidden inputs of the decision form). */
export type DecisionInput = { requestId: string; version: number; planHash: string };
/** An approval also says whether the approver acknowledged the pre-approval checks' warnings (lib/checks/gate.ts). */
export type ApprovalInput = DecisionInput & { comment?: string; acknowledgeWarnings?: boolean };

const RACE_LOST = "Someone else decided or changed this request first. Reload to see its current state.";
const STALE = "The request changed since you opened it. Review the current plan before deciding.";

class PlanChanged extends Error {}

/** The facts separation of duties needs, read fresh. */
export async function loadDecisionSubject(client: typeof db | Tx, requestId: string) {
  const row = await client.workspaceRequest.findUnique({
    where: { id: requestId },
    select: {
      id: true,
      number: true,
      kind: true,
      status: true,
      version: true,
      planHash: true,
      environments: true,
      requesterId: true,
      members: { select: { userId: true } },
      approvals: { where: { decision: "APPROVED", voidedAt: null, stage: "ADMIN" }, select: { approverId: true } },
    },
  });
  if (!row) return null;
  const needs = await changeStakeholderNeeds([row], client);
  const subject: DecisionSubject & {
    id: string;
    number: number;
    version: number;
    planHash: string | null;
    kind: typeof row.kind;
  } = {
    id: row.id,
    kind: row.kind,
    stakeholderNeeded: needs.get(row.id),
    number: row.number,
    version: row.version,
    planHash: row.planHash,
    status: row.status,
    environments: row.environments,
    requesterId: row.requesterId,
    memberIds: row.members.map((m) => m.userId),
    adminApproverId: row.approvals[0]?.approverId ?? null,
  };
  return subject;
}

async function checkDecision(actor: DecisionActor, stage: ApprovalStageName, input: DecisionInput) {
  const subject = await loadDecisionSubject(db, input.requestId);
  if (!subject || subject.status === "DRAFT") throw new AppError("NOT_FOUND", "This request does not exist.");
  const refusal = decisionRefusal(actor, subject, stage);
  if (refusal) throw new AppError(refusal.code, refusal.message);
  if (subject.version !== input.version || subject.planHash !== input.planHash) throw new AppError("CONFLICT", STALE);
  return subject;
}

/**
 * Approves one stage. One transaction: a conditional update on (status, version, plan hash) — the single
 * atomic check-and-act, so of many concurrent approvals exactly one wins — then a fresh recomputation of the
 * plan (the approval binds to the hash it saw), the Approval row, the audit event, the notifications and, for
 * the final approval, the provisioning run and its job (the job table is the outbox).
 */
export async function approveRequest(
  actor: DecisionActor,
  stage: ApprovalStageName,
  input: ApprovalInput,
  correlationId: string,
) {
  const subject = await checkDecision(actor, stage, input);
  // A failed pre-approval check refuses; warnings need the approver's acknowledgement.
  const checks = await checksForApproval(subject.id, input.planHash, input.acknowledgeWarnings === true, correlationId);
  const { from, to } = STAGE_TRANSITION[stage];
  const final = isFinalStage(stage, subject.environments, subject.stakeholderNeeded);
  const number = formatRequestNumber(subject.number);
  try {
    return await db.$transaction(
      async (tx) => {
        const now = new Date();
        const { count } = await tx.workspaceRequest.updateMany({
          where: { id: subject.id, status: from, version: input.version, planHash: input.planHash },
          data: { status: to, version: { increment: 1 }, ...(stage === "ADMIN" ? { approvedAt: now } : {}) },
        });
        if (count !== 1) throw new AppError("CONFLICT", RACE_LOST);

        // A change request binds to its change plan's hash (lib/changes), a new request to its plan's.
        const fresh =
          subject.kind === "NEW"
            ? await recomputePlanForRequest(subject.id, tx)
            : await recomputeChangePlan(subject.id, tx);
        if (!fresh || !fresh.ok || fresh.planHash !== input.planHash) throw new PlanChanged();

        const approval = await tx.approval.create({
          data: {
            requestId: subject.id,
            stage,
            decision: "APPROVED",
            approverId: actor.id,
            planHash: input.planHash,
            comment: input.comment || null,
          },
          select: { id: true },
        });
        await acknowledgeChecks(tx, checks, actor, stage, correlationId);
        let runId: string | null = null;
        let jobId: string | null = null;
        if (final && subject.kind !== "NEW") {
          // One change at a time per workspace set: it runs now or waits in line.
          ({ runId, jobId } = (await queueChange(tx, subject.id, actor.id, correlationId)) ?? {
            runId: null,
            jobId: null,
          });
        } else if (final) {
          ({ runId, jobId } = await queueProvisioning(tx, subject.id, actor.id));
        }
        await recordAuditEvent(tx, {
          actor: { kind: "user", id: actor.id },
          action: stage === "ADMIN" ? "request.approved" : "request.stakeholder_approved",
          entityType: "request",
          entityId: subject.id,
          requestId: subject.id,
          before: { status: statusName(from), version: input.version },
          after: {
            status: statusName(to),
            version: input.version + 1,
            stage,
            planHash: input.planHash,
            approvalId: approval.id,
            ...(input.comment ? { comment: input.comment } : {}),
            ...(final ? { provisioning: "queued", runId, jobId } : { awaiting: "stakeholder" }),
          },
          correlationId,
        });
        if (final) {
          await notifyUsers(tx, [subject.requesterId, ...subject.memberIds], {
            kind: "request.approved",
            title: `${number} approved`,
            body: `${actor.name} gave the ${stage === "ADMIN" ? "admin" : "production"} approval. Provisioning is queued.`,
            requestId: subject.id,
          });
        } else {
          await notifyUsers(tx, [subject.requesterId, ...subject.memberIds], {
            kind: "request.admin_approved",
            title: `${number}: admin approval given`,
            body: `${actor.name} approved ${number}. Because it includes production, a stakeholder approves it next.`,
            requestId: subject.id,
          });
          await notifyRole(
            tx,
            "STAKEHOLDER",
            {
              kind: "request.awaiting_stakeholder",
              title: `${number} waits for your production approval`,
              body: `${actor.name} gave the admin approval; the production approval must come from someone else.`,
              requestId: subject.id,
            },
            [actor.id, subject.requesterId, ...subject.memberIds],
          );
        }
        return { status: to, final, runId, jobId };
      },
      { timeout: 20_000, maxWait: 10_000 },
    );
  } catch (error) {
    if (!(error instanceof PlanChanged)) throw error;
    await db.$transaction(
      (tx) =>
        revalidateRequestPlan(
          tx,
          subject.id,
          { kind: "user", id: actor.id },
          correlationId,
          "The plan was rebuilt when an approval was attempted.",
        ),
      { timeout: 20_000, maxWait: 10_000 },
    );
    throw new AppError(
      "CONFLICT",
      "The plan of this request changed (settings, directory or request). It was updated and earlier approvals were voided; review it again.",
    );
  }
}

/** Creates the next ProvisioningRun (QUEUED) and its job, inside the approval's transaction. */
async function queueProvisioning(tx: Tx, requestId: string, triggeredById: string) {
  const last = await tx.provisioningRun.aggregate({ where: { requestId }, _max: { attempt: true } });
  const run = await tx.provisioningRun.create({
    data: { requestId, attempt: (last._max.attempt ?? 0) + 1, status: "QUEUED", triggeredById },
    select: { id: true },
  });
  const jobId = await enqueueProvisioning(tx, { requestId, runId: run.id });
  if (!jobId) throw new AppError("CONFLICT", "Provisioning of this request is already queued or running.");
  await tx.provisioningRun.update({ where: { id: run.id }, data: { jobId } });
  return { runId: run.id, jobId };
}

/** Rejects the waiting stage with a reason (required); the request is closed and its requester told why. */
export async function rejectRequest(
  actor: DecisionActor,
  stage: ApprovalStageName,
  input: DecisionInput & { reason: string },
  correlationId: string,
) {
  const subject = await checkDecision(actor, stage, input);
  const { from } = STAGE_TRANSITION[stage];
  const number = formatRequestNumber(subject.number);
  return db.$transaction(
    async (tx) => {
      const { count } = await tx.workspaceRequest.updateMany({
        where: { id: subject.id, status: from, version: input.version, planHash: input.planHash },
        data: { status: "REJECTED", version: { increment: 1 }, rejectionReason: input.reason, closedAt: new Date() },
      });
      if (count !== 1) throw new AppError("CONFLICT", RACE_LOST);
      const approval = await tx.approval.create({
        data: {
          requestId: subject.id,
          stage,
          decision: "REJECTED",
          approverId: actor.id,
          planHash: input.planHash,
          comment: input.reason,
        },
        select: { id: true },
      });
      await recordAuditEvent(tx, {
        actor: { kind: "user", id: actor.id },
        action: "request.rejected",
        entityType: "request",
        entityId: subject.id,
        requestId: subject.id,
        before: { status: statusName(from), version: input.version },
        after: {
          status: "rejected",
          version: input.version + 1,
          stage,
          reason: input.reason,
          planHash: input.planHash,
          approvalId: approval.id,
        },
        correlationId,
      });
      await notifyUsers(
        tx,
        [
          subject.requesterId,
          ...subject.memberIds,
          ...(subject.adminApproverId && stage === "STAKEHOLDER" ? [subject.adminApproverId] : []),
        ],
        {
          kind: "request.rejected",
          title: `${number} rejected`,
          body: `${actor.name} rejected ${number}: ${input.reason}`,
          requestId: subject.id,
        },
      );
      return { status: "REJECTED" as const };
    },
    { timeout: 20_000, maxWait: 10_000 },
  );
}

function statusName(status: string) {
  return status === "STAKEHOLDER_APPROVED" ? "stakeholderApproved" : status.toLowerCase();
}
