import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { db } from "@/lib/db/client";
import { type HistoryFilters } from "@/lib/history/filters";
import { historyWhere } from "@/lib/history/queries";
import { teamScope, type HistoryActor } from "@/lib/history/scope";

// Lead times come from the request's own timestamps (submitted_at, approved_at, provisioned_at), so they do
// not depend on audit action names. Percentiles are continuous (percentile_cont), in hours.

export type LeadTimeRow = {
  key: string;
  label: string;
  submitted: number;
  approved: number;
  rejected: number;
  cancelled: number;
  provisioned: number;
  failed: number;
  approveP50: number | null;
  approveP95: number | null;
  provisionP50: number | null;
  provisionP95: number | null;
  endToEndP50: number | null;
  endToEndP95: number | null;
};

export type RunRateRow = { key: string; runs: number; failedRuns: number; retries: number };

/** Without a date filter, metrics cover the last twelve whole months and the current one. */
export function metricsFilters(filters: HistoryFilters, now = new Date()): HistoryFilters {
  if (filters.from || filters.to) return { ...filters, after: undefined, before: undefined };
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 12, 1)).toISOString().slice(0, 10);
  return { ...filters, from, after: undefined, before: undefined };
}

const AGGREGATES = Prisma.sql`
  count(*)::int AS submitted,
  count(*) FILTER (WHERE r.approved_at IS NOT NULL)::int AS approved,
  count(*) FILTER (WHERE r.status = 'REJECTED')::int AS rejected,
  count(*) FILTER (WHERE r.status = 'CANCELLED')::int AS cancelled,
  count(*) FILTER (WHERE r.provisioned_at IS NOT NULL)::int AS provisioned,
  count(*) FILTER (WHERE r.status = 'FAILED')::int AS failed,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.approved_at - r.submitted_at)) / 3600 AS "approveP50",
  percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM r.approved_at - r.submitted_at)) / 3600 AS "approveP95",
  percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.provisioned_at - r.approved_at)) / 3600 AS "provisionP50",
  percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM r.provisioned_at - r.approved_at)) / 3600 AS "provisionP95",
  percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.provisioned_at - r.submitted_at)) / 3600 AS "endToEndP50",
  percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM r.provisioned_at - r.submitted_at)) / 3600 AS "endToEndP95"`;

export async function leadTimesByMonth(actor: HistoryActor, filters: HistoryFilters): Promise<LeadTimeRow[]> {
  return db.$queryRaw<LeadTimeRow[]>`
    SELECT to_char(date_trunc('month', r.submitted_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS key,
      to_char(date_trunc('month', r.submitted_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS label, ${AGGREGATES}
    FROM workspace_requests r
    WHERE ${historyWhere(actor, filters)}
    GROUP BY 1 ORDER BY 1`;
}

export async function leadTimesByTeam(actor: HistoryActor, filters: HistoryFilters): Promise<LeadTimeRow[]> {
  return db.$queryRaw<LeadTimeRow[]>`
    SELECT coalesce(t.slug, '-') AS key, coalesce(t.name, 'No team') AS label, ${AGGREGATES}
    FROM workspace_requests r LEFT JOIN teams t ON t.id = r.team_id
    WHERE ${historyWhere(actor, filters)}
    GROUP BY t.slug, t.name ORDER BY 2`;
}

/** Provisioning attempts per month: how many failed, and how many were retries. */
export async function runRatesByMonth(actor: HistoryActor, filters: HistoryFilters): Promise<RunRateRow[]> {
  return db.$queryRaw<RunRateRow[]>`
    SELECT to_char(date_trunc('month', pr.created_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS key,
      count(*)::int AS runs,
      count(*) FILTER (WHERE pr.status = 'FAILED')::int AS "failedRuns",
      count(*) FILTER (WHERE pr.attempt > 1)::int AS retries
    FROM provisioning_runs pr JOIN workspace_requests r ON r.id = pr.request_id
    WHERE ${historyWhere(actor, filters)}
    GROUP BY 1 ORDER BY 1`;
}

// ---------------------------------------------------------------------------------------------------------
// Cost

export type CostRow = {
  teamSlug: string;
  teamName: string;
  projectSlug: string | null;
  projectName: string | null;
  environment: string;
  workspaces: number;
  monthlyUsd: number;
  unestimated: number;
};

/** Estimated monthly cost of the active (provisioned, not decommissioned) workspaces, from the plan estimates. */
export async function costBreakdown(
  actor: HistoryActor,
  filters: Pick<HistoryFilters, "team" | "project" | "env">,
): Promise<CostRow[]> {
  const parts: Prisma.Sql[] = [Prisma.sql`w.status = 'ACTIVE'`, teamScope(actor, Prisma.sql`w.team_id`)];
  if (filters.team) parts.push(Prisma.sql`t.slug = ${filters.team}`);
  if (filters.project) parts.push(Prisma.sql`p.slug = ${filters.project}`);
  if (filters.env) parts.push(Prisma.sql`w.environment = ${filters.env}::"Environment"`);
  return db.$queryRaw<CostRow[]>`
    SELECT t.slug AS "teamSlug", t.name AS "teamName", p.slug AS "projectSlug", p.name AS "projectName", w.environment::text AS environment,
      count(*)::int AS workspaces, coalesce(sum(w.monthly_usd), 0)::float8 AS "monthlyUsd",
      count(*) FILTER (WHERE w.monthly_usd IS NULL)::int AS unestimated
    FROM workspaces w JOIN teams t ON t.id = w.team_id LEFT JOIN projects p ON p.id = w.project_id
    WHERE ${Prisma.join(parts, " AND ")}
    GROUP BY t.slug, t.name, p.slug, p.name, w.environment
    ORDER BY t.name, p.name NULLS FIRST, w.environment`;
}
