import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { hasPermission } from "@/lib/auth/permissions";
import type { SessionUser } from "@/lib/auth/session";
import { readsAllRequests } from "@/lib/access/visibility";

export type HistoryActor = Pick<SessionUser, "id" | "roles" | "teamIds">;

/** Stakeholders and admins read every request's history; everyone else what lib/access/visibility.ts shows them. */
export function readsAllHistory(actor: Pick<SessionUser, "roles">): boolean {
  return readsAllRequests(actor);
}

/** The permissions that open the history pages (what each person then sees is the visibility rule's). */
export const HISTORY_PAGE_ACCESS = ["history.read_all", "request.read_all", "request.read_team"] as const;

export function readsHistory(actor: Pick<SessionUser, "roles">): boolean {
  return HISTORY_PAGE_ACCESS.some((p) => hasPermission(actor.roles, p));
}

/**
 * Team-level scope on a `team_id` column, for aggregates over workspaces that have no request alias at hand
 * (the cost breakdown, which only readers of everything open). Per-object reads use lib/access/visibility.ts.
 */
export function teamScope(actor: HistoryActor, column: Prisma.Sql): Prisma.Sql {
  if (readsAllHistory(actor)) return Prisma.sql`TRUE`;
  if (!hasPermission(actor.roles, "request.read_team") || actor.teamIds.length === 0) return Prisma.sql`FALSE`;
  return Prisma.sql`${column} = ANY(${actor.teamIds}::uuid[])`;
}
