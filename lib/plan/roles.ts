/**
 * Who gets which Azure role where (the product rules "Access per environment", from the CAF guidance) and the three
 * custom roles Atrium creates once per subscription.
 *
 * Role ids of built-in roles: Azure's built-in roles reference (`role-based-access-control/built-in-roles.md`).
 * Custom role action lists are taken from Microsoft's published examples in
 * MicrosoftDocs/azure-ai-docs `articles/machine-learning/how-to-assign-roles.md` (ms.date 09/03/2024),
 * in Azure ML's how-to-assign-roles documentation; each definition below names its example and every deviation.
 */
import { deterministicGuid } from "./naming";
import type { PlanEnvironment } from "./types";
import type { MemberRoleValue, RestrictionValue } from "@/lib/vocabulary";

export const BUILT_IN_ROLES = {
  reader: { roleName: "Reader", guid: "acdd72a7-3385-48ef-bd42-f606fba81ae7" },
  contributor: { roleName: "Contributor", guid: "b24988ac-6180-42a0-ab88-20f7382dd24c" },
} as const;

export type CustomRoleKey = "dataScientist" | "testOperator" | "workspaceAdmin";
export type RoleKey = CustomRoleKey | keyof typeof BUILT_IN_ROLES;

const M = "Microsoft.MachineLearningServices/workspaces";

export interface CustomRoleDefinition {
  key: CustomRoleKey;
  roleName: string;
  description: string;
  /** Which Microsoft example it comes from and how it differs. */
  source: string;
  actions: string[];
  notActions: string[];
}

export const CUSTOM_ROLES: Record<CustomRoleKey, CustomRoleDefinition> = {
  dataScientist: {
    key: "dataScientist",
    roleName: "Atrium Data Scientist",
    description:
      "Run experiments, jobs, models and data in an Azure ML workspace; cannot create or delete the workspace or compute, manage roles or users, or deploy production pipeline endpoints.",
    source:
      "Microsoft's 'Data Scientist Custom' example (how-to-assign-roles.md), unchanged: it matches the product rules' dev role for data scientists (no workspace create/delete, no role or user management, no compute create).",
    actions: [`${M}/*/read`, `${M}/*/action`, `${M}/*/delete`, `${M}/*/write`],
    notActions: [
      `${M}/delete`,
      `${M}/write`,
      `${M}/computes/*/write`,
      `${M}/computes/*/delete`,
      "Microsoft.Authorization/*",
      `${M}/computes/listKeys/action`,
      `${M}/listKeys/action`,
      `${M}/services/aks/write`,
      `${M}/services/aks/delete`,
      `${M}/endpoints/pipelines/write`,
    ],
  },
  testOperator: {
    key: "testOperator",
    roleName: "Atrium Test Operator",
    description:
      "Limited operation of a test workspace: read assets and submit test runs and jobs against published pipelines; no compute, workspace or role changes.",
    source:
      "Microsoft's 'MLOps Custom' example ('Can run pipelines against a published pipeline endpoint', how-to-assign-roles.md), actions and notActions unchanged (the published JSON's trailing comma dropped). Changing endpoint traffic stays with the MLOps engineer (Contributor in test).",
    actions: [
      `${M}/read`,
      `${M}/endpoints/pipelines/read`,
      `${M}/metadata/artifacts/read`,
      `${M}/metadata/snapshots/read`,
      `${M}/environments/read`,
      `${M}/metadata/secrets/read`,
      `${M}/modules/read`,
      `${M}/components/read`,
      `${M}/datasets/*/read`,
      `${M}/datastores/read`,
      `${M}/environments/write`,
      `${M}/experiments/runs/read`,
      `${M}/experiments/runs/write`,
      `${M}/experiments/runs/submit/action`,
      `${M}/experiments/jobs/read`,
      `${M}/experiments/jobs/write`,
      `${M}/metadata/artifacts/write`,
      `${M}/metadata/snapshots/write`,
      `${M}/environments/build/action`,
    ],
    notActions: [
      `${M}/computes/write`,
      `${M}/write`,
      `${M}/computes/delete`,
      `${M}/delete`,
      `${M}/computes/listKeys/action`,
      `${M}/listKeys/action`,
      "Microsoft.Authorization/*",
    ],
  },
  workspaceAdmin: {
    key: "workspaceAdmin",
    roleName: "Atrium Workspace Admin",
    description:
      "Manage an Azure ML workspace and create its compute instances and clusters; cannot delete the workspace or manage role assignments.",
    source:
      "Microsoft's 'Workspace Admin Custom' example (how-to-assign-roles.md) minus its 'Microsoft.Authorization/roleAssignments/*' action (the product rules: no role management) and with 'workspaces/delete' and 'Microsoft.Authorization/*' added to notActions (no delete, no role management).",
    actions: [`${M}/*/read`, `${M}/*/action`, `${M}/*/write`, `${M}/*/delete`],
    notActions: [`${M}/write`, `${M}/delete`, "Microsoft.Authorization/*"],
  },
};

/** Deterministic GUID of a custom role in one subscription (created once per subscription). */
export function customRoleGuid(subscriptionId: string, key: CustomRoleKey): string {
  return deterministicGuid(`roleDefinition/${subscriptionId.toLowerCase()}/${key}`);
}

/**
 * Custom role names are unique per Entra tenant, while Atrium creates the roles once per
 * subscription; the full subscription id keeps the names apart (two subscriptions of a tenant may
 * share any prefix).
 */
export function customRoleName(subscriptionId: string, key: CustomRoleKey): string {
  return `${CUSTOM_ROLES[key].roleName} (${subscriptionId.toLowerCase()})`;
}

export function roleDefinitionId(subscriptionId: string, key: RoleKey): string {
  const guid =
    key in BUILT_IN_ROLES
      ? BUILT_IN_ROLES[key as keyof typeof BUILT_IN_ROLES].guid
      : customRoleGuid(subscriptionId, key as CustomRoleKey);
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
}

export function isCustomRole(key: RoleKey): key is CustomRoleKey {
  return key in CUSTOM_ROLES;
}

export function roleDisplayName(key: RoleKey): string {
  return isCustomRole(key) ? CUSTOM_ROLES[key].roleName : BUILT_IN_ROLES[key].roleName;
}

/**
 * the product rules' matrix:
 * | member                                      | dev                   | test                      | prod        |
 * | data scientist / engineer (restricted)      | Atrium Data Scientist | Reader + Test Operator    | Reader      |
 * | data scientist / engineer (unrestricted)    | Contributor           | Reader + Test Operator    | Reader      |
 * | mlops engineer                              | Atrium Data Scientist | Contributor               | Contributor |
 * | portal admins                               | Atrium Workspace Admin in every environment            |
 */
export function memberRoles(role: MemberRoleValue, restriction: RestrictionValue, env: PlanEnvironment): RoleKey[] {
  if (role === "mlops") return env === "dev" ? ["dataScientist"] : ["contributor"];
  if (env === "dev") return restriction === "restricted" ? ["dataScientist"] : ["contributor"];
  if (env === "test") return ["reader", "testOperator"];
  return ["reader"];
}

export function portalAdminRoles(): RoleKey[] {
  return ["workspaceAdmin"];
}

/** Deterministic role-assignment name: UUIDv5 of scope, principal and role definition (like Bicep's guid()). */
export function roleAssignmentGuid(scope: string, principalId: string, roleDefinitionIdValue: string): string {
  return deterministicGuid(
    `roleAssignment/${scope.toLowerCase()}/${principalId.toLowerCase()}/${roleDefinitionIdValue.toLowerCase()}`,
  );
}
