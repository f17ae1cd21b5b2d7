import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { db } from "@/lib/db/client";
import { type HistoryActor } from "@/lib/history/scope";
import { isUuid } from "@/lib/access/params";
import { requestVisibleSql } from "@/lib/access/visibility";

export type TimelineKind = "audit" | "approval" | "run" | "step" | "notification";
export type TimelineTone = "neutral" | "info" | "success" | "warning" | "danger";

export type TimelineEntry = {
  key: string;
  at: Date;
  kind: TimelineKind;
  title: string;
  actor: string | null;
  tone: TimelineTone;
  /** Short facts shown under the title (who, comment, plan hash, error…). */
  facts: { label: string; value: string }[];
  /** Structured detail (before/after, verification) shown collapsed. */
  detail?: string;
  children?: {
    key: string;
    title: string;
    status: string;
    at: Date | null;
    facts: { label: string; value: string }[];
  }[];
};

type AuditRow = {
  id: bigint;
  occurredAt: Date;
  actorId: string | null;
  actorLabel: string;
  actorName: string | null;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
};
type ApprovalRow = {
  id: string;
  stage: string;
  decision: string;
  approverId: string;
  approverName: string;
  planHash: string;
  comment: string | null;
  createdAt: Date;
  voidedAt: Date | null;
};
type RunRow = {
  id: string;
  attempt: number;
  status: string;
  triggeredByName: string | null;
  failedStepKey: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  verification: unknown;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
};
type StepRow = {
  stepKey: string;
  kind: string;
  name: string;
  status: string;
  attempts: number;
  runId: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  errorCode: string | null;
  errorMessage: string | null;
};
type NotificationRow = { kind: string; title: string; firstAt: Date; recipients: number };

export const TIMELINE_AUDIT_LIMIT = 1000;

/** The audit part of a request's timeline (exported so the query-plan test explains exactly this). */
export function timelineAuditSql(requestId: string): Prisma.Sql {
  return Prisma.sql`
    SELECT a.id, a.occurred_at AS "occurredAt", a.actor_id AS "actorId", a.actor_label AS "actorLabel", u.name AS "actorName",
      a.action, a.entity_type AS "entityType", a.entity_id AS "entityId", a.before, a.after
    FROM audit_events a LEFT JOIN users u ON u.id = a.actor_id
    WHERE a.request_id = ${requestId}::uuid
    ORDER BY a.id
    LIMIT ${TIMELINE_AUDIT_LIMIT}`;
}

export function humanizeAction(action: string): string {
  const text = action.replace(/[._]/g, " ").trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function actorText(row: { actorLabel: string; actorName: string | null }): string {
  if (row.actorName) return row.actorName;
  if (row.actorLabel.startsWith("system:")) return `Atrium (${row.actorLabel.slice("system:".length)})`;
  return row.actorLabel;
}

function toneOf(action: string): TimelineTone {
  if (/fail|reject|denied|error/.test(action)) return "danger";
  if (/cancel|void|retr/.test(action)) return "warning";
  if (/provisioned|succeeded|approved|verified/.test(action)) return "success";
  return "info";
}

function compactJson(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const text = JSON.stringify(value, null, 2);
  return text.length > 4000 ? `${text.slice(0, 4000)}\n…` : text;
}

const STATUS_TONE: Record<string, TimelineTone> = {
  SUCCEEDED: "success",
  FAILED: "danger",
  CANCELLED: "warning",
  RUNNING: "info",
  QUEUED: "neutral",
};

/**
 * A request's timeline: its audit events, approvals (who, when, comment, plan hash), provisioning runs with
 * their steps and verification, retries and notifications, as one story ordered by time. Works whatever the
 * exact audit action names are: audit events that merely restate an approval row or a run are folded into it.
 * Null when the request does not exist or the caller may not see it.
 */
export async function getRequestTimeline(actor: HistoryActor, requestId: string): Promise<TimelineEntry[] | null> {
  if (!isUuid(requestId)) return null;
  const visible = await db.$queryRaw<{ id: string }[]>`
    SELECT r.id::text AS id FROM workspace_requests r WHERE r.id = ${requestId}::uuid AND ${requestVisibleSql(actor)}`;
  if (visible.length === 0) return null;
  return buildTimeline(requestId);
}

/** The timeline without an authorisation check: callers must have checked the request is visible. */
export async function buildTimeline(requestId: string): Promise<TimelineEntry[]> {
  const [audit, approvals, runs, steps, notifications] = await Promise.all([
    db.$queryRaw<AuditRow[]>(timelineAuditSql(requestId)),
    db.$queryRaw<ApprovalRow[]>`
      SELECT a.id::text, a.stage::text, a.decision::text, a.approver_id AS "approverId", u.name AS "approverName", a.plan_hash AS "planHash",
        a.comment, a.created_at AS "createdAt", a.voided_at AS "voidedAt"
      FROM approvals a JOIN users u ON u.id = a.approver_id WHERE a.request_id = ${requestId}::uuid ORDER BY a.created_at`,
    db.$queryRaw<RunRow[]>`
      SELECT r.id::text, r.attempt, r.status::text, u.name AS "triggeredByName", r.failed_step_key AS "failedStepKey", r.error_code AS "errorCode",
        r.error_message AS "errorMessage", r.verification, r.created_at AS "createdAt", r.started_at AS "startedAt", r.finished_at AS "finishedAt"
      FROM provisioning_runs r LEFT JOIN users u ON u.id = r.triggered_by_id WHERE r.request_id = ${requestId}::uuid ORDER BY r.attempt`,
    db.$queryRaw<StepRow[]>`
      SELECT s.step_key AS "stepKey", s.kind, s.name, s.status::text, s.attempts, s.run_id::text AS "runId", s.started_at AS "startedAt",
        s.finished_at AS "finishedAt", s.error_code AS "errorCode", s.error_message AS "errorMessage"
      FROM provisioning_steps s WHERE s.request_id = ${requestId}::uuid ORDER BY s.started_at NULLS LAST, s.step_key`,
    db.$queryRaw<NotificationRow[]>`
      SELECT n.kind, n.title, min(n.created_at) AS "firstAt", count(*)::int AS recipients
      FROM notifications n WHERE n.request_id = ${requestId}::uuid GROUP BY n.kind, n.title ORDER BY 3`,
  ]);

  const entries: TimelineEntry[] = [];
  const folded = new Set<bigint>();
  const stepKeys = new Set(steps.map((s) => s.stepKey));

  for (const a of approvals) {
    const match = audit.find(
      (e) =>
        !folded.has(e.id) &&
        e.actorId === a.approverId &&
        /approv|reject/.test(e.action) &&
        Math.abs(e.occurredAt.getTime() - a.createdAt.getTime()) < 60_000,
    );
    if (match) folded.add(match.id);
    const approved = a.decision === "APPROVED";
    entries.push({
      key: `approval-${a.id}`,
      at: a.createdAt,
      kind: "approval",
      title: `${approved ? "Approved" : "Rejected"} — ${a.stage === "ADMIN" ? "admin" : "stakeholder (production)"} stage`,
      actor: a.approverName,
      tone: a.voidedAt ? "warning" : approved ? "success" : "danger",
      facts: [
        ...(a.comment ? [{ label: approved ? "Comment" : "Reason", value: a.comment }] : []),
        { label: "Plan hash", value: a.planHash },
        ...(a.voidedAt ? [{ label: "Voided", value: `${a.voidedAt.toISOString()} (the plan changed)` }] : []),
        ...(match ? [{ label: "Audit event", value: `#${match.id} ${match.action}` }] : []),
      ],
    });
  }

  for (const run of runs) {
    for (const e of audit) if (e.entityId === run.id) folded.add(e.id);
    const runSteps = steps.filter((s) => s.runId === run.id || (!s.runId && run === runs[runs.length - 1]));
    entries.push({
      key: `run-${run.id}`,
      at: run.startedAt ?? run.createdAt,
      kind: "run",
      title: `Provisioning attempt ${run.attempt}${run.attempt > 1 ? " (retry)" : ""} — ${run.status.toLowerCase()}`,
      actor: run.triggeredByName,
      tone: STATUS_TONE[run.status] ?? "info",
      facts: [
        { label: "Queued", value: run.createdAt.toISOString() },
        ...(run.finishedAt ? [{ label: "Finished", value: run.finishedAt.toISOString() }] : []),
        ...(run.failedStepKey ? [{ label: "Failed step", value: run.failedStepKey }] : []),
        ...(run.errorCode
          ? [{ label: "Azure error", value: `${run.errorCode}${run.errorMessage ? `: ${run.errorMessage}` : ""}` }]
          : []),
        ...(run.verification ? [{ label: "Verification", value: "recorded (see details)" }] : []),
      ],
      detail: compactJson(run.verification),
      children: runSteps.map((s) => ({
        key: s.stepKey,
        title: `${s.kind} ${s.name}`,
        status: s.status,
        at: s.finishedAt ?? s.startedAt,
        facts: [
          { label: "Attempts", value: String(s.attempts) },
          ...(s.startedAt && s.finishedAt
            ? [{ label: "Duration", value: `${Math.round((s.finishedAt.getTime() - s.startedAt.getTime()) / 1000)} s` }]
            : []),
          ...(s.errorCode
            ? [{ label: "Error", value: `${s.errorCode}${s.errorMessage ? `: ${s.errorMessage}` : ""}` }]
            : []),
        ],
      })),
    });
  }

  for (const e of audit) {
    if (folded.has(e.id)) continue;
    // A step's success is already shown under its run; a failure stays in the story (earlier attempts).
    if (stepKeys.has(e.entityId) && !/fail/.test(e.action)) continue;
    entries.push({
      key: `audit-${e.id}`,
      at: e.occurredAt,
      kind: "audit",
      title: humanizeAction(e.action),
      actor: actorText(e),
      tone: toneOf(e.action),
      facts: [{ label: "Event", value: `#${e.id} ${e.action} on ${e.entityType} ${e.entityId}` }],
      detail: e.before || e.after ? compactJson({ before: e.before ?? null, after: e.after ?? null }) : undefined,
    });
  }

  for (const n of notifications) {
    entries.push({
      key: `notification-${n.kind}-${n.firstAt.getTime()}-${n.title}`,
      at: n.firstAt,
      kind: "notification",
      title: `Notified: ${n.title}`,
      actor: null,
      tone: "neutral",
      facts: [{ label: "Recipients", value: String(n.recipients) }],
    });
  }

  const order: Record<TimelineKind, number> = { audit: 0, approval: 1, run: 2, step: 3, notification: 4 };
  return entries.sort((x, y) => x.at.getTime() - y.at.getTime() || order[x.kind] - order[y.kind]);
}
