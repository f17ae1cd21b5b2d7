/**
 * What every per-resource builder needs about one environment of a workspace set: its names, the
 * ids of the resources others point at, its tags and a step factory that fills in the environment,
 * api-version and tags. Pure.
 */
import { environmentNames, type EnvironmentNames } from "../naming";
import type { PlanEnvironment, PlanInput, PlanMember, PlanSettings, PlanStep, StepKind } from "../types";

/** api-versions of the wire bodies (the installed SDKs' defaults, ML at 2024-04-01). */
export const API_VERSIONS: Record<StepKind, string> = {
  resourceGroup: "2025-04-01",
  storageAccount: "2025-08-01",
  keyVault: "2026-02-01",
  applicationInsights: "2015-05-01",
  workspace: "2024-04-01",
  privateEndpoint: "2025-05-01",
  privateDnsZoneGroup: "2025-05-01",
  roleDefinition: "2022-04-01",
  roleAssignment: "2022-04-01",
  computeInstance: "2024-04-01",
  computeCluster: "2024-04-01",
  gitConnection: "2024-04-01",
  budget: "2021-10-01",
};

/** Group id of an Azure ML workspace's private link resource. */
export const WORKSPACE_PRIVATE_LINK_GROUP = "amlworkspace";
/** How long an idle cluster node waits before scaling down. */
export const CLUSTER_SCALE_DOWN = "PT120S";
/** Pipeline clusters when the request names no development cluster to copy from. */
export const DEFAULT_PIPELINE_MAX_NODES = 2;

/** The request's tags (the product rules "Names and tags"). */
export function planTags(input: PlanInput, environment: string): Record<string, string> {
  return {
    team: input.team.slug,
    project: input.pattern === "project" && input.project ? input.project.slug : "none",
    environment,
    "cost-center": input.costCenter,
    "requested-by": input.requestedBy,
    "request-id": input.requestId,
    "managed-by": "atrium",
  };
}

type StepTemplate = Omit<PlanStep, "environment" | "apiVersion" | "tags"> & { tags?: Record<string, string> };

export interface EnvContext {
  input: PlanInput;
  settings: PlanSettings;
  scope: string;
  env: PlanEnvironment;
  sub: string;
  region: string;
  names: EnvironmentNames;
  tags: Record<string, string>;
  isPrivate: boolean;
  /** Members sorted by e-mail and object id (the plan must not depend on load order). */
  members: PlanMember[];
  admins: PlanSettings["portalAdmins"];
  ids: { rg: string; ws: string; st: string; kv: string; appi: string; pe: string };
  /** `${env}/${s}`: step ids are unique per environment. */
  key: (s: string) => string;
  step: (s: StepTemplate) => PlanStep;
  /** Targets of resources in the resource group and of the workspace's children. */
  inRg: PlanStep["target"];
  inWs: PlanStep["target"];
}

export function envContext(
  input: PlanInput,
  scope: string,
  env: PlanEnvironment,
  sorted: { members: PlanMember[]; admins: PlanSettings["portalAdmins"] },
): EnvContext {
  const { settings, region } = input;
  const sub = settings.subscriptions[env];
  const names = environmentNames(scope, env, region, sub);
  const tags = planTags(input, env);
  const rg = `/subscriptions/${sub}/resourceGroups/${names.resourceGroup}`;
  const ws = `${rg}/providers/Microsoft.MachineLearningServices/workspaces/${names.workspace}`;
  return {
    input,
    settings,
    scope,
    env,
    sub,
    region,
    names,
    tags,
    isPrivate: input.visibility === "private",
    ...sorted,
    ids: {
      rg,
      ws,
      st: `${rg}/providers/Microsoft.Storage/storageAccounts/${names.storageAccount}`,
      kv: `${rg}/providers/Microsoft.KeyVault/vaults/${names.keyVault}`,
      appi: `${rg}/providers/Microsoft.Insights/components/${names.applicationInsights}`,
      pe: `${rg}/providers/Microsoft.Network/privateEndpoints/${names.privateEndpoint}`,
    },
    key: (s) => `${env}/${s}`,
    step: (s) => ({ ...s, environment: env, apiVersion: API_VERSIONS[s.kind], tags: s.tags ?? tags }),
    inRg: { subscriptionId: sub, resourceGroup: names.resourceGroup, parent: null, scope: null },
    inWs: { subscriptionId: sub, resourceGroup: names.resourceGroup, parent: names.workspace, scope: null },
  };
}
