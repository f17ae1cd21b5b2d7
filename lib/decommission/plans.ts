/**
 * The change plans of a set's end of life, built from its desired plan (pure, deterministic: approvals bind to the hash).
 *
 * Decommission — per environment, in layers; every step waits for every step of the layer before it:
 *   1. stop compute: every cluster scaled to min 0 / max 0 (an update; compute instances go in layer 3, and an
 *      expired lease has stopped them already);
 *   2. revoke people: the members' role assignments (revoking access is never delayed behind anything);
 *   3. delete compute instances (with their VMs) and clusters, and the Git connection;
 *   4. delete the private DNS zone group, then 5. the private endpoint — the workspace's public network access stays
 *      Disabled, so a private workspace is unreachable from then on, never reachable without its private path;
 *   6. delete the portal admins' role assignments (the admins keep control until only the workspace is left);
 *   7. delete the workspace: Azure keeps it soft-deleted for 14 days (recoverable, name held). The change engine has
 *      no workspace delete yet (lib/azure/steps/changes.ts refuses it), so this last step is not in the change plan:
 *      the scheduler soft-deletes the workspace right after the change's run succeeded (mutations.ts
 *      reconcileRetirements), before the set is marked soft-deleted — still last, and idempotent (204 when gone).
 * Kept until the purge: resource group, storage account, key vault and Application Insights (a workspace is recovered
 * only with the same dependent resources) and the custom role definitions (shared per subscription).
 *
 * Recovery — the creates of everything the decommission deleted, from the desired plan, in creation order: the
 * workspace first (re-created with the same name, region and dependent resources, which Azure treats as a recovery),
 * then the private endpoint and zone group, role assignments, computes and the Git connection.
 */
import { changePlanHash, costDelta, diffPlans, type ChangePlan, type ChangeStep } from "@/lib/plan/change-plan";
import type { Plan, PlanEnvironment, PlanStep, PlanVmSize, StepKind } from "@/lib/plan/types";

/** What a decommission deletes; everything else (resource group, storage, key vault, App Insights, custom roles,
 * anything scoped to the resource group) stays for the purge, and a recovery needs it in place. */
export const DELETED_KINDS: ReadonlySet<StepKind> = new Set([
  "roleAssignment",
  "computeInstance",
  "computeCluster",
  "gitConnection",
  "privateDnsZoneGroup",
  "privateEndpoint",
  "workspace",
]);
const keptOf = (desired: Plan) => ({
  steps: desired.steps.filter((s) => !DELETED_KINDS.has(s.kind)),
  environments: desired.environments,
});

type Layer = 1 | 2 | 3 | 4 | 5 | 6 | 7;

function layerOf(step: PlanStep, adminStepIds: ReadonlySet<string>): Layer | null {
  switch (step.kind) {
    case "roleAssignment":
      return adminStepIds.has(step.id) ? 6 : 2;
    case "computeInstance":
    case "computeCluster":
    case "gitConnection":
      return 3;
    case "privateDnsZoneGroup":
      return 4;
    case "privateEndpoint":
      return 5;
    default:
      return null;
  }
}

const base = (s: PlanStep) => ({
  planStepId: s.id,
  environment: s.environment,
  kind: s.kind,
  name: s.name,
  resourceId: s.resourceId,
  apiVersion: s.apiVersion,
  dependsOn: [] as string[],
  target: s.target,
  warning: null as string | null,
});

function deleteOf(s: PlanStep): ChangeStep {
  const instance = s.kind === "computeInstance";
  const owner = String((s.body as { properties?: { description?: unknown } }).properties?.description ?? s.name);
  return {
    ...base(s),
    op: "delete",
    id: `delete:${s.id}`,
    body: null,
    deleteParameters: instance ? { underlyingResourceAction: "Delete" } : null,
    warning: instance
      ? `${owner} (${s.name}) is deleted with its virtual machine: its disk and every file on it are lost.`
      : null,
  };
}

/** The cluster's planned body with its scale settings at 0 nodes (the engine PATCHes a cluster's scale settings). */
function scaleToZero(s: PlanStep): ChangeStep {
  const body = structuredClone(s.body) as { properties?: { properties?: { scaleSettings?: Record<string, unknown> } } };
  const inner = (body.properties ??= {}).properties ?? (body.properties.properties = {});
  inner.scaleSettings = { ...(inner.scaleSettings ?? {}), minNodeCount: 0, maxNodeCount: 0 };
  return {
    ...base(s),
    op: "update",
    id: `update:${s.id}`,
    body: body as Record<string, unknown>,
    deleteParameters: null,
  };
}

/** The decommission change plan of a set whose desired plan is `desired`. */
export function decommissionPlan(desired: Plan, vmSizes: PlanVmSize[]): ChangePlan {
  const adminStepIds = new Set(
    desired.roleMatrix.filter((e) => e.principalKind === "portalAdmin").flatMap((e) => e.roles.map((r) => r.stepId)),
  );
  const layers = new Map<string, ChangeStep[]>();
  const put = (env: PlanEnvironment | null, layer: Layer, step: ChangeStep) => {
    const key = `${env}/${layer}`;
    layers.set(key, [...(layers.get(key) ?? []), step]);
  };
  for (const s of desired.steps) {
    if (s.kind === "computeCluster") put(s.environment, 1, scaleToZero(s));
    const layer = layerOf(s, adminStepIds);
    if (layer) put(s.environment, layer, deleteOf(s));
  }
  const steps: ChangeStep[] = [];
  for (const env of desired.environments) {
    let previous: string[] = [];
    for (const layer of [1, 2, 3, 4, 5, 6, 7] as Layer[]) {
      const here = layers.get(`${env}/${layer}`) ?? [];
      if (here.length === 0) continue;
      for (const step of here) {
        step.dependsOn = [...previous].sort();
        steps.push(step);
      }
      previous = here.map((s) => s.id);
    }
  }
  return {
    schemaVersion: 1,
    planHash: changePlanHash(steps),
    steps,
    costDelta: costDelta(desired, keptOf(desired), vmSizes),
    warnings: steps.flatMap((s) => (s.warning ? [s.warning] : [])),
  };
}

/** The recovery change plan: re-create what the decommission deleted, as the desired plan says (creation order). */
export function recoveryPlan(desired: Plan, vmSizes: PlanVmSize[]): ChangePlan {
  const kept = keptOf(desired);
  const steps = diffPlans(kept, desired);
  return {
    schemaVersion: 1,
    planHash: changePlanHash(steps),
    steps,
    costDelta: costDelta(kept, desired, vmSizes),
    warnings: [],
  };
}

/** What the purge removes for good, per environment: the kept resources of the desired plan (and the workspace). */
export interface PurgeTarget {
  environment: PlanEnvironment;
  subscriptionId: string;
  resourceGroup: string;
  region: string;
  workspace: string;
  keyVault: string | null;
  storageAccount: string | null;
  applicationInsights: string | null;
}

export function purgeTargets(desired: Plan): PurgeTarget[] {
  return desired.environments.flatMap((env) => {
    const of = (kind: StepKind) => desired.steps.find((s) => s.environment === env && s.kind === kind);
    const rg = of("resourceGroup");
    const ws = of("workspace");
    if (!rg || !ws) return [];
    return [
      {
        environment: env,
        subscriptionId: rg.target.subscriptionId,
        resourceGroup: rg.name,
        region: desired.region,
        workspace: ws.name,
        keyVault: of("keyVault")?.name ?? null,
        storageAccount: of("storageAccount")?.name ?? null,
        applicationInsights: of("applicationInsights")?.name ?? null,
      },
    ];
  });
}
