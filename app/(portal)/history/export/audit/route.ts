import { recordStandaloneAuditEvent } from "@/lib/audit/record-event";
import { guardedRoute, parseQuery } from "@/lib/auth/route-guard";
import { getCorrelationId } from "@/lib/correlation";
import { AUDIT_EXPORT_ACCESS } from "@/lib/access/visibility";
import { auditExportFiltersSchema, auditExportStream, exportHeaders, startExport } from "@/lib/history/export";

// GET /history/export/audit?from=YYYY-MM-DD&to=YYYY-MM-DD&action=request.&request=<uuid>&format=csv|json
// The audit trail with every event's hash, streamed in time order. Needs both `audit.read` and
// `history.export` (stakeholders; AUDIT_EXPORT_ACCESS in lib/access/visibility.ts). A query that cannot be
// used answers 400 and records nothing; the export is audited once its first rows have been read.
export const GET = guardedRoute(AUDIT_EXPORT_ACCESS, async (request, { user }) => {
  const { format, ...filters } = parseQuery(auditExportFiltersSchema, request);
  const body = await startExport(auditExportStream(filters, format));
  await recordStandaloneAuditEvent({
    actor: { kind: "user", id: user.id },
    action: "audit.exported",
    entityType: "audit_trail",
    entityId: "audit_events",
    after: { format, filters },
    correlationId: await getCorrelationId(),
  });
  return new Response(body, { headers: exportHeaders("audit", format) });
});
