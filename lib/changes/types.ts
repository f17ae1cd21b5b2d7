/** What a change request's `plan` column holds (pure types). */
import type { ChangePlan } from "@/lib/plan/change-plan";
import type { ChangeApproval, ChangeEntry } from "@/lib/plan/change-request";
import type { SetDocument } from "./document";

export interface StoredChangePlan extends ChangePlan {
  kind: "change";
  /** "diff": built from the two documents (rebuilt when approvals recompute it); "override": given by the caller, run as is. */
  source: "diff" | "override";
  changes: ChangeEntry[];
  approval: ChangeApproval;
  /** The set's version and document the change was planned against, and the document after it. */
  baseVersion: number;
  base: SetDocument;
  desired: SetDocument;
}

export function isStoredChangePlan(plan: unknown): plan is StoredChangePlan {
  return typeof plan === "object" && plan !== null && (plan as { kind?: unknown }).kind === "change";
}
