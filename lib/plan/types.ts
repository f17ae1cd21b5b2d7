/**
 * Types of the provisioning plan. Pure module (no I/O): used by the wizard's review page, the
 * approvals (hash recomputation), the CLI and the provisioning engine.
 */
import type {
  ComputeSpec,
  EnvironmentValue,
  MemberRoleValue,
  OrgPatternValue,
  RestrictionValue,
  VisibilityValue,
} from "@/lib/vocabulary";

export type PlanEnvironment = EnvironmentValue;

export interface PlanVmSize {
  name: string;
  vcpus: number;
  hourlyPriceUsd: number;
  allowed: boolean;
}

export interface PlanSettings {
  tenantId: string;
  subscriptions: Record<PlanEnvironment, string>;
  allowedRegions: string[];
  privateEndpointSubnetId: string;
  /** privatelink.api.azureml.ms and privatelink.notebooks.azure.net zone ids. */
  privateDnsZoneIds: string[];
  vmSizes: PlanVmSize[];
  /** Portal admins with an Entra object id; each gets the Atrium Workspace Admin role on every workspace. */
  portalAdmins: { userId: string; entraObjectId: string; displayName?: string; email?: string }[];
}

export interface PlanMember {
  userId: string;
  email: string;
  displayName: string;
  entraObjectId: string;
  role: MemberRoleValue;
}

/** The validated request plus everything resolved from the directory and the settings. */
export interface PlanInput {
  requestId: string;
  requestNumber: number;
  /** E-mail of the requester (tag `requested-by`). */
  requestedBy: string;
  pattern: OrgPatternValue;
  team: { slug: string; costCenter: string; businessDivision: string; allowedRegions: string[] };
  project?: { slug: string; teamSlug: string; costCenter: string } | null;
  environments: PlanEnvironment[];
  visibility: VisibilityValue;
  restriction: RestrictionValue;
  region: string;
  members: PlanMember[];
  compute: ComputeSpec;
  gitRepositoryUrl?: string | null;
  costCenter: string;
  settings: PlanSettings;
}

export const STEP_KINDS = [
  "resourceGroup",
  "storageAccount",
  "keyVault",
  "applicationInsights",
  "workspace",
  "privateEndpoint",
  "privateDnsZoneGroup",
  "roleDefinition",
  "roleAssignment",
  "computeInstance",
  "computeCluster",
  "gitConnection",
  "budget",
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/**
 * Where a step lands in ARM, spelled out so the engine never parses `resourceId`:
 * - resourceGroup: subscriptionId + resourceGroup
 * - storageAccount / keyVault / applicationInsights / workspace / privateEndpoint: + name
 * - privateDnsZoneGroup: parent = private endpoint name
 * - computeInstance / computeCluster / gitConnection: parent = workspace name
 * - roleDefinition: scope = `/subscriptions/{sub}`, name = role definition GUID
 * - roleAssignment: scope = workspace resource id, name = assignment GUID
 */
export interface StepTarget {
  subscriptionId: string;
  resourceGroup: string | null;
  parent: string | null;
  scope: string | null;
}

export interface PlanStep {
  /** Stable key: "dev/workspace", "dev/ra/<guid>", "roledef/<guid>". */
  id: string;
  /** null for subscription-level role definitions. */
  environment: PlanEnvironment | null;
  kind: StepKind;
  name: string;
  resourceId: string;
  apiVersion: string;
  dependsOn: string[];
  tags: Record<string, string>;
  target: StepTarget;
  /** ARM wire body (with the `properties` envelope). */
  body: Record<string, unknown>;
}

export type PrincipalKind = "member" | "portalAdmin";

export interface RoleMatrixEntry {
  environment: PlanEnvironment;
  principalId: string;
  principalKind: PrincipalKind;
  displayName: string;
  email: string | null;
  memberRole: MemberRoleValue | null;
  roles: { roleName: string; roleDefinitionId: string; custom: boolean; stepId: string }[];
}

export interface Plan {
  schemaVersion: 1;
  requestId: string;
  scopeSlug: string;
  region: string;
  environments: PlanEnvironment[];
  steps: PlanStep[];
  roleMatrix: RoleMatrixEntry[];
}
