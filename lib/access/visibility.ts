import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { hasPermission } from "@/lib/auth/permissions";
import type { SessionUser } from "@/lib/auth/session";
import { accessAllows, type Access } from "@/lib/access/entry-points";

/**
 * Who may SEE what: one rule per object, in three equivalent forms — a predicate over a loaded row
 * (`canSeeRequest`), a Prisma `where` (`requestVisibleWhere`) and a raw-SQL condition (`requestVisibleSql`).
 * Pages, route handlers, exports and queries all take their visibility from here, so `/requests/<id>`,
 * `/history/<id>`, a run, a workspace and an export can never disagree. (What a person may DO is the role →
 * permission map in lib/auth/permissions.ts plus the domain's own rules, e.g. separation of duties.)
 *
 * A request:
 *   - never submitted (a draft, or a draft discarded before submission): its requester only — a draft is
 *     private work, whatever the viewer's roles;
 *   - submitted: its requester, the people it names as members, readers of everything (request.read_all,
 *     history.read_all or run.read_all: admins, stakeholders) and readers of their teams' requests
 *     (request.read_team or run.read_team) when it belongs to one of their teams.
 * A provisioning run and a workspace: visible exactly when the request behind them is.
 * An export: history rows are the visible submitted requests; exporting needs `history.export`, the audit
 *   trail also `audit.read` (exported data leaves the portal's access control).
 *
 * Missing and invisible look the same to callers (both are "not found"), so ids cannot be probed.
 */

export type Viewer = Pick<SessionUser, "id" | "roles" | "teamIds">;

/** The facts about a request that decide who sees it. */
export type RequestFacts = {
  requesterId: string;
  teamId: string | null;
  submittedAt: Date | null;
  memberIds: readonly string[];
};

export function readsAllRequests(viewer: Pick<Viewer, "roles">): boolean {
  return (
    hasPermission(viewer.roles, "request.read_all") ||
    hasPermission(viewer.roles, "history.read_all") ||
    hasPermission(viewer.roles, "run.read_all")
  );
}

export function readsTeamRequests(viewer: Pick<Viewer, "roles">): boolean {
  return hasPermission(viewer.roles, "request.read_team") || hasPermission(viewer.roles, "run.read_team");
}

/** The rule itself, over a loaded row. */
export function canSeeRequest(viewer: Viewer, request: RequestFacts): boolean {
  if (request.requesterId === viewer.id) return true;
  if (request.submittedAt === null) return false;
  if (readsAllRequests(viewer)) return true;
  if (request.memberIds.includes(viewer.id)) return true;
  return readsTeamRequests(viewer) && request.teamId !== null && viewer.teamIds.includes(request.teamId);
}

/** The rule as a Prisma filter on WorkspaceRequest. */
export function requestVisibleWhere(viewer: Viewer): Prisma.WorkspaceRequestWhereInput {
  const submitted: Prisma.WorkspaceRequestWhereInput = { submittedAt: { not: null } };
  if (readsAllRequests(viewer)) return { OR: [{ requesterId: viewer.id }, submitted] };
  const others: Prisma.WorkspaceRequestWhereInput[] = [{ members: { some: { userId: viewer.id } } }];
  if (readsTeamRequests(viewer) && viewer.teamIds.length) others.push({ teamId: { in: viewer.teamIds } });
  return { OR: [{ requesterId: viewer.id }, { AND: [submitted, { OR: others }] }] };
}

/** The rule as a SQL condition on a `workspace_requests` alias (default `r`). */
export function requestVisibleSql(viewer: Viewer, alias: Prisma.Sql = Prisma.sql`r`): Prisma.Sql {
  const mine = Prisma.sql`${alias}.requester_id = ${viewer.id}`;
  const submitted = Prisma.sql`${alias}.submitted_at IS NOT NULL`;
  if (readsAllRequests(viewer)) return Prisma.sql`(${mine} OR ${submitted})`;
  const others: Prisma.Sql[] = [
    Prisma.sql`EXISTS (SELECT 1 FROM request_members vm WHERE vm.request_id = ${alias}.id AND vm.user_id = ${viewer.id})`,
  ];
  if (readsTeamRequests(viewer) && viewer.teamIds.length)
    others.push(Prisma.sql`${alias}.team_id = ANY(${viewer.teamIds}::uuid[])`);
  return Prisma.sql`(${mine} OR (${submitted} AND (${Prisma.join(others, " OR ")})))`;
}

/** Provisioning runs: visible with their request. */
export function runVisibleWhere(viewer: Viewer): Prisma.ProvisioningRunWhereInput {
  return { request: requestVisibleWhere(viewer) };
}

/** Workspaces: visible with the request that created them (a SQL condition on a `workspaces` alias). */
export function workspaceVisibleSql(viewer: Viewer, alias: Prisma.Sql = Prisma.sql`w`): Prisma.Sql {
  if (readsAllRequests(viewer)) return Prisma.sql`TRUE`;
  return Prisma.sql`EXISTS (SELECT 1 FROM workspace_requests vr WHERE vr.id = ${alias}.request_id AND ${requestVisibleSql(viewer, Prisma.sql`vr`)})`;
}

/**
 * Exports: who may take data out of the portal. The history export needs `history.export` and carries the
 * exporter's visible submitted requests; the audit trail also needs `audit.read`. The export routes declare
 * exactly these, and pages offer the export links with the same predicates.
 */
export const HISTORY_EXPORT_ACCESS = "history.export" satisfies Access;
export const AUDIT_EXPORT_ACCESS = { allOf: ["audit.read", "history.export"] } as const satisfies Access;

export function mayExportHistory(viewer: Pick<Viewer, "roles">): boolean {
  return accessAllows(viewer, HISTORY_EXPORT_ACCESS);
}

export function mayExportAudit(viewer: Pick<Viewer, "roles">): boolean {
  return accessAllows(viewer, AUDIT_EXPORT_ACCESS);
}
