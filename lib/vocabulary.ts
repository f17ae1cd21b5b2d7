/**
 * The values a workspace request is made of (organisation patterns, environments, network visibility, access
 * restriction, workspace roles, statuses) and how each status and environment is shown. Pure and dependency-free: the plan, the request schemas, the wizard and the
 * history all speak these words, so none of them has to import another's module to get them.
 */
export const ORG_PATTERNS = ["team", "project", "shared"] as const;
export const ENVIRONMENTS = ["dev", "test", "prod"] as const;
export const VISIBILITIES = ["public", "private"] as const;
export const RESTRICTIONS = ["restricted", "unrestricted"] as const;
export const MEMBER_ROLES = ["dataScientist", "dataEngineer", "mlops"] as const;

export type OrgPatternValue = (typeof ORG_PATTERNS)[number];
export type EnvironmentValue = (typeof ENVIRONMENTS)[number];
export type VisibilityValue = (typeof VISIBILITIES)[number];
export type RestrictionValue = (typeof RESTRICTIONS)[number];
export type MemberRoleValue = (typeof MEMBER_ROLES)[number];

export const REQUEST_STATUSES = [
  "draft",
  "submitted",
  "approved",
  "stakeholderApproved",
  "provisioning",
  "provisioned",
  "failed",
  "rejected",
  "cancelled",
] as const;
export type RequestStatusValue = (typeof REQUEST_STATUSES)[number];

/** The colours a badge can take (the same union as the Badge primitive's Tone). */
export type StatusTone = "neutral" | "info" | "success" | "warning" | "danger" | "brand";

/** Each status's label and badge colour: one table, so a request looks the same on every page. */
export const REQUEST_STATUS_DISPLAY: Record<RequestStatusValue, { label: string; tone: StatusTone }> = {
  draft: { label: "Draft", tone: "neutral" },
  submitted: { label: "Submitted", tone: "info" },
  approved: { label: "Approved", tone: "brand" },
  stakeholderApproved: { label: "Stakeholder approved", tone: "brand" },
  provisioning: { label: "Provisioning", tone: "warning" },
  provisioned: { label: "Provisioned", tone: "success" },
  failed: { label: "Failed", tone: "danger" },
  rejected: { label: "Rejected", tone: "danger" },
  cancelled: { label: "Cancelled", tone: "neutral" },
};

export const STATUS_LABELS = Object.fromEntries(
  REQUEST_STATUSES.map((s) => [s, REQUEST_STATUS_DISPLAY[s].label]),
) as Record<RequestStatusValue, string>;

/** Environments in full (the wizard, plans, request details)... */
export const ENVIRONMENT_LABELS: Record<EnvironmentValue, string> = {
  dev: "Development",
  test: "Test",
  prod: "Production",
};
/** ...and short, for the history's compact tables and filters. */
export const ENVIRONMENT_SHORT_LABELS: Record<EnvironmentValue, string> = { dev: "dev", test: "test", prod: "prod" };

/** The compute a request asks for (the request schema's `compute`, as validated). */
export interface ComputeSpec {
  instanceVmSize: string;
  idleShutdownMinutes: number;
  devClusters: { vmSize: string; maxNodes: number }[];
  pipelines: string[];
}
