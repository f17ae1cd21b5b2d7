import "server-only";
import type { Prisma } from "@/generated/prisma/client";
import { can, type SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { isUuid } from "@/lib/access/params";
import { requestVisibleWhere } from "@/lib/access/visibility";
import { AppError } from "@/lib/errors";
import { changeStakeholderNeeds } from "@/lib/changes/approval-need";
import { decidableStage, decisionRefusal, pendingStage, type ApprovalStageName, type DecisionSubject } from "./rules";

const queueSelect = {
  id: true,
  kind: true,
  number: true,
  status: true,
  version: true,
  planHash: true,
  environments: true,
  visibility: true,
  restriction: true,
  region: true,
  scopeSlug: true,
  submittedAt: true,
  estimatedMonthlyUsd: true,
  requesterId: true,
  requester: { select: { name: true } },
  team: { select: { name: true } },
  project: { select: { name: true } },
  members: { select: { userId: true, role: true, user: { select: { name: true } } }, orderBy: { userId: "asc" } },
  approvals: {
    where: { decision: "APPROVED", voidedAt: null, stage: "ADMIN" },
    select: { approverId: true, approver: { select: { name: true } } },
  },
} satisfies Prisma.WorkspaceRequestSelect;

type QueueRow = Prisma.WorkspaceRequestGetPayload<{ select: typeof queueSelect }>;

function subjectOf(
  r: Pick<QueueRow, "id" | "status" | "environments" | "requesterId" | "members" | "approvals">,
  needs: Map<string, boolean>,
): DecisionSubject {
  return {
    stakeholderNeeded: needs.get(r.id),
    status: r.status,
    environments: r.environments,
    requesterId: r.requesterId,
    memberIds: r.members.map((m) => m.userId),
    adminApproverId: r.approvals[0]?.approverId ?? null,
  };
}

export type QueueItem = ReturnType<typeof toQueueItem>;

function toQueueItem(actor: SessionUser, r: QueueRow, needs: Map<string, boolean>) {
  const subject = subjectOf(r, needs);
  const stage = pendingStage(subject) as ApprovalStageName;
  const refusal = decisionRefusal(actor, subject, stage);
  return {
    id: r.id,
    number: r.number,
    stage,
    version: r.version,
    planHash: r.planHash,
    requesterName: r.requester.name,
    scope: r.project?.name ?? r.team?.name ?? r.scopeSlug ?? "—",
    environments: r.environments,
    visibility: r.visibility,
    restriction: r.restriction,
    region: r.region,
    members: r.members.map((m) => ({ name: m.user.name, role: m.role })),
    estimatedMonthlyUsd: r.estimatedMonthlyUsd === null ? null : Number(r.estimatedMonthlyUsd.toString()),
    submittedAt: r.submittedAt,
    adminApproverName: r.approvals[0]?.approver.name ?? null,
    canDecide: refusal === null,
    whyNot: refusal?.message ?? null,
  };
}

/**
 * The approval queue, oldest first: submitted requests for admins, admin-approved production requests for
 * stakeholders. Requests the person may not decide (their own, or naming them) are listed with the reason.
 */
export async function listApprovalQueue(actor: SessionUser): Promise<QueueItem[]> {
  const stages: Prisma.WorkspaceRequestWhereInput[] = [];
  if (can(actor, "request.approve")) stages.push({ status: "SUBMITTED" });
  if (can(actor, "request.approve_production"))
    stages.push({ status: "APPROVED", OR: [{ environments: { has: "PROD" } }, { kind: { not: "NEW" } }] });
  if (stages.length === 0) throw new AppError("FORBIDDEN", "Only admins and stakeholders decide requests.");
  const rows = await db.workspaceRequest.findMany({
    where: { OR: stages },
    orderBy: [{ submittedAt: "asc" }, { number: "asc" }],
    select: queueSelect,
    take: 200,
  });
  const needs = await changeStakeholderNeeds(rows);
  // Changes are listed by their approval need, not their environments: only those waiting for a decision.
  return rows.filter((r) => pendingStage(subjectOf(r, needs)) !== null).map((r) => toQueueItem(actor, r, needs));
}

export type ApprovalPanelData = Awaited<ReturnType<typeof getApprovalPanel>>;

/**
 * The approval story of one request (decisions, voided approvals, provisioning queue state) and the decision
 * the viewer may take now, if any; null when the request is not the viewer's to see.
 */
export async function getApprovalPanel(actor: SessionUser, requestId: string) {
  if (!isUuid(requestId)) return null;
  const r = await db.workspaceRequest.findFirst({
    where: { id: requestId, ...requestVisibleWhere(actor) },
    select: {
      ...queueSelect,
      rejectionReason: true,
      approvals: {
        orderBy: { createdAt: "asc" },
        select: {
          id: true,
          stage: true,
          decision: true,
          approverId: true,
          approver: { select: { name: true } },
          planHash: true,
          comment: true,
          createdAt: true,
          voidedAt: true,
        },
      },
      runs: { orderBy: { attempt: "desc" }, take: 1, select: { attempt: true, status: true, createdAt: true } },
    },
  });
  if (!r) return null;
  const liveAdmin = r.approvals.find((a) => a.stage === "ADMIN" && a.decision === "APPROVED" && !a.voidedAt);
  const needs = await changeStakeholderNeeds([r]);
  const subject: DecisionSubject = {
    stakeholderNeeded: needs.get(r.id),
    status: r.status,
    environments: r.environments,
    requesterId: r.requesterId,
    memberIds: r.members.map((m) => m.userId),
    adminApproverId: liveAdmin?.approverId ?? null,
  };
  const stage = pendingStage(subject);
  const decidable = decidableStage(actor, subject);
  const latestRun = r.runs[0] ?? null;
  return {
    id: r.id,
    number: r.number,
    status: r.status,
    version: r.version,
    planHash: r.planHash,
    needsStakeholder: needs.get(r.id) ?? r.environments.includes("PROD"),
    pendingStage: stage,
    decidableStage: decidable,
    whyNot:
      stage && !decidable && (can(actor, "request.approve") || can(actor, "request.approve_production"))
        ? (decisionRefusal(actor, subject, stage)?.message ?? null)
        : null,
    rejectionReason: r.rejectionReason,
    queuedForProvisioning:
      latestRun?.status === "QUEUED" && (r.status === "APPROVED" || r.status === "STAKEHOLDER_APPROVED"),
    latestRun,
    decisions: r.approvals.map((a) => ({
      id: a.id,
      stage: a.stage,
      decision: a.decision,
      approverName: a.approver.name,
      planHash: a.planHash,
      comment: a.comment,
      createdAt: a.createdAt,
      voidedAt: a.voidedAt,
    })),
  };
}
