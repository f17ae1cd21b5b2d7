import "server-only";
import type { Prisma } from "@/generated/prisma/client";
import { can, type SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { INT8_MAX, isUuid } from "@/lib/access/params";

export const AUDIT_PAGE_SIZE = 50;

export type AuditFilter = { action?: string; requestId?: string; beforeId?: string };

/** Newest first, keyset-paginated by id; `action` matches a prefix ("request." or "request.approved"). */
export async function listAuditEvents(actor: SessionUser, filter: AuditFilter = {}) {
  if (!can(actor, "audit.read")) throw new AppError("FORBIDDEN", "Only admins and stakeholders read the audit trail.");
  const where: Prisma.AuditEventWhereInput = {};
  if (filter.action) where.action = { startsWith: filter.action };
  if (filter.requestId) where.requestId = filter.requestId;
  if (filter.requestId && !isUuid(filter.requestId)) throw new AppError("INVALID", "Not a valid request id.");
  if (filter.beforeId) {
    // Event ids are bigint: a cursor beyond int8 would fail the database cast, so it is refused here.
    if (!/^\d{1,19}$/.test(filter.beforeId) || BigInt(filter.beforeId) > INT8_MAX)
      throw new AppError("INVALID", "This page link is not valid. Start from the newest events.");
    where.id = { lt: BigInt(filter.beforeId) };
  }
  const rows = await db.auditEvent.findMany({ where, orderBy: { id: "desc" }, take: AUDIT_PAGE_SIZE + 1 });
  const actorIds = [...new Set(rows.map((r) => r.actorId).filter((id): id is string => !!id))];
  const people = actorIds.length
    ? await db.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true } })
    : [];
  const names = new Map(people.map((p) => [p.id, p.name]));
  const page = rows.slice(0, AUDIT_PAGE_SIZE);
  return {
    events: page.map((r) => ({
      id: r.id.toString(),
      occurredAt: r.occurredAt,
      actor: r.actorId ? (names.get(r.actorId) ?? r.actorLabel) : r.actorLabel,
      action: r.action,
      entityType: r.entityType,
      entityId: r.entityId,
      requestId: r.requestId,
      before: r.before,
      after: r.after,
      correlationId: r.correlationId,
      hash: r.hash,
    })),
    nextBeforeId: rows.length > AUDIT_PAGE_SIZE ? page[page.length - 1].id.toString() : null,
  };
}

/** The distinct action names, for the filter. */
export async function listAuditActions(actor: SessionUser): Promise<string[]> {
  if (!can(actor, "audit.read")) throw new AppError("FORBIDDEN", "Only admins and stakeholders read the audit trail.");
  const rows = await db.auditEvent.findMany({
    distinct: ["action"],
    select: { action: true },
    orderBy: { action: "asc" },
  });
  return rows.map((r) => r.action);
}
