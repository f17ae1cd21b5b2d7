import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { hasPermission } from "@/lib/auth/permissions";
import type { SessionUser } from "@/lib/auth/session";

export type HistoryActor = Pick<SessionUser, "id" | "roles" | "teamIds">;

/** Stakeholders and admins read every request's history; everyone else only their teams'. */
export function readsAllHistory(actor: Pick<SessionUser, "roles">): boolean {
  return hasPermission(actor.roles, "history.read_all") || hasPermission(actor.roles, "request.read_all");
}

export function readsHistory(actor: Pick<SessionUser, "roles">): boolean {
  return readsAllHistory(actor) || hasPermission(actor.roles, "request.read_team");
}

/**
 * The authorisation part of every history query's WHERE, on a table alias whose `team_id` says whose
 * it is. Requesters and MLOps engineers see their teams' rows only; a person without any read permission
 * sees nothing (the pages refuse them before querying anyway).
 */
export function teamScope(actor: HistoryActor, column: Prisma.Sql): Prisma.Sql {
  if (readsAllHistory(actor)) return Prisma.sql`TRUE`;
  if (!hasPermission(actor.roles, "request.read_team") || actor.teamIds.length === 0) return Prisma.sql`FALSE`;
  return Prisma.sql`${column} = ANY(${actor.teamIds}::uuid[])`;
}
