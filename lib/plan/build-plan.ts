/**
 * The provisioning plan: a pure, deterministic function from a resolved request to the exact set of
 * ARM resources and role assignments the product rules implies, as a dependency graph of steps.
 *
 * Graph (per environment): resource group → storage account, key vault, application insights, budget →
 * workspace → private endpoint → private DNS zone group; workspace → Git connection; workspace
 * (+ role definition) → role assignments; workspace (+ private endpoint when private) → compute.
 * Custom role definitions are subscription-level steps (environment null), shared by every
 * environment in that subscription. Each resource kind has its builder in `builders/`; this module
 * checks the names and composes the builders in a fixed order (the order is part of the plan hash).
 */
import {
  computeInstanceName,
  environmentNames,
  gitConnectionName,
  nameRuleViolation,
  pipelineClusterName,
  scopeSlugOf,
  sizeClusterName,
  type NamedKind,
} from "./naming";
import type { Plan, PlanEnvironment, PlanInput, PlanStep, RoleMatrixEntry } from "./types";
import { byKey, roleAssignmentSteps, roleDefinitionSteps, type CustomRoleUse } from "./builders/access";
import { computeClusterSteps, computeInstanceSteps } from "./builders/compute";
import { budgetStep } from "./builders/budget";
import { envContext } from "./builders/context";
import { estimateCost } from "./cost";
import {
  applicationInsightsStep,
  gitConnectionSteps,
  keyVaultStep,
  privateEndpointSteps,
  resourceGroupStep,
  storageAccountStep,
  workspaceStep,
} from "./builders/resources";
import { ENVIRONMENTS } from "@/lib/vocabulary";
import { addFieldError, type FieldErrors } from "@/lib/validation/field-errors";

export {
  API_VERSIONS,
  CLUSTER_SCALE_DOWN,
  DEFAULT_PIPELINE_MAX_NODES,
  WORKSPACE_PRIVATE_LINK_GROUP,
  planTags,
} from "./builders/context";
export { pipelineClusterSpec } from "./builders/compute";
export { formatRequestNumber } from "./builders/resources";

export const PLAN_SCHEMA_VERSION = 1 as const;

export class PlanNameError extends Error {
  constructor(public readonly fieldErrors: FieldErrors) {
    super(`The request's names break Azure's naming rules: ${Object.values(fieldErrors).flat().join("; ")}`);
    this.name = "PlanNameError";
  }
}

export function orderedEnvironments(envs: readonly PlanEnvironment[]): PlanEnvironment[] {
  return ENVIRONMENTS.filter((e) => envs.includes(e));
}

/**
 * Checks every name the plan would use against Azure's rules and returns field errors keyed by
 * the request field the name comes from. Empty when the request can be planned.
 */
export function checkPlanNames(input: PlanInput): FieldErrors {
  const errors: FieldErrors = {};
  const add = (field: string, msg: string) => addFieldError(errors, field, msg);
  // Shared scopes come from the team's business division, so the team field is the one to change.
  const scopeField = input.pattern === "project" ? "project" : "team";
  const scope = scopeSlugOf(input);
  if (!scope) {
    add(
      scopeField,
      "This scope has no letters or digits to build Azure names from; ask an admin to give it a slug with letters or digits.",
    );
    return errors;
  }
  const check = (field: string, kind: NamedKind, name: string, what: string) => {
    const why = nameRuleViolation(kind, name);
    if (why) add(field, `The ${what} name "${name}" is not valid in Azure: ${why}. Choose a shorter or simpler value.`);
  };
  for (const env of orderedEnvironments(input.environments)) {
    const sub = input.settings.subscriptions[env];
    const n = environmentNames(scope, env, input.region, sub);
    check("region", "resourceGroup", n.resourceGroup, "resource group");
    check(scopeField, "workspace", n.workspace, "workspace");
    check(scopeField, "storageAccount", n.storageAccount, "storage account");
    check(scopeField, "keyVault", n.keyVault, "key vault");
    check(scopeField, "applicationInsights", n.applicationInsights, "Application Insights");
    if (input.visibility === "private") check(scopeField, "privateEndpoint", n.privateEndpoint, "private endpoint");
    if (env === "dev") {
      input.members.forEach((m, i) => {
        if (m.role === "dataScientist")
          check(
            `members.${i}.email`,
            "compute",
            computeInstanceName(scope, env, sub, m.email, m.entraObjectId),
            "compute instance",
          );
      });
      input.compute.devClusters.forEach((c, i) =>
        check(`compute.devClusters.${i}.vmSize`, "compute", sizeClusterName(c.vmSize), "cluster"),
      );
    } else {
      input.compute.pipelines.forEach((p, i) =>
        check(`compute.pipelines.${i}`, "compute", pipelineClusterName(p), "pipeline cluster"),
      );
    }
  }
  if (input.gitRepositoryUrl)
    check("gitRepositoryUrl", "gitConnection", gitConnectionName(input.gitRepositoryUrl), "Git connection");
  // Two distinct inputs must never map to one compute name in the same workspace.
  const clusterNames = new Map<string, number>();
  input.compute.devClusters.forEach((c, i) => {
    const name = sizeClusterName(c.vmSize);
    const other = clusterNames.get(name);
    if (other !== undefined)
      add(
        `compute.devClusters.${i}.vmSize`,
        `This VM size gives the same cluster name (${name}) as cluster ${other + 1}; list each size once.`,
      );
    clusterNames.set(name, i);
  });
  const instanceNames = new Map<string, number>();
  input.members.forEach((m, i) => {
    if (m.role !== "dataScientist") return;
    const name = computeInstanceName(scope, "dev", input.settings.subscriptions.dev, m.email, m.entraObjectId);
    const other = instanceNames.get(name);
    if (other !== undefined)
      add(
        `members.${i}.email`,
        `This person's compute instance name (${name}) clashes with member ${other + 1}'s; ask an admin.`,
      );
    instanceNames.set(name, i);
  });
  const pipelineNames = new Map<string, number>();
  input.compute.pipelines.forEach((p, i) => {
    const name = pipelineClusterName(p);
    const other = pipelineNames.get(name);
    if (other !== undefined)
      add(
        `compute.pipelines.${i}`,
        `This pipeline gives the same cluster name (${name}) as pipeline ${other + 1}; rename one of them.`,
      );
    pipelineNames.set(name, i);
  });
  return errors;
}

/** Builds the plan. Throws PlanNameError when a name cannot be made valid (the wizard and the CLI call checkPlanNames first). */
export function buildPlan(input: PlanInput): Plan {
  const nameErrors = checkPlanNames(input);
  if (Object.keys(nameErrors).length > 0) throw new PlanNameError(nameErrors);

  const scope = scopeSlugOf(input);
  const envs = orderedEnvironments(input.environments);
  // Members and admins come from relational tables in no guaranteed order: sort them so the plan
  // (and its hash) does not depend on the order they were loaded in.
  const sorted = {
    members: [...input.members].sort(byKey((m) => `${m.email}/${m.entraObjectId}`)),
    admins: [...input.settings.portalAdmins].sort(byKey((a) => `${a.entraObjectId}/${a.userId}`)),
  };
  const envSteps: PlanStep[] = [];
  const roleMatrix: RoleMatrixEntry[] = [];
  const customUse: CustomRoleUse = new Map();
  for (const env of envs) {
    const c = envContext(input, scope, env, sorted);
    const access = roleAssignmentSteps(c, customUse);
    const resources = [
      resourceGroupStep(c),
      storageAccountStep(c),
      keyVaultStep(c),
      applicationInsightsStep(c),
      workspaceStep(c),
      ...privateEndpointSteps(c),
      ...gitConnectionSteps(c),
      ...access.steps,
      ...computeInstanceSteps(c),
      ...computeClusterSteps(c),
    ];
    // The budget defaults to what this environment is estimated (and approved) to cost.
    const estimate = estimateCost({ steps: resources, environments: [env] }, input.settings.vmSizes);
    envSteps.push(...resources, budgetStep(c, estimate.byEnvironment[env] ?? 0));
    roleMatrix.push(...access.matrix);
  }
  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    requestId: input.requestId,
    scopeSlug: scope,
    region: input.region,
    environments: envs,
    steps: [...roleDefinitionSteps(input, customUse), ...envSteps],
    roleMatrix,
  };
}
