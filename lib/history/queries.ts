import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { db } from "@/lib/db/client";
import {
  dateRange,
  decodeCursor,
  encodeCursor,
  HISTORY_PAGE_SIZE,
  REQUEST_KIND_OF,
  type HistoryCursor,
  type HistoryFilters,
} from "@/lib/history/filters";
import { readsAllHistory, type HistoryActor } from "@/lib/history/scope";
import { isUuid } from "@/lib/access/params";
import { requestVisibleSql } from "@/lib/access/visibility";

export type HistoryRow = {
  id: string;
  number: number;
  status: string;
  /** NEW, CHANGE or DECOMMISSION. */
  kind: string;
  pattern: string | null;
  scopeSlug: string | null;
  environments: string[];
  region: string | null;
  teamSlug: string | null;
  teamName: string | null;
  projectSlug: string | null;
  projectName: string | null;
  requesterId: string;
  requesterName: string;
  submittedAt: Date;
  approvedAt: Date | null;
  provisionedAt: Date | null;
  closedAt: Date | null;
  estimatedMonthlyUsd: number | null;
};

export type HistoryPage = {
  rows: HistoryRow[];
  /** Cursors for the neighbouring pages, or null at either end. */
  next: string | null;
  previous: string | null;
};

const SELECT_COLUMNS = Prisma.sql`
  r.id::text AS "id", r.number AS "number", r.status::text AS "status", r.kind::text AS "kind", r.pattern::text AS "pattern",
  r.scope_slug AS "scopeSlug", r.environments::text[] AS "environments", r.region AS "region",
  t.slug AS "teamSlug", t.name AS "teamName", p.slug AS "projectSlug", p.name AS "projectName",
  r.requester_id AS "requesterId", u.name AS "requesterName",
  r.submitted_at AS "submittedAt", r.approved_at AS "approvedAt", r.provisioned_at AS "provisionedAt",
  r.closed_at AS "closedAt", r.estimated_monthly_usd::float8 AS "estimatedMonthlyUsd"`;

const FROM_JOINS = Prisma.sql`
  FROM workspace_requests r
  LEFT JOIN teams t ON t.id = r.team_id
  LEFT JOIN projects p ON p.id = r.project_id
  JOIN users u ON u.id = r.requester_id`;

/**
 * The WHERE of the history list and its exports: only requests that were ever submitted (the history is of
 * submitted requests; drafts are the requester's private work anyway), the one visibility rule
 * (lib/access/visibility.ts), then the filters. Each filter is written so that
 * one of the partial `history_requests_*` indexes can serve it in submission order.
 */
export function historyWhere(actor: HistoryActor, filters: HistoryFilters): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`r.submitted_at IS NOT NULL`, requestVisibleSql(actor)];
  if (filters.team) parts.push(Prisma.sql`r.team_id = (SELECT id FROM teams WHERE slug = ${filters.team})`);
  if (filters.project) parts.push(Prisma.sql`r.project_id = (SELECT id FROM projects WHERE slug = ${filters.project})`);
  if (filters.env) parts.push(Prisma.sql`r.environments @> ARRAY[${filters.env}]::"Environment"[]`);
  if (filters.kind) parts.push(Prisma.sql`r.kind = ${REQUEST_KIND_OF[filters.kind]}::"RequestKind"`);
  if (filters.status) parts.push(Prisma.sql`r.status = ${filters.status}::"RequestStatus"`);
  if (filters.requester) parts.push(Prisma.sql`r.requester_id = ${filters.requester}`);
  const { from, toExclusive } = dateRange(filters);
  if (from) parts.push(Prisma.sql`r.submitted_at >= ${from}::timestamptz`);
  if (toExclusive) parts.push(Prisma.sql`r.submitted_at < ${toExclusive}::timestamptz`);
  return Prisma.join(parts, " AND ");
}

type Keyset = { cursor: HistoryCursor | null; forward: boolean };

function keysetParts(filters: HistoryFilters, keyset: Keyset) {
  // `forward` walks in the displayed order; backward (for "Previous") walks the other way and is reversed.
  const descending = (filters.dir === "desc") === keyset.forward;
  const op = descending ? Prisma.sql`<` : Prisma.sql`>`;
  const order = descending ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  if (filters.sort === "number") {
    const where = keyset.cursor ? Prisma.sql`r.number ${op} ${Number(keyset.cursor.v)}::int` : null;
    return { where, orderBy: Prisma.sql`r.number ${order}` };
  }
  const where = keyset.cursor
    ? Prisma.sql`(r.submitted_at, r.id) ${op} (${new Date(keyset.cursor.v)}::timestamptz, ${keyset.cursor.id}::uuid)`
    : null;
  return { where, orderBy: Prisma.sql`r.submitted_at ${order}, r.id ${order}` };
}

/** The SQL of one history page (exported so the query-plan test explains exactly what the page runs). */
export function historyPageSql(actor: HistoryActor, filters: HistoryFilters, limit = HISTORY_PAGE_SIZE): Prisma.Sql {
  const keyset = pageKeyset(filters);
  const { where, orderBy } = keysetParts(filters, keyset);
  const conditions = where ? Prisma.sql`${historyWhere(actor, filters)} AND ${where}` : historyWhere(actor, filters);
  return Prisma.sql`SELECT ${SELECT_COLUMNS} ${FROM_JOINS} WHERE ${conditions} ORDER BY ${orderBy} LIMIT ${limit + 1}`;
}

function pageKeyset(filters: HistoryFilters): Keyset {
  const before = decodeCursor(filters.before, filters.sort);
  if (before) return { cursor: before, forward: false };
  return { cursor: decodeCursor(filters.after, filters.sort), forward: true };
}

function cursorOf(row: HistoryRow, filters: HistoryFilters): string {
  return encodeCursor(
    filters.sort === "number"
      ? { v: String(row.number), id: row.id }
      : { v: row.submittedAt.toISOString(), id: row.id },
  );
}

/** One page of the history, newest submission first unless sorted otherwise; keyset-paginated. */
export async function listHistory(
  actor: HistoryActor,
  filters: HistoryFilters,
  limit = HISTORY_PAGE_SIZE,
): Promise<HistoryPage> {
  const keyset = pageKeyset(filters);
  const fetched = await db.$queryRaw<HistoryRow[]>(historyPageSql(actor, filters, limit));
  const more = fetched.length > limit;
  const rows = fetched.slice(0, limit);
  if (!keyset.forward) rows.reverse();
  if (rows.length === 0) return { rows, next: null, previous: null };
  const hasNext = keyset.forward ? more : true;
  const hasPrevious = keyset.forward ? keyset.cursor !== null : more;
  return {
    rows,
    next: hasNext ? cursorOf(rows[rows.length - 1], filters) : null,
    previous: hasPrevious ? cursorOf(rows[0], filters) : null,
  };
}

/** One request's history summary, or null when it does not exist or is not the caller's to see. */
export async function getHistoryRequest(
  actor: HistoryActor,
  requestId: string,
): Promise<
  | (HistoryRow & {
      planHash: string | null;
      costCenter: string | null;
      rejectionReason: string | null;
      visibility: string | null;
      restriction: string | null;
    })
  | null
> {
  if (!isUuid(requestId)) return null;
  const rows = await db.$queryRaw<
    (HistoryRow & {
      planHash: string | null;
      costCenter: string | null;
      rejectionReason: string | null;
      visibility: string | null;
      restriction: string | null;
    })[]
  >`
    SELECT ${SELECT_COLUMNS}, r.plan_hash AS "planHash", r.cost_center AS "costCenter", r.rejection_reason AS "rejectionReason",
      r.visibility::text AS "visibility", r.restriction::text AS "restriction"
    ${FROM_JOINS}
    WHERE r.id = ${requestId}::uuid AND r.submitted_at IS NOT NULL AND ${requestVisibleSql(actor)}`;
  return rows[0] ?? null;
}

export type FilterOptions = {
  teams: { slug: string; name: string }[];
  projects: { slug: string; name: string; teamSlug: string }[];
  requesters: { id: string; name: string }[];
};

// Teams, projects and people change rarely; the filter selects are served from a short-lived per-process
// memo (one query per scope and minute) instead of three queries on every page view.
const OPTIONS_TTL_MS = 60_000;
const optionsMemo = new Map<string, { at: number; value: Promise<FilterOptions> }>();

/** What the filter selects offer: only teams, projects and people the caller may see. */
export async function listHistoryFilterOptions(actor: HistoryActor): Promise<FilterOptions> {
  const all = readsAllHistory(actor);
  const key = all ? "*" : [...actor.teamIds].sort().join(",");
  const hit = optionsMemo.get(key);
  if (hit && Date.now() - hit.at < OPTIONS_TTL_MS) return hit.value;
  const value = loadFilterOptions(all, actor.teamIds);
  optionsMemo.set(key, { at: Date.now(), value });
  value.catch(() => optionsMemo.delete(key));
  return value;
}

async function loadFilterOptions(all: boolean, teamIds: string[]): Promise<FilterOptions> {
  const teamFilter = all ? Prisma.sql`TRUE` : Prisma.sql`t.id = ANY(${teamIds}::uuid[])`;
  const [row] = await db.$queryRaw<
    [
      {
        teams: FilterOptions["teams"] | null;
        projects: FilterOptions["projects"] | null;
        requesters: FilterOptions["requesters"] | null;
      },
    ]
  >`
    SELECT
      (SELECT json_agg(json_build_object('slug', t.slug, 'name', t.name) ORDER BY t.name) FROM teams t WHERE ${teamFilter}) AS teams,
      (SELECT json_agg(json_build_object('slug', p.slug, 'name', p.name, 'teamSlug', t.slug) ORDER BY p.name)
         FROM projects p JOIN teams t ON t.id = p.team_id WHERE ${teamFilter}) AS projects,
      (SELECT json_agg(json_build_object('id', u.id, 'name', u.name) ORDER BY u.name) FROM users u WHERE ${
        all
          ? Prisma.sql`'REQUESTER' = ANY(u.roles::text[])`
          : Prisma.sql`EXISTS (SELECT 1 FROM team_memberships m WHERE m.user_id = u.id AND m.team_id = ANY(${teamIds}::uuid[]))`
      }) AS requesters`;
  return { teams: row.teams ?? [], projects: row.projects ?? [], requesters: row.requesters ?? [] };
}
