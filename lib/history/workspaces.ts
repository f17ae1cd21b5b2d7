import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { db } from "@/lib/db/client";
import { type HistoryActor } from "@/lib/history/scope";
import { isUuid } from "@/lib/access/params";
import { requestVisibleSql } from "@/lib/access/visibility";
import { buildTimeline, humanizeAction, type TimelineEntry } from "@/lib/history/timeline";

export type WorkspaceSummary = {
  id: string;
  name: string;
  environment: string;
  region: string;
  status: string;
  armId: string;
  monthlyUsd: number | null;
  createdAt: Date;
};

/** Workspaces created by a request (the caller has already checked the request is visible). */
export async function listRequestWorkspaces(requestId: string): Promise<WorkspaceSummary[]> {
  return db.$queryRaw<WorkspaceSummary[]>`
    SELECT w.id::text, w.name, w.environment::text, w.region, w.status::text, w.arm_id AS "armId",
      w.monthly_usd::float8 AS "monthlyUsd", w.created_at AS "createdAt"
    FROM workspaces w WHERE w.request_id = ${requestId}::uuid ORDER BY w.environment`;
}

export type WorkspaceResource = {
  stepKey: string;
  kind: string;
  name: string;
  resourceId: string;
  status: string | null;
  attempts: number | null;
};

export type WorkspaceView = WorkspaceSummary & {
  scopeSlug: string;
  teamName: string;
  projectName: string | null;
  requestId: string;
  requestNumber: number;
  requesterName: string;
  resources: WorkspaceResource[];
  lastVerification: { at: Date | null; attempt: number; status: string; value: unknown } | null;
  timeline: TimelineEntry[];
};

type PlanLike = {
  steps?: { id?: string; environment?: string | null; kind?: string; name?: string; resourceId?: string }[];
};

/**
 * One workspace as the inventory knows it: the entry, its resources (the approved plan's steps for its
 * environment, with each step's provisioning status) and its last verification, plus its timeline.
 * Null when it does not exist or is not the caller's to see.
 */
export async function getWorkspaceView(actor: HistoryActor, workspaceId: string): Promise<WorkspaceView | null> {
  if (!isUuid(workspaceId)) return null;
  const rows = await db.$queryRaw<
    (WorkspaceSummary & {
      scopeSlug: string;
      teamName: string;
      projectName: string | null;
      requestId: string;
      requestNumber: number;
      requesterName: string;
      plan: unknown;
    })[]
  >`
    SELECT w.id::text, w.name, w.environment::text, w.region, w.status::text, w.arm_id AS "armId", w.monthly_usd::float8 AS "monthlyUsd",
      w.created_at AS "createdAt", w.scope_slug AS "scopeSlug", t.name AS "teamName", p.name AS "projectName",
      r.id::text AS "requestId", r.number AS "requestNumber", u.name AS "requesterName", r.plan
    FROM workspaces w
    JOIN teams t ON t.id = w.team_id
    LEFT JOIN projects p ON p.id = w.project_id
    JOIN workspace_requests r ON r.id = w.request_id
    JOIN users u ON u.id = r.requester_id
    WHERE w.id = ${workspaceId}::uuid AND ${requestVisibleSql(actor)}`;
  const row = rows[0];
  if (!row) return null;

  const [steps, runs, ownEvents, timeline] = await Promise.all([
    db.provisioningStep.findMany({
      where: { requestId: row.requestId, environment: row.environment as "DEV" | "TEST" | "PROD" },
      select: { stepKey: true, kind: true, name: true, resourceId: true, status: true, attempts: true },
      orderBy: { stepKey: "asc" },
    }),
    db.provisioningRun.findMany({
      where: { requestId: row.requestId, verification: { not: Prisma.AnyNull } },
      orderBy: { attempt: "desc" },
      take: 1,
      select: { attempt: true, status: true, finishedAt: true, verification: true },
    }),
    db.auditEvent.findMany({
      where: { entityType: "workspace", entityId: { in: [row.id, row.armId] }, requestId: null },
      orderBy: { id: "asc" },
      take: 200,
      select: { id: true, occurredAt: true, action: true, actorLabel: true },
    }),
    buildTimeline(row.requestId),
  ]);

  const planSteps = ((row.plan as PlanLike | null)?.steps ?? []).filter((s) => s.environment === row.environment);
  const byKey = new Map(steps.map((s) => [s.stepKey, s]));
  const resources: WorkspaceResource[] = planSteps.length
    ? planSteps.map((s) => {
        const step = s.id ? byKey.get(s.id) : undefined;
        return {
          stepKey: s.id ?? "",
          kind: s.kind ?? "",
          name: s.name ?? "",
          resourceId: s.resourceId ?? "",
          status: step?.status ?? null,
          attempts: step?.attempts ?? null,
        };
      })
    : steps.map((s) => ({
        stepKey: s.stepKey,
        kind: s.kind,
        name: s.name,
        resourceId: s.resourceId,
        status: s.status,
        attempts: s.attempts,
      }));

  const extra: TimelineEntry[] = ownEvents.map((e) => ({
    key: `audit-${e.id}`,
    at: e.occurredAt,
    kind: "audit",
    title: humanizeAction(e.action),
    actor: e.actorLabel,
    tone: "info",
    facts: [{ label: "Event", value: `#${e.id} ${e.action}` }],
  }));
  const { plan: _plan, ...summary } = row;
  void _plan;
  return {
    ...summary,
    resources,
    lastVerification: runs[0]
      ? { at: runs[0].finishedAt, attempt: runs[0].attempt, status: runs[0].status, value: runs[0].verification }
      : null,
    timeline: [...timeline, ...extra].sort((a, b) => a.at.getTime() - b.at.getTime()),
  };
}
