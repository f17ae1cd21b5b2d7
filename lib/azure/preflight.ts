/**
 * The Azure reads behind the pre-approval checks (lib/checks), through the SDK clients of the one factory (so they
 * share its throttle: reads take tokens from the subscription's read bucket, checkPolicyRestrictions — a POST — from
 * its write bucket). Each function returns plain data; lib/checks decides what it means.
 * - Azure ML quota: `virtualMachineSizes.list(location)` (family, vCPUs) and `usages.list(location)` (current value
 *   and limit per VM family, the regional total and the compute count).
 * - Azure Policy: `policyRestrictions.checkAtResourceGroupScope` with a planned body when the resource group exists;
 *   before it exists, at the subscription's scope (policies assigned to a group that does not exist yet cannot apply).
 * - Names: `vaults.listDeleted()` (soft-deleted key vaults hold their names; arm-machinelearning 2.1.1 — like Azure's
 *   stable API — has no listing of soft-deleted workspaces, so lib/checks asks Atrium's own records for those).
 * - Role assignments: `roleAssignments.listForSubscription()` counted against the subscription's limit.
 */
import "server-only";
import type { ClientFactory } from "./clients";

export interface VmSizeFacts {
  name: string;
  family: string;
  vCPUs: number;
}

export interface UsageFacts {
  name: string;
  currentValue: number;
  limit: number;
}

export interface PolicyFieldRestriction {
  field: string;
  result: string;
  values: string[];
  policyEffect: string;
  policyAssignmentId: string | null;
  reason: string | null;
}

export interface DeletedVaultFacts {
  name: string;
  scheduledPurgeDate: string | null;
  purgeProtectionEnabled: boolean;
}

export async function readVmSizes(factory: ClientFactory, subscriptionId: string, location: string) {
  const res = await factory.forSubscription(subscriptionId).ml.virtualMachineSizes.list(location);
  return (res.value ?? []).map((s): VmSizeFacts => ({
    name: s.name ?? "",
    family: s.family ?? "",
    vCPUs: s.vCPUs ?? 0,
  }));
}

export async function readUsages(factory: ClientFactory, subscriptionId: string, location: string) {
  const out: UsageFacts[] = [];
  for await (const u of factory.forSubscription(subscriptionId).ml.usages.list(location)) {
    out.push({
      name: u.name?.value ?? u.name?.localizedValue ?? "",
      currentValue: u.currentValue ?? 0,
      limit: u.limit ?? 0,
    });
  }
  return out;
}

export async function resourceGroupExists(factory: ClientFactory, subscriptionId: string, resourceGroup: string) {
  const res = await factory.forSubscription(subscriptionId).resources.resourceGroups.checkExistence(resourceGroup);
  return res.body === true;
}

/** The field restrictions Azure Policy places on one planned resource (an empty list: nothing restricts it). */
export async function checkPolicyRestrictions(
  factory: ClientFactory,
  subscriptionId: string,
  resourceGroup: string | null,
  resourceContent: Record<string, unknown>,
  apiVersion: string,
): Promise<PolicyFieldRestriction[]> {
  const client = factory.forSubscription(subscriptionId).policyInsights.policyRestrictions;
  const request = { resourceDetails: { resourceContent, apiVersion } };
  const result = resourceGroup
    ? await client.checkAtResourceGroupScope(resourceGroup, request)
    : await client.checkAtSubscriptionScope(request);
  return (result.fieldRestrictions ?? []).flatMap((f) =>
    (f.restrictions ?? []).map((r) => ({
      field: f.field ?? "",
      result: r.result ?? "",
      values: r.values ?? [],
      policyEffect: r.policyEffect ?? "",
      policyAssignmentId: r.policy?.policyAssignmentId ?? null,
      reason: r.reason ?? null,
    })),
  );
}

export async function listDeletedVaults(factory: ClientFactory, subscriptionId: string) {
  const out: DeletedVaultFacts[] = [];
  for await (const v of factory.forSubscription(subscriptionId).keyVault.vaults.listDeleted()) {
    out.push({
      name: v.name ?? "",
      scheduledPurgeDate: v.properties?.scheduledPurgeDate?.toISOString() ?? null,
      purgeProtectionEnabled: v.properties?.purgeProtectionEnabled ?? false,
    });
  }
  return out;
}

export async function countRoleAssignments(factory: ClientFactory, subscriptionId: string): Promise<number> {
  let n = 0;
  for await (const page of factory
    .forSubscription(subscriptionId)
    .authorization.roleAssignments.listForSubscription()
    .byPage()) {
    n += page.length;
  }
  return n;
}
