import "server-only";
import { db } from "@/lib/db/client";
import { type HistoryFilters } from "@/lib/history/filters";
import { historyWhere } from "@/lib/history/queries";
import { type HistoryActor } from "@/lib/history/scope";

/**
 * Lead times per change kind: a new workspace set is one kind ("new"); a change request counts once for every kind
 * of change it makes (`change_kinds`, e.g. a change that adds a member and a cluster is in both rows); a
 * decommission is "decommission". Same filters and visibility as the history (historyWhere), percentiles in hours
 * from the request's own timestamps. "Applied" is provisioned_at: for a change, when the engine finished it.
 */
export type ChangeKindLeadTime = {
  kind: string;
  submitted: number;
  applied: number;
  failed: number;
  approveP50: number | null;
  approveP95: number | null;
  applyP50: number | null;
  applyP95: number | null;
  endToEndP50: number | null;
  endToEndP95: number | null;
};

export async function leadTimesByChangeKind(
  actor: HistoryActor,
  filters: HistoryFilters,
): Promise<ChangeKindLeadTime[]> {
  return db.$queryRaw<ChangeKindLeadTime[]>`
    SELECT k.kind,
      count(*)::int AS submitted,
      count(*) FILTER (WHERE r.provisioned_at IS NOT NULL)::int AS applied,
      count(*) FILTER (WHERE r.status = 'FAILED')::int AS failed,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.approved_at - r.submitted_at)) / 3600 AS "approveP50",
      percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM r.approved_at - r.submitted_at)) / 3600 AS "approveP95",
      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.provisioned_at - r.approved_at)) / 3600 AS "applyP50",
      percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM r.provisioned_at - r.approved_at)) / 3600 AS "applyP95",
      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.provisioned_at - r.submitted_at)) / 3600 AS "endToEndP50",
      percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM r.provisioned_at - r.submitted_at)) / 3600 AS "endToEndP95"
    FROM workspace_requests r
    CROSS JOIN LATERAL unnest(
      CASE
        WHEN r.kind = 'NEW' THEN ARRAY['new']
        WHEN r.kind = 'DECOMMISSION' THEN ARRAY['decommission']
        WHEN cardinality(r.change_kinds) = 0 THEN ARRAY['changeSettings']
        ELSE r.change_kinds
      END
    ) AS k(kind)
    WHERE ${historyWhere(actor, filters)}
    GROUP BY k.kind
    ORDER BY (k.kind = 'new') DESC, count(*) DESC, k.kind`;
}
