/**
 * The values a workspace request is made of (organisation patterns, environments, network visibility, access
 * restriction, workspace roles). Pure and dependency-free: the plan, the request schemas, the wizard and the
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

/** The compute a request asks for (the request schema's `compute`, as validated). */
export interface ComputeSpec {
  instanceVmSize: string;
  idleShutdownMinutes: number;
  devClusters: { vmSize: string; maxNodes: number }[];
  pipelines: string[];
}
