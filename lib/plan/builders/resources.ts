/**
 * Builders of an environment's fixed resources: resource group, storage account, key vault,
 * Application Insights, the workspace, the private endpoint with its DNS zone group, and the Git
 * connection. Each returns the steps of one resource kind; `buildPlan` composes them. Pure.
 */
import { gitConnectionName } from "../naming";
import type { PlanStep } from "../types";
import { WORKSPACE_PRIVATE_LINK_GROUP, type EnvContext } from "./context";

export function formatRequestNumber(n: number): string {
  return `REQ-${String(n).padStart(5, "0")}`;
}

export function resourceGroupStep(c: EnvContext): PlanStep {
  return c.step({
    id: c.key("resourceGroup"),
    kind: "resourceGroup",
    name: c.names.resourceGroup,
    resourceId: c.ids.rg,
    dependsOn: [],
    target: { subscriptionId: c.sub, resourceGroup: c.names.resourceGroup, parent: null, scope: null },
    body: { location: c.region, tags: c.tags },
  });
}

export function storageAccountStep(c: EnvContext): PlanStep {
  return c.step({
    id: c.key("storageAccount"),
    kind: "storageAccount",
    name: c.names.storageAccount,
    resourceId: c.ids.st,
    dependsOn: [c.key("resourceGroup")],
    target: c.inRg,
    body: {
      location: c.region,
      tags: c.tags,
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
  });
}

export function keyVaultStep(c: EnvContext): PlanStep {
  return c.step({
    id: c.key("keyVault"),
    kind: "keyVault",
    name: c.names.keyVault,
    resourceId: c.ids.kv,
    dependsOn: [c.key("resourceGroup")],
    target: c.inRg,
    body: {
      location: c.region,
      tags: c.tags,
      properties: {
        tenantId: c.settings.tenantId,
        sku: { family: "A", name: "standard" },
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
      },
    },
  });
}

export function applicationInsightsStep(c: EnvContext): PlanStep {
  return c.step({
    id: c.key("applicationInsights"),
    kind: "applicationInsights",
    name: c.names.applicationInsights,
    resourceId: c.ids.appi,
    dependsOn: [c.key("resourceGroup")],
    target: c.inRg,
    body: { location: c.region, tags: c.tags, kind: "web", properties: { Application_Type: "web" } },
  });
}

export function workspaceStep(c: EnvContext): PlanStep {
  const { scope, env } = c;
  return c.step({
    id: c.key("workspace"),
    kind: "workspace",
    name: c.names.workspace,
    resourceId: c.ids.ws,
    dependsOn: [c.key("storageAccount"), c.key("keyVault"), c.key("applicationInsights")],
    target: c.inRg,
    body: {
      location: c.region,
      tags: c.tags,
      identity: { type: "SystemAssigned" },
      sku: { name: "Basic", tier: "Basic" },
      properties: {
        friendlyName: `${scope} (${env})`,
        description: `Azure ML ${env} workspace of ${scope}, request ${formatRequestNumber(c.input.requestNumber)}, managed by Atrium.`,
        storageAccount: c.ids.st,
        keyVault: c.ids.kv,
        applicationInsights: c.ids.appi,
        hbiWorkspace: false,
        v1LegacyMode: false,
        publicNetworkAccess: c.isPrivate ? "Disabled" : "Enabled",
        // Private workspaces get a managed network, so computes without public IPs need no customer subnet.
        ...(c.isPrivate ? { managedNetwork: { isolationMode: "AllowInternetOutbound" } } : {}),
      },
    },
  });
}

/** The private endpoint into the hub subnet and its DNS zone group; none when the set is public. */
export function privateEndpointSteps(c: EnvContext): PlanStep[] {
  if (!c.isPrivate) return [];
  const { names } = c;
  return [
    c.step({
      id: c.key("privateEndpoint"),
      kind: "privateEndpoint",
      name: names.privateEndpoint,
      resourceId: c.ids.pe,
      dependsOn: [c.key("workspace")],
      target: c.inRg,
      body: {
        location: c.region,
        tags: c.tags,
        properties: {
          subnet: { id: c.settings.privateEndpointSubnetId },
          privateLinkServiceConnections: [
            {
              name: `${names.privateEndpoint}-conn`,
              properties: { privateLinkServiceId: c.ids.ws, groupIds: [WORKSPACE_PRIVATE_LINK_GROUP] },
            },
          ],
        },
      },
    }),
    c.step({
      id: c.key("privateDnsZoneGroup"),
      kind: "privateDnsZoneGroup",
      name: "default",
      resourceId: `${c.ids.pe}/privateDnsZoneGroups/default`,
      dependsOn: [c.key("privateEndpoint")],
      target: { subscriptionId: c.sub, resourceGroup: names.resourceGroup, parent: names.privateEndpoint, scope: null },
      body: {
        properties: {
          privateDnsZoneConfigs: c.settings.privateDnsZoneIds.map((zoneId) => ({
            name: (zoneId.split("/").pop() ?? zoneId).replace(/\./g, "-"),
            properties: { privateDnsZoneId: zoneId },
          })),
        },
      },
    }),
  ];
}

export function gitConnectionSteps(c: EnvContext): PlanStep[] {
  const url = c.input.gitRepositoryUrl;
  if (!url) return [];
  const name = gitConnectionName(url);
  return [
    c.step({
      id: c.key("gitConnection"),
      kind: "gitConnection",
      name,
      resourceId: `${c.ids.ws}/connections/${name}`,
      dependsOn: [c.key("workspace")],
      target: c.inWs,
      body: { properties: { category: "Git", target: url, authType: "None" } },
    }),
  ];
}
