/**
 * How change kinds (lib/plan/change-request.ts ChangeKind) and approval needs read to people: the set page, the
 * change form's review, the history's lead times per change kind. Pure module.
 */
import type { ApprovalNeed, ChangeKind } from "@/lib/plan/change-request";

export const CHANGE_KIND_LABELS: Record<ChangeKind, string> = {
  addMember: "Add a member",
  removeMember: "Remove a member",
  changeMemberRole: "Change a member's role",
  addDevCluster: "Add a dev compute size",
  removeDevCluster: "Remove a dev compute size",
  changeScaleLimits: "Change scale limits",
  addPipelineCluster: "Add a pipeline cluster",
  removePipelineCluster: "Remove a pipeline cluster",
  resizePipelineClusters: "Resize pipeline clusters",
  addEnvironment: "Add an environment",
  visibilityToPrivate: "Make private",
  visibilityToPublic: "Make public",
  restrictionToRestricted: "Restrict access",
  restrictionToUnrestricted: "Unrestrict access",
  changeSettings: "Change settings",
};

/** A change kind's label; kinds this build does not know (a newer row, "new", "decommission") read sensibly. */
export function changeKindLabel(kind: string): string {
  if (kind === "new") return "New workspace set";
  if (kind === "decommission") return "Decommission";
  return CHANGE_KIND_LABELS[kind as ChangeKind] ?? kind;
}

export const APPROVAL_NEED_LABELS: Record<ApprovalNeed, string> = {
  none: "No approval: applied at once and audited (revoking access never waits)",
  admin: "A platform admin approves",
  adminAndStakeholder: "A platform admin, then a stakeholder (a different person), approve",
};
