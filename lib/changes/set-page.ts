/**
 * What the workspace set page shows besides the set itself (loadWorkspaceSet, sets.ts): names for the ids it
 * holds, the origin request's number, and the VM sizes a change may add. The caller has already checked that the
 * viewer may see the set (loadWorkspaceSet returned it).
 */
import "server-only";
import { db } from "@/lib/db/client";
import { findSetIdFor, type WorkspaceSetView } from "./sets";

export type SetPageNames = {
  teamName: string;
  projectName: string | null;
  originNumber: number;
  requesterNames: Record<string, string>;
  vmSizes: string[];
};

export async function loadSetPageNames(set: WorkspaceSetView): Promise<SetPageNames> {
  const requesterIds = [...new Set(set.changes.map((c) => c.requesterId))];
  const [team, project, origin, people, vmSizes] = await Promise.all([
    db.team.findUniqueOrThrow({ where: { id: set.teamId }, select: { name: true } }),
    set.projectId ? db.project.findUnique({ where: { id: set.projectId }, select: { name: true } }) : null,
    db.workspaceRequest.findUniqueOrThrow({ where: { id: set.originRequestId }, select: { number: true } }),
    requesterIds.length
      ? db.user.findMany({ where: { id: { in: requesterIds } }, select: { id: true, name: true } })
      : [],
    db.vmSize.findMany({
      where: { allowed: true },
      orderBy: [{ gpu: "asc" }, { vcpus: "asc" }, { name: "asc" }],
      select: { name: true },
    }),
  ]);
  return {
    teamName: team.name,
    projectName: project?.name ?? null,
    originNumber: origin.number,
    requesterNames: Object.fromEntries(people.map((p) => [p.id, p.name])),
    vmSizes: vmSizes.map((v) => v.name),
  };
}

/**
 * The set a workspace or a request belongs to, for a link to its page: a provisioned new request or one of its
 * workspaces (the set is created on first use), or a change request. Null when there is none (yet). The caller
 * shows the link only to people who may see the workspace or request; the set page checks visibility again.
 */
export async function setIdForLink(id: string): Promise<string | null> {
  try {
    return await findSetIdFor(id);
  } catch {
    // A provisioned request whose document no longer plans (settings changed since): no set page to link to.
    return null;
  }
}
