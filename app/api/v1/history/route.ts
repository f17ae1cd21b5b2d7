import { json, parseQuery } from "@/lib/api/http";
import { operations } from "@/lib/api/operations";
import { apiRoute } from "@/lib/api/route";
import { historyQuerySchema } from "@/lib/api/schemas";
import { parseHistoryFilters } from "@/lib/history/filters";
import { listHistory } from "@/lib/history/queries";
import { formatRequestNumber } from "@/lib/plan/build-plan";

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export const GET = apiRoute(operations.listHistory, async ({ user, request }) => {
  const { cursor, limit, ...filters } = parseQuery(historyQuerySchema, request);
  const page = await listHistory(user, parseHistoryFilters({ ...filters, after: cursor }), limit);
  return json({
    items: page.rows.map((r) => ({
      id: r.id,
      number: formatRequestNumber(r.number),
      status: r.status,
      scope: r.scopeSlug,
      team: r.teamName,
      project: r.projectName,
      environments: r.environments.map((e) => e.toLowerCase()),
      region: r.region,
      requester: r.requesterName,
      submittedAt: new Date(r.submittedAt).toISOString(),
      approvedAt: iso(r.approvedAt),
      provisionedAt: iso(r.provisionedAt),
      closedAt: iso(r.closedAt),
      estimatedMonthlyUsd: r.estimatedMonthlyUsd,
    })),
    nextCursor: page.next,
  });
});
