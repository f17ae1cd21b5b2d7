/**
 * The provisioning plan: a pure, deterministic function from a resolved request to the exact set of
 * ARM resources and role assignments the product rules implies, as a dependency graph of steps.
 *
 * Graph (per environment): resource group → storage account, key vault, application insights →
 * workspace → private endpoint → private DNS zone group; workspace → Git connection; workspace
 * (+ role definition) → role assignments; workspace (+ private endpoint when private) → compute.
 * Custom role definitions are subscription-level steps (environment null), shared by every
 * environment in that subscription.
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
import {
  CUSTOM_ROLES,
  customRoleGuid,
  customRoleName,
  isCustomRole,
  memberRoles,
  portalAdminRoles,
  roleAssignmentGuid,
  roleDefinitionId,
  roleDisplayName,
  type CustomRoleKey,
  type RoleKey,
} from "./roles";
import type { Plan, PlanEnvironment, PlanInput, PlanStep, RoleMatrixEntry, StepKind } from "./types";
import { ENVIRONMENTS, type ComputeSpec } from "@/lib/vocabulary";
import { addFieldError, type FieldErrors } from "@/lib/validation/field-errors";

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
};

export const PLAN_SCHEMA_VERSION = 1 as const;
/** Group id of an Azure ML workspace's private link resource. */
export const WORKSPACE_PRIVATE_LINK_GROUP = "amlworkspace";
/** How long an idle cluster node waits before scaling down. */
export const CLUSTER_SCALE_DOWN = "PT120S";
/** Pipeline clusters when the request names no development cluster to copy from. */
export const DEFAULT_PIPELINE_MAX_NODES = 2;

export class PlanNameError extends Error {
  constructor(public readonly fieldErrors: FieldErrors) {
    super(`The request's names break Azure's naming rules: ${Object.values(fieldErrors).flat().join("; ")}`);
    this.name = "PlanNameError";
  }
}

/**
 * Production pipeline clusters run on the first development cluster's VM size and max nodes (the
 * size the team develops on), or on the compute-instance size with DEFAULT_PIPELINE_MAX_NODES.
 */
export function pipelineClusterSpec(compute: ComputeSpec): { vmSize: string; maxNodes: number } {
  const first = compute.devClusters[0];
  return first
    ? { vmSize: first.vmSize, maxNodes: first.maxNodes }
    : { vmSize: compute.instanceVmSize, maxNodes: DEFAULT_PIPELINE_MAX_NODES };
}

export function orderedEnvironments(envs: readonly PlanEnvironment[]): PlanEnvironment[] {
  return ENVIRONMENTS.filter((e) => envs.includes(e));
}

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

const byKey =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

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
  const region = input.region;
  const { settings } = input;
  // Members and admins come from relational tables in no guaranteed order: sort them so the plan
  // (and its hash) does not depend on the order they were loaded in.
  const members = [...input.members].sort(byKey((m) => `${m.email}/${m.entraObjectId}`));
  const admins = [...settings.portalAdmins].sort(byKey((a) => `${a.entraObjectId}/${a.userId}`));

  const envSteps: PlanStep[] = [];
  const roleMatrix: RoleMatrixEntry[] = [];
  /** subscription → custom roles it needs */
  const customBySubscription = new Map<string, { keys: Set<CustomRoleKey>; envs: Set<PlanEnvironment> }>();

  for (const env of envs) {
    const sub = settings.subscriptions[env];
    const names = environmentNames(scope, env, region, sub);
    const tags = planTags(input, env);
    const rgId = `/subscriptions/${sub}/resourceGroups/${names.resourceGroup}`;
    const wsId = `${rgId}/providers/Microsoft.MachineLearningServices/workspaces/${names.workspace}`;
    const stId = `${rgId}/providers/Microsoft.Storage/storageAccounts/${names.storageAccount}`;
    const kvId = `${rgId}/providers/Microsoft.KeyVault/vaults/${names.keyVault}`;
    const appiId = `${rgId}/providers/Microsoft.Insights/components/${names.applicationInsights}`;
    const peId = `${rgId}/providers/Microsoft.Network/privateEndpoints/${names.privateEndpoint}`;
    const key = (s: string) => `${env}/${s}`;
    const inRg = { subscriptionId: sub, resourceGroup: names.resourceGroup, parent: null, scope: null };
    const inWs = { subscriptionId: sub, resourceGroup: names.resourceGroup, parent: names.workspace, scope: null };
    const isPrivate = input.visibility === "private";

    const step = (
      s: Omit<PlanStep, "environment" | "apiVersion" | "tags"> & { tags?: Record<string, string> },
    ): PlanStep => ({
      ...s,
      environment: env,
      apiVersion: API_VERSIONS[s.kind],
      tags: s.tags ?? tags,
    });

    envSteps.push(
      step({
        id: key("resourceGroup"),
        kind: "resourceGroup",
        name: names.resourceGroup,
        resourceId: rgId,
        dependsOn: [],
        target: { subscriptionId: sub, resourceGroup: names.resourceGroup, parent: null, scope: null },
        body: { location: region, tags },
      }),
      step({
        id: key("storageAccount"),
        kind: "storageAccount",
        name: names.storageAccount,
        resourceId: stId,
        dependsOn: [key("resourceGroup")],
        target: inRg,
        body: {
          location: region,
          tags,
          sku: { name: "Standard_LRS" },
          kind: "StorageV2",
          properties: {
            minimumTlsVersion: "TLS1_2",
            supportsHttpsTrafficOnly: true,
            allowBlobPublicAccess: false,
            // Compute instances need storage account key access (Azure ML compute instance docs).
            allowSharedKeyAccess: true,
          },
        },
      }),
      step({
        id: key("keyVault"),
        kind: "keyVault",
        name: names.keyVault,
        resourceId: kvId,
        dependsOn: [key("resourceGroup")],
        target: inRg,
        body: {
          location: region,
          tags,
          properties: {
            tenantId: settings.tenantId,
            sku: { family: "A", name: "standard" },
            enableRbacAuthorization: true,
            enableSoftDelete: true,
            softDeleteRetentionInDays: 90,
          },
        },
      }),
      step({
        id: key("applicationInsights"),
        kind: "applicationInsights",
        name: names.applicationInsights,
        resourceId: appiId,
        dependsOn: [key("resourceGroup")],
        target: inRg,
        body: { location: region, tags, kind: "web", properties: { Application_Type: "web" } },
      }),
      step({
        id: key("workspace"),
        kind: "workspace",
        name: names.workspace,
        resourceId: wsId,
        dependsOn: [key("storageAccount"), key("keyVault"), key("applicationInsights")],
        target: inRg,
        body: {
          location: region,
          tags,
          identity: { type: "SystemAssigned" },
          sku: { name: "Basic", tier: "Basic" },
          properties: {
            friendlyName: `${scope} (${env})`,
            description: `Azure ML ${env} workspace of ${scope}, request ${formatRequestNumber(input.requestNumber)}, managed by Atrium.`,
            storageAccount: stId,
            keyVault: kvId,
            applicationInsights: appiId,
            hbiWorkspace: false,
            v1LegacyMode: false,
            publicNetworkAccess: isPrivate ? "Disabled" : "Enabled",
            // Private workspaces get a managed network, so computes without public IPs need no customer subnet.
            ...(isPrivate ? { managedNetwork: { isolationMode: "AllowInternetOutbound" } } : {}),
          },
        },
      }),
    );

    const computeDeps = isPrivate ? [key("workspace"), key("privateEndpoint")] : [key("workspace")];

    if (isPrivate) {
      envSteps.push(
        step({
          id: key("privateEndpoint"),
          kind: "privateEndpoint",
          name: names.privateEndpoint,
          resourceId: peId,
          dependsOn: [key("workspace")],
          target: inRg,
          body: {
            location: region,
            tags,
            properties: {
              subnet: { id: settings.privateEndpointSubnetId },
              privateLinkServiceConnections: [
                {
                  name: `${names.privateEndpoint}-conn`,
                  properties: { privateLinkServiceId: wsId, groupIds: [WORKSPACE_PRIVATE_LINK_GROUP] },
                },
              ],
            },
          },
        }),
        step({
          id: key("privateDnsZoneGroup"),
          kind: "privateDnsZoneGroup",
          name: "default",
          resourceId: `${peId}/privateDnsZoneGroups/default`,
          dependsOn: [key("privateEndpoint")],
          target: {
            subscriptionId: sub,
            resourceGroup: names.resourceGroup,
            parent: names.privateEndpoint,
            scope: null,
          },
          body: {
            properties: {
              privateDnsZoneConfigs: settings.privateDnsZoneIds.map((zoneId) => ({
                name: (zoneId.split("/").pop() ?? zoneId).replace(/\./g, "-"),
                properties: { privateDnsZoneId: zoneId },
              })),
            },
          },
        }),
      );
    }

    if (input.gitRepositoryUrl) {
      const name = gitConnectionName(input.gitRepositoryUrl);
      envSteps.push(
        step({
          id: key("gitConnection"),
          kind: "gitConnection",
          name,
          resourceId: `${wsId}/connections/${name}`,
          dependsOn: [key("workspace")],
          target: inWs,
          body: { properties: { category: "Git", target: input.gitRepositoryUrl, authType: "None" } },
        }),
      );
    }

    // Role assignments at the workspace's scope.
    const principals = [
      ...members.map((m) => ({
        principalId: m.entraObjectId,
        principalKind: "member" as const,
        displayName: m.displayName,
        email: m.email as string | null,
        memberRole: m.role,
        roles: memberRoles(m.role, input.restriction, env),
      })),
      ...admins.map((a) => ({
        principalId: a.entraObjectId,
        principalKind: "portalAdmin" as const,
        displayName: a.displayName ?? a.email ?? a.userId,
        email: a.email ?? null,
        memberRole: null,
        roles: portalAdminRoles(),
      })),
    ];
    const seenAssignments = new Set<string>();
    for (const p of principals) {
      const entry: RoleMatrixEntry = {
        environment: env,
        principalId: p.principalId,
        principalKind: p.principalKind,
        displayName: p.displayName,
        email: p.email,
        memberRole: p.memberRole,
        roles: [],
      };
      for (const role of p.roles as RoleKey[]) {
        const rdId = roleDefinitionId(sub, role);
        const guid = roleAssignmentGuid(wsId, p.principalId, rdId);
        const stepId = key(`ra/${guid}`);
        entry.roles.push({
          roleName: roleDisplayName(role),
          roleDefinitionId: rdId,
          custom: isCustomRole(role),
          stepId,
        });
        if (seenAssignments.has(guid)) continue;
        seenAssignments.add(guid);
        const deps = [key("workspace")];
        if (isCustomRole(role)) {
          deps.push(`roledef/${customRoleGuid(sub, role)}`);
          const entryForSub = customBySubscription.get(sub) ?? {
            keys: new Set<CustomRoleKey>(),
            envs: new Set<PlanEnvironment>(),
          };
          entryForSub.keys.add(role);
          entryForSub.envs.add(env);
          customBySubscription.set(sub, entryForSub);
        }
        envSteps.push(
          step({
            id: stepId,
            kind: "roleAssignment",
            name: guid,
            resourceId: `${wsId}/providers/Microsoft.Authorization/roleAssignments/${guid}`,
            dependsOn: deps,
            target: { subscriptionId: sub, resourceGroup: names.resourceGroup, parent: null, scope: wsId },
            body: {
              properties: {
                roleDefinitionId: rdId,
                principalId: p.principalId,
                principalType: "User",
                description: `${roleDisplayName(role)} for ${p.displayName} in ${names.workspace} (Atrium)`,
              },
            },
          }),
        );
      }
      roleMatrix.push(entry);
    }

    // Compute, created by Atrium's identity (never by the data scientist).
    if (env === "dev") {
      for (const m of members) {
        if (m.role !== "dataScientist") continue;
        const name = computeInstanceName(scope, env, sub, m.email, m.entraObjectId);
        envSteps.push(
          step({
            id: key(`ci/${name}`),
            kind: "computeInstance",
            name,
            resourceId: `${wsId}/computes/${name}`,
            dependsOn: computeDeps,
            target: inWs,
            body: {
              location: region,
              tags,
              properties: {
                computeType: "ComputeInstance",
                description: `Personal compute instance of ${m.displayName} (${m.email})`,
                disableLocalAuth: true,
                properties: {
                  vmSize: input.compute.instanceVmSize,
                  idleTimeBeforeShutdown: `PT${input.compute.idleShutdownMinutes}M`,
                  applicationSharingPolicy: "Personal",
                  computeInstanceAuthorizationType: "personal",
                  enableNodePublicIp: !isPrivate,
                  sshSettings: { sshPublicAccess: "Disabled" },
                  personalComputeInstanceSettings: {
                    assignedUser: { objectId: m.entraObjectId, tenantId: settings.tenantId },
                  },
                },
              },
            },
          }),
        );
      }
    }
    const clusters =
      env === "dev"
        ? input.compute.devClusters.map((c) => ({
            name: sizeClusterName(c.vmSize),
            vmSize: c.vmSize,
            maxNodes: c.maxNodes,
            description: `Shared ${c.vmSize} development cluster`,
          }))
        : input.compute.pipelines.map((p) => ({
            name: pipelineClusterName(p),
            ...pipelineClusterSpec(input.compute),
            description: `Cluster of the production pipeline ${p}`,
          }));
    for (const c of clusters) {
      envSteps.push(
        step({
          id: key(`cc/${c.name}`),
          kind: "computeCluster",
          name: c.name,
          resourceId: `${wsId}/computes/${c.name}`,
          dependsOn: computeDeps,
          target: inWs,
          body: {
            location: region,
            tags,
            properties: {
              computeType: "AmlCompute",
              description: c.description,
              disableLocalAuth: true,
              properties: {
                vmSize: c.vmSize,
                vmPriority: "Dedicated",
                osType: "Linux",
                scaleSettings: {
                  minNodeCount: 0,
                  maxNodeCount: c.maxNodes,
                  nodeIdleTimeBeforeScaleDown: CLUSTER_SCALE_DOWN,
                },
                remoteLoginPortPublicAccess: "Disabled",
                enableNodePublicIp: !isPrivate,
              },
            },
          },
        }),
      );
    }
  }

  const roleDefinitionSteps: PlanStep[] = [];
  for (const [sub, { keys, envs: subEnvs }] of [...customBySubscription.entries()].sort(byKey(([s]) => s))) {
    for (const roleKey of [...keys].sort()) {
      const def = CUSTOM_ROLES[roleKey];
      const guid = customRoleGuid(sub, roleKey);
      roleDefinitionSteps.push({
        id: `roledef/${guid}`,
        environment: null,
        kind: "roleDefinition",
        name: guid,
        resourceId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
        apiVersion: API_VERSIONS.roleDefinition,
        dependsOn: [],
        tags: planTags(input, orderedEnvironments([...subEnvs]).join("+")),
        target: { subscriptionId: sub, resourceGroup: null, parent: null, scope: `/subscriptions/${sub}` },
        body: {
          properties: {
            roleName: customRoleName(sub, roleKey),
            description: def.description,
            type: "CustomRole",
            permissions: [{ actions: def.actions, notActions: def.notActions, dataActions: [], notDataActions: [] }],
            assignableScopes: [`/subscriptions/${sub}`],
          },
        },
      });
    }
  }

  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    requestId: input.requestId,
    scopeSlug: scope,
    region,
    environments: envs,
    steps: [...roleDefinitionSteps, ...envSteps],
    roleMatrix,
  };
}

export function formatRequestNumber(n: number): string {
  return `REQ-${String(n).padStart(5, "0")}`;
}
