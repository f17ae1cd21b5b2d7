import { recordStandaloneAuditEvent } from "@/lib/audit/record-event";
import { guardedRoute, parseQuery } from "@/lib/auth/route-guard";
import { getCorrelationId } from "@/lib/correlation";
import { exportFormatSchema, exportHeaders, historyExportStream, startExport } from "@/lib/history/export";
import { parseHistoryQuery } from "@/lib/history/filters";
import { AppError } from "@/lib/errors";
import { HISTORY_EXPORT_ACCESS } from "@/lib/access/visibility";
import { z } from "zod";

const formatQuery = z.object({ format: exportFormatSchema });

// GET /history/export?<history filters>&format=csv|json — the filtered history, streamed.
// Export is for stakeholders (`history.export`): exported data leaves the portal's access control, and the
// stakeholder role is the one entitled to report on it. Admins read the same history in the portal but do
// not export it unless they also hold the stakeholder role. The rows are the requests the exporter may see
// (lib/access/visibility.ts). The export is audited once its first rows have been read, never before.
export const GET = guardedRoute(HISTORY_EXPORT_ACCESS, async (request, { user }) => {
  const parsed = parseHistoryQuery(request.nextUrl.searchParams);
  if (!parsed.ok) throw new AppError("INVALID", parsed.message, parsed.fieldErrors);
  const { format } = parseQuery(formatQuery, request);
  const filters = { ...parsed.data, after: undefined, before: undefined };
  const body = await startExport(historyExportStream(user, filters, format));
  await recordStandaloneAuditEvent({
    actor: { kind: "user", id: user.id },
    action: "history.exported",
    entityType: "history",
    entityId: "requests",
    after: { format, filters },
    correlationId: await getCorrelationId(),
  });
  return new Response(body, { headers: exportHeaders("history", format) });
});
