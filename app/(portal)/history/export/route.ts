import { type NextRequest } from "next/server";
import { recordStandaloneAuditEvent } from "@/lib/audit/record-event";
import { auditDenial, can, getCurrentUser } from "@/lib/auth/session";
import { getCorrelationId } from "@/lib/correlation";
import { exportHeaders, historyExportStream } from "@/lib/history/export";
import { parseHistoryFilters } from "@/lib/history/filters";

// GET /history/export?<history filters>&format=csv|json — the filtered history, streamed.
// Export is for stakeholders (`history.export`): exported data leaves the portal's access control, and the
// stakeholder role is the one entitled to report on it. Admins read the same history in the portal but do
// not export it unless they also hold the stakeholder role. Every export is itself audited.
export async function GET(request: NextRequest) {
  const user = await getCurrentUser();
  if (!user) return new Response("Sign in to export the history.", { status: 401 });
  if (!can(user, "history.export")) {
    await auditDenial(user, "history.export");
    return new Response("You may not export the history.", { status: 403 });
  }
  const params = request.nextUrl.searchParams;
  const filters = parseHistoryFilters(params);
  const format = params.get("format") === "json" ? "json" : "csv";
  await recordStandaloneAuditEvent({
    actor: { kind: "user", id: user.id },
    action: "history.exported",
    entityType: "history",
    entityId: "requests",
    after: { format, filters: { ...filters, after: undefined, before: undefined } },
    correlationId: await getCorrelationId(),
  });
  return new Response(historyExportStream(user, { ...filters, after: undefined, before: undefined }, format), {
    headers: exportHeaders("history", format),
  });
}
