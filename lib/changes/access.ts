import "server-only";
import type { SessionUser } from "@/lib/auth/session";
import { canSeeRequest, type Viewer } from "@/lib/access/visibility";

export type SetFacts = { teamId: string; memberIds: readonly string[] };

/**
 * Who may ask for a change of a workspace set (the permission `workspace.change` first): admins on every set;
 * requesters and MLOps engineers on their teams' sets, and the people the set names.
 */
export function mayChangeSet(actor: Pick<SessionUser, "id" | "roles" | "teamIds">, set: SetFacts): boolean {
  if (actor.roles.includes("ADMIN")) return true;
  return actor.teamIds.includes(set.teamId) || set.memberIds.includes(actor.id);
}

/** A set is visible with its origin request (lib/access/visibility.ts). */
export function maySeeSet(
  viewer: Viewer,
  origin: { requesterId: string; teamId: string | null; submittedAt: Date | null; memberIds: readonly string[] },
): boolean {
  return canSeeRequest(viewer, origin);
}
