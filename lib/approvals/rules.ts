// Who may decide which approval stage of a request (the product rules, "People" and "Lifecycle"). Pure: the UI
// uses it to hide what a person may not do, and the server runs the very same checks before it acts.
import { hasPermission, type Permission } from "@/lib/auth/permissions";

export type ApprovalStageName = "ADMIN" | "STAKEHOLDER";
export type DbRequestStatus =
  | "DRAFT"
  | "SUBMITTED"
  | "APPROVED"
  | "STAKEHOLDER_APPROVED"
  | "PROVISIONING"
  | "PROVISIONED"
  | "FAILED"
  | "REJECTED"
  | "CANCELLED";

export const STAGE_PERMISSION: Record<ApprovalStageName, Permission> = {
  ADMIN: "request.approve",
  STAKEHOLDER: "request.approve_production",
};

/** The status a stage starts from and the one its approval moves to. */
export const STAGE_TRANSITION: Record<ApprovalStageName, { from: DbRequestStatus; to: DbRequestStatus }> = {
  ADMIN: { from: "SUBMITTED", to: "APPROVED" },
  STAKEHOLDER: { from: "APPROVED", to: "STAKEHOLDER_APPROVED" },
};

export const STAGE_LABELS: Record<ApprovalStageName, string> = {
  ADMIN: "Admin approval",
  STAKEHOLDER: "Stakeholder approval (production)",
};

export type DecisionSubject = {
  status: DbRequestStatus;
  environments: readonly string[]; // DEV | TEST | PROD
  requesterId: string;
  memberIds: readonly string[];
  /** The person whose admin approval is live (null when none). */
  adminApproverId: string | null;
  /** Change requests: whether their approval need includes the stakeholder (lib/changes); unset: prod decides. */
  stakeholderNeeded?: boolean;
};

export type Decider = { id: string; roles: readonly string[] };

export function needsStakeholder(environments: readonly string[]): boolean {
  return environments.includes("PROD");
}

/** The stage waiting for a decision, or null when the request is not waiting for one. */
/** Whether the subject needs the stakeholder: a change by its approval need, a new request when it has prod. */
export function stakeholderNeeded(subject: Pick<DecisionSubject, "environments" | "stakeholderNeeded">): boolean {
  return subject.stakeholderNeeded ?? needsStakeholder(subject.environments);
}

export function pendingStage(
  subject: Pick<DecisionSubject, "status" | "environments" | "stakeholderNeeded">,
): ApprovalStageName | null {
  if (subject.status === "SUBMITTED") return "ADMIN";
  if (subject.status === "APPROVED" && stakeholderNeeded(subject)) return "STAKEHOLDER";
  return null;
}

/** Whether approving `stage` completes the approvals (then provisioning is queued). */
export function isFinalStage(
  stage: ApprovalStageName,
  environments: readonly string[],
  stakeholderNeededOverride?: boolean,
): boolean {
  return stage === "STAKEHOLDER" || !stakeholderNeeded({ environments, stakeholderNeeded: stakeholderNeededOverride });
}

export type Refusal = { code: "FORBIDDEN" | "CONFLICT"; message: string };

/**
 * Why `person` may not decide (approve or reject) `stage` of the request, or null when they may.
 * Separation of duties is absolute: never one's own request, never a request naming one as a member,
 * and the two approvals of a production request come from two different people.
 */
export function decisionRefusal(person: Decider, subject: DecisionSubject, stage: ApprovalStageName): Refusal | null {
  if (!hasPermission(person.roles, STAGE_PERMISSION[stage])) {
    return {
      code: "FORBIDDEN",
      message:
        stage === "ADMIN"
          ? "Only platform admins give the admin approval."
          : "Only stakeholders give the production approval.",
    };
  }
  if (subject.requesterId === person.id) {
    return { code: "FORBIDDEN", message: "You submitted this request; someone else must decide it." };
  }
  if (subject.memberIds.includes(person.id)) {
    return { code: "FORBIDDEN", message: "This request names you as a member; someone else must decide it." };
  }
  if (stage === "STAKEHOLDER" && subject.adminApproverId === person.id) {
    return {
      code: "FORBIDDEN",
      message: "You gave the admin approval; the production approval must come from a different person.",
    };
  }
  if (pendingStage(subject) !== stage) {
    return {
      code: "CONFLICT",
      message: "This request is not waiting for that decision any more. Reload to see its current state.",
    };
  }
  return null;
}

/** The stage `person` can decide right now, if any (what the UI offers). */
export function decidableStage(person: Decider, subject: DecisionSubject): ApprovalStageName | null {
  const stage = pendingStage(subject);
  return stage && !decisionRefusal(person, subject, stage) ? stage : null;
}
