import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { workspaceVisibleSql } from "@/lib/access/visibility";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { decodeCursor, encodeCursor } from "@/lib/history/filters";

type WorkspaceRow = {
  id: string;
  name: string;
  environment: string;
  region: string;
  status: string;
  armId: string;
  scope: string;
  team: string;
  requestId: string;
  monthlyUsd: number | null;
  createdAt: Date;
  workspaceSetId: string | null;
  leaseStatus: string | null;
  leaseExpiresAt: Date | null;
};

/** Workspaces the caller may see (visible with the request that created them), newest first, keyset-paginated. */
export async function listVisibleWorkspaces(actor: SessionUser, filters: { cursor?: string; limit: number }) {
  const cursor = decodeCursor(filters.cursor);
  if (filters.cursor && !cursor) throw new AppError("INVALID", "Unknown cursor.", { cursor: ["Unknown cursor."] });
  const after = cursor
    ? Prisma.sql`AND (w.created_at, w.id) < (${new Date(cursor.v)}::timestamptz, ${cursor.id}::uuid)`
    : Prisma.empty;
  const rows = await db.$queryRaw<WorkspaceRow[]>`
    SELECT w.id::text, w.name, w.environment::text AS environment, w.region, w.status::text AS status,
      w.arm_id AS "armId", w.scope_slug AS scope, t.name AS team, w.request_id::text AS "requestId",
      w.monthly_usd::float8 AS "monthlyUsd", w.created_at AS "createdAt",
      w.workspace_set_id::text AS "workspaceSetId", l.status::text AS "leaseStatus", l.expires_at AS "leaseExpiresAt"
    FROM workspaces w JOIN teams t ON t.id = w.team_id
    LEFT JOIN leases l ON l.workspace_set_id = w.workspace_set_id
    WHERE ${workspaceVisibleSql(actor)} ${after}
    ORDER BY w.created_at DESC, w.id DESC
    LIMIT ${filters.limit + 1}`;
  const page = rows.slice(0, filters.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((w) => ({
      ...w,
      environment: w.environment.toLowerCase(),
      createdAt: w.createdAt.toISOString(),
      leaseExpiresAt: w.leaseExpiresAt?.toISOString() ?? null,
    })),
    nextCursor:
      rows.length > filters.limit && last ? encodeCursor({ v: last.createdAt.toISOString(), id: last.id }) : null,
  };
}
