import { json, parseQuery } from "@/lib/api/http";
import { operations } from "@/lib/api/operations";
import { apiRoute } from "@/lib/api/route";
import { auditQuerySchema } from "@/lib/api/schemas";
import { listAuditEvents } from "@/lib/audit/queries";

export const GET = apiRoute(operations.listAuditEvents, async ({ user, request }) => {
  const { cursor, ...filter } = parseQuery(auditQuerySchema, request);
  const page = await listAuditEvents(user, { ...filter, beforeId: cursor });
  return json({
    items: page.events.map((e) => ({ ...e, occurredAt: e.occurredAt.toISOString() })),
    nextCursor: page.nextBeforeId,
  });
});
