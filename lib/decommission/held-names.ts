import "server-only";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";

export interface HeldScope {
  scopeSlug: string;
  teamId: string;
  /** Until when Azure holds the names (its 14 days), unless purged sooner. */
  heldUntil: Date;
  /** When Atrium purges them (the admins' retention), freeing the names. */
  purgeAt: Date | null;
  purgeRequested: boolean;
}

/**
 * Scopes whose names are held by soft-deleted workspaces (and their key vaults, which Atrium deletes only at the
 * purge): a new request for the same scope plans the same names and Azure would refuse them. For the drafting-time
 * notice in the wizard's scope step: the viewer's teams' scopes (admins: all). The pre-approval check (lib/checks)
 * refuses such a plan; this tells the requester before they get that far.
 */
export async function heldScopesFor(
  viewer: Pick<SessionUser, "roles" | "teamIds">,
  now = new Date(),
): Promise<HeldScope[]> {
  const admin = viewer.roles.includes("ADMIN");
  if (!admin && viewer.teamIds.length === 0) return [];
  const rows = await db.$queryRaw<
    { scope_slug: string; team_id: string; soft_deleted_until: Date; purge_at: Date | null; purge_requested: boolean }[]
  >`
    SELECT s.scope_slug, s.team_id::text AS team_id, r.soft_deleted_until, r.purge_at,
      (r.purge_requested_by_id IS NOT NULL) AS purge_requested
    FROM set_retirements r JOIN workspace_sets s ON s.id = r.workspace_set_id
    WHERE r.soft_deleted_at IS NOT NULL AND r.purged_at IS NULL AND r.recovered_at IS NULL
      AND r.soft_deleted_until > ${now}
    ORDER BY s.scope_slug`;
  return rows
    .filter((r) => admin || viewer.teamIds.includes(r.team_id))
    .map((r) => ({
      scopeSlug: r.scope_slug,
      teamId: r.team_id,
      heldUntil: r.soft_deleted_until,
      purgeAt: r.purge_at,
      purgeRequested: r.purge_requested,
    }));
}
