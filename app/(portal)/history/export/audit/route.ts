import { type NextRequest } from "next/server";
import { recordStandaloneAuditEvent } from "@/lib/audit/record-event";
import { auditDenial, can, getCurrentUser } from "@/lib/auth/session";
import { getCorrelationId } from "@/lib/correlation";
import { auditExportStream, exportHeaders, parseAuditExportFilters } from "@/lib/history/export";

// GET /history/export/audit?from=YYYY-MM-DD&to=YYYY-MM-DD&action=request.&request=<uuid>&format=csv|json
// The audit trail with every event's hash, streamed in time order. Needs both `audit.read` and
// `history.export` (stakeholders); the export is itself audited.
export async function GET(request: NextRequest) {
  const user = await getCurrentUser();
  if (!user) return new Response("Sign in to export the audit trail.", { status: 401 });
  if (!can(user, "history.export") || !can(user, "audit.read")) {
    await auditDenial(user, can(user, "audit.read") ? "history.export" : "audit.read");
    return new Response("You may not export the audit trail.", { status: 403 });
  }
  const params = request.nextUrl.searchParams;
  const filters = parseAuditExportFilters(params);
  const format = params.get("format") === "json" ? "json" : "csv";
  await recordStandaloneAuditEvent({
    actor: { kind: "user", id: user.id },
    action: "audit.exported",
    entityType: "audit_trail",
    entityId: "audit_events",
    after: { format, filters },
    correlationId: await getCorrelationId(),
  });
  return new Response(auditExportStream(filters, format), { headers: exportHeaders("audit", format) });
}
