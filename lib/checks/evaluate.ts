/**
 * Pure: what a plan needs from Azure and what the facts read from Azure say about it. No I/O, no clock — the facts
 * are gathered in run.ts; this module turns them into pass / warn / fail results, each saying what to do.
 *
 * - Quota (Azure ML, per subscription and region): a compute instance needs one node, a cluster its maximum nodes,
 *   each × the size's vCPUs; the need of this plan plus what other approved but not yet applied requests need is
 *   compared with limit − current use per VM family, for the regional total, and for the number of computes.
 *   Quota is a credit limit, not a capacity guarantee, so the engine runs the checks again before its first write.
 * - Azure Policy: the restrictions Azure reports for each planned body; a value policy denies (or does not allow)
 *   fails when the effect is Deny and warns when it only audits; reported against the request's field.
 * - Names: a key vault or workspace name held by a soft-deleted resource fails (creation would be refused).
 * - Role assignments: the subscription's limit (4,000) against what exists plus what this and the approved requests add.
 */
import type { PlanEnvironment } from "@/lib/plan/types";

export type CheckStatus = "pass" | "warn" | "fail";
export type CheckKind = "quota" | "policy" | "names" | "roleAssignments";

export interface CheckResult {
  kind: CheckKind;
  /** Stable within a run, e.g. "quota/<sub>/westeurope/ncsv3". */
  id: string;
  status: CheckStatus;
  title: string;
  detail: string;
  /** What to do about it (absent on a pass). */
  action?: string;
  /** The request's field the result is about (e.g. visibility, region, compute.devClusters). */
  field?: string;
  environment?: PlanEnvironment | null;
}

/** Azure's limit of role assignments per subscription (azure-facts §role assignments; Azure RBAC limits). */
export const ROLE_ASSIGNMENT_LIMIT = 4000;
/** Share of a limit above which a result warns. */
export const WARN_SHARE = 0.8;

/** The steps of a plan or change plan, as far as the checks read them. */
export interface CheckedStep {
  kind: string;
  /** create | update | delete (a creation plan's steps have none: create). */
  op?: string;
  environment: PlanEnvironment | null;
  name: string;
  resourceId: string;
  apiVersion?: string;
  target: { subscriptionId: string; resourceGroup: string | null };
  body: Record<string, unknown> | null;
}

export function worstStatus(results: readonly { status: CheckStatus }[]): CheckStatus {
  if (results.some((r) => r.status === "fail")) return "fail";
  if (results.some((r) => r.status === "warn")) return "warn";
  return "pass";
}

const adds = (s: CheckedStep) => (s.op ?? "create") !== "delete";

// ---- quota ---------------------------------------------------------------------------------------------------------

export interface ComputeNeed {
  subscriptionId: string;
  vmSize: string;
  vCPUs: number;
  /** One node for an instance, max nodes for a cluster. */
  nodes: number;
  /** Where it comes from: "dev/cc-ds11v2", or another request's number. */
  what: string;
}

type ComputeBody = {
  properties?: { computeType?: string; properties?: { vmSize?: string; scaleSettings?: { maxNodeCount?: number } } };
};

/** The computes a plan creates or resizes, with the nodes they may hold at most. */
export function computeNeeds(steps: readonly CheckedStep[], label = ""): Omit<ComputeNeed, "vCPUs">[] {
  const out: Omit<ComputeNeed, "vCPUs">[] = [];
  for (const s of steps) {
    if ((s.kind !== "computeInstance" && s.kind !== "computeCluster") || !adds(s) || !s.body) continue;
    const p = (s.body as ComputeBody).properties?.properties;
    const nodes = s.kind === "computeInstance" ? 1 : (p?.scaleSettings?.maxNodeCount ?? 0);
    out.push({
      subscriptionId: s.target.subscriptionId,
      vmSize: p?.vmSize ?? "",
      nodes,
      what: `${label}${s.environment ?? ""}/${s.name}`,
    });
  }
  return out;
}

/** "standardNCSv3Family" and "Standard NCSv3 Family Cluster Dedicated vCPUs" both give "ncsv3". */
export function familyKey(name: string): string | null {
  const n = name.toLowerCase().replace(/[^a-z0-9]/g, "");
  const m = /^standard(.+?)family(clusterdedicatedvcpus)?$/.exec(n);
  return m ? m[1] : null;
}

const isRegionalTotal = (usage: string) =>
  /^totalclusterdedicatedregionalvcpus$/.test(usage.toLowerCase().replace(/[^a-z0-9]/g, ""));
const isComputeCount = (usage: string) =>
  /^(clusters|computes|totalcomputes)$/.test(usage.toLowerCase().replace(/[^a-z0-9]/g, ""));
const isDedicatedFamily = (usage: string) =>
  /familyclusterdedicatedvcpus$/.test(usage.toLowerCase().replace(/[^a-z0-9]/g, ""));

export interface QuotaFacts {
  subscriptionId: string;
  region: string;
  vmSizes: { name: string; family: string; vCPUs: number }[];
  usages: { name: string; currentValue: number; limit: number }[];
}

function capacityResult(args: {
  id: string;
  title: string;
  unit: string;
  mine: number;
  pending: number;
  current: number;
  limit: number;
  action: string;
  field?: string;
}): CheckResult {
  const { mine, pending, current, limit, unit } = args;
  const free = limit - current - pending;
  const detail =
    `This request needs ${mine} ${unit}; ${current} in use and ${pending} approved for other requests not yet applied, ` +
    `of a limit of ${limit} (${Math.max(0, limit - current - pending)} free).`;
  const base = { kind: "quota" as const, id: args.id, title: args.title, detail, field: args.field, environment: null };
  if (mine > free) return { ...base, status: "fail", action: args.action };
  if (current + pending + mine > WARN_SHARE * limit)
    return {
      ...base,
      status: "warn",
      action: `After this request ${current + pending + mine} of ${limit} ${unit} are taken (over ${WARN_SHARE * 100} %): the next request may not fit. ${args.action}`,
    };
  return { ...base, status: "pass" };
}

/**
 * Quota results for one subscription and region: per VM family the plan uses, the regional total, the compute count.
 * `mine` and `pending` are the needs of this plan and of approved requests not yet applied, in that subscription.
 */
export function evaluateQuota(
  facts: QuotaFacts,
  mine: Omit<ComputeNeed, "vCPUs">[],
  pending: Omit<ComputeNeed, "vCPUs">[],
): CheckResult[] {
  const { subscriptionId, region } = facts;
  const sizes = new Map(facts.vmSizes.map((s) => [s.name.toLowerCase(), s]));
  const results: CheckResult[] = [];
  const coresBy = (needs: Omit<ComputeNeed, "vCPUs">[]) => {
    const byFamily = new Map<string, number>();
    let total = 0;
    for (const n of needs) {
      const size = sizes.get(n.vmSize.toLowerCase());
      const family = size ? familyKey(size.family) : null;
      if (!size || !family) continue;
      byFamily.set(family, (byFamily.get(family) ?? 0) + n.nodes * size.vCPUs);
      total += n.nodes * size.vCPUs;
    }
    return { byFamily, total };
  };
  for (const n of mine) {
    if (sizes.has(n.vmSize.toLowerCase())) continue;
    results.push({
      kind: "quota",
      id: `quota/${subscriptionId}/${region}/size/${n.vmSize}`,
      status: "fail",
      title: `${n.vmSize} is not offered in ${region}`,
      detail: `Azure Machine Learning lists no VM size ${n.vmSize} in ${region} for this subscription (${n.what}).`,
      action: "Choose another VM size, or ask an admin to remove this size from the allowed list for this region.",
      field: "compute",
      environment: null,
    });
  }
  const my = coresBy(mine);
  const theirs = coresBy(pending);
  const usage = (pred: (name: string) => boolean) => facts.usages.find((u) => pred(u.name));
  for (const [family, cores] of [...my.byFamily.entries()].sort()) {
    const row = facts.usages.find((u) => isDedicatedFamily(u.name) && familyKey(u.name) === family);
    if (!row) continue;
    const label = row.name.replace(/ Cluster Dedicated vCPUs$/i, "");
    results.push(
      capacityResult({
        id: `quota/${subscriptionId}/${region}/${family}`,
        title: `vCPU quota: ${label} in ${region}`,
        unit: "vCPUs",
        mine: cores,
        pending: theirs.byFamily.get(family) ?? 0,
        current: row.currentValue,
        limit: row.limit,
        action: `Ask for more ${label} quota in ${region} (Azure portal → Azure Machine Learning → Quotas), or lower the clusters' maximum nodes or choose another VM family.`,
        field: "compute",
      }),
    );
  }
  const total = usage(isRegionalTotal);
  if (total && my.total > 0) {
    results.push(
      capacityResult({
        id: `quota/${subscriptionId}/${region}/total`,
        title: `Regional vCPU quota in ${region}`,
        unit: "vCPUs",
        mine: my.total,
        pending: theirs.total,
        current: total.currentValue,
        limit: total.limit,
        action: `Ask for a higher regional dedicated vCPU quota in ${region}, or lower the clusters' maximum nodes.`,
        field: "compute",
      }),
    );
  }
  const computes = usage(isComputeCount);
  if (computes && mine.length > 0) {
    results.push(
      capacityResult({
        id: `quota/${subscriptionId}/${region}/computes`,
        title: `Computes in ${region}`,
        unit: "computes",
        mine: mine.length,
        pending: pending.length,
        current: computes.currentValue,
        limit: computes.limit,
        action: `Ask for a higher limit of computes per region (default 500, up to 2,500), or remove unused computes in ${region}.`,
      }),
    );
  }
  return results;
}

// ---- Azure Policy --------------------------------------------------------------------------------------------------

export interface Restriction {
  field: string;
  result: string;
  values: string[];
  policyEffect: string;
  policyAssignmentId: string | null;
  reason: string | null;
}

/** The request's field a policy field speaks about. */
export function requestFieldOf(policyField: string): string | undefined {
  const f = policyField.toLowerCase();
  if (f.endsWith("/publicnetworkaccess")) return "visibility";
  if (f === "location") return "region";
  if (f === "name") return "team";
  return undefined;
}

function plannedValue(step: CheckedStep, field: string): string | null {
  const body = step.body ?? {};
  const f = field.toLowerCase();
  if (f === "location" || f === "name" || f === "type") {
    const v = f === "name" ? step.name : body[f];
    return typeof v === "string" ? v : null;
  }
  const prop = field.split("/").pop() ?? field;
  const v = ((body.properties ?? {}) as Record<string, unknown>)[prop];
  return typeof v === "string" ? v : null;
}

/** Results for the restrictions Azure Policy reports on one planned resource. */
export function evaluatePolicy(step: CheckedStep, restrictions: Restriction[]): CheckResult[] {
  const out: CheckResult[] = [];
  restrictions.forEach((r, i) => {
    const value = plannedValue(step, r.field);
    const inValues = value !== null && r.values.some((v) => v.toLowerCase() === value.toLowerCase());
    const breaks = r.result === "Deny" ? inValues : r.values.length > 0 && !inValues;
    if (!breaks) return;
    const field = requestFieldOf(r.field);
    const assignment = r.policyAssignmentId?.split("/").pop() ?? "an Azure Policy assignment";
    const blocking = /^deny$/i.test(r.policyEffect) || r.result === "Deny" || r.result === "Removed";
    const wanted = r.result === "Deny" ? `anything but ${r.values.join(", ")}` : r.values.join(" or ");
    out.push({
      kind: "policy",
      id: `policy/${step.resourceId}/${r.field}/${i}`,
      status: blocking ? "fail" : "warn",
      title: `Azure Policy ${blocking ? "denies" : "audits"} ${step.name}: ${r.field.split("/").pop()}`,
      detail: `${r.reason ?? `Policy ${assignment} restricts ${r.field}.`} The plan sends ${value ?? "no value"}; policy ${assignment} wants ${wanted}.`,
      action:
        field === "visibility"
          ? `Change the request's network visibility to ${/disabled/i.test(r.values.join()) ? "private" : "match the policy"}, or ask the policy's owners for an exemption.`
          : field === "region"
            ? `Choose a region the policy allows (${r.values.join(", ")}), or ask the policy's owners for an exemption.`
            : `Change what the request asks for, or ask the policy's owners for an exemption from ${assignment}.`,
      field,
      environment: step.environment,
    });
  });
  return out;
}

// ---- names ---------------------------------------------------------------------------------------------------------

export interface HeldName {
  kind: "keyVault" | "workspace";
  name: string;
  /** Until when the name is held (null: unknown). */
  until: string | null;
  /** A purge is impossible (key vault purge protection): the name is held until `until`. */
  purgeBlocked?: boolean;
}

export function evaluateNames(steps: readonly CheckedStep[], held: HeldName[]): CheckResult[] {
  const out: CheckResult[] = [];
  for (const s of steps) {
    if (!adds(s) || (s.kind !== "keyVault" && s.kind !== "workspace")) continue;
    const h = held.find((x) => x.kind === s.kind && x.name.toLowerCase() === s.name.toLowerCase());
    if (!h) continue;
    const what = s.kind === "keyVault" ? "key vault" : "workspace";
    const until = h.until ? ` until ${h.until.slice(0, 10)}` : "";
    out.push({
      kind: "names",
      id: `names/${s.kind}/${s.name.toLowerCase()}`,
      status: "fail",
      title: `The ${what} name ${s.name} is held by a soft-deleted ${what}`,
      detail: `A soft-deleted ${what} keeps its name${until}; Azure refuses to create another ${what} with it.`,
      action: h.purgeBlocked
        ? `Purge protection keeps the deleted vault${until}: wait, or recover that vault instead of creating a new one.`
        : `Ask an admin to purge the soft-deleted ${what} (or recover the workspace set it belonged to), then re-run the checks.`,
      field: s.kind === "workspace" ? "team" : undefined,
      environment: s.environment,
    });
  }
  return out;
}

export function namesPass(steps: readonly CheckedStep[]): CheckResult {
  const n = steps.filter((s) => adds(s) && (s.kind === "keyVault" || s.kind === "workspace")).length;
  return {
    kind: "names",
    id: "names/all",
    status: "pass",
    title: "Names are free",
    detail: `None of the ${n} workspace and key vault names is held by a soft-deleted resource.`,
    environment: null,
  };
}

// ---- role assignments ----------------------------------------------------------------------------------------------

export function evaluateRoleAssignments(args: {
  subscriptionId: string;
  existing: number;
  mine: number;
  pending: number;
  limit?: number;
}): CheckResult {
  const limit = args.limit ?? ROLE_ASSIGNMENT_LIMIT;
  const after = args.existing + args.pending + args.mine;
  const base = {
    kind: "roleAssignments" as const,
    id: `roleAssignments/${args.subscriptionId}`,
    title: `Role assignments in subscription ${args.subscriptionId}`,
    detail: `This request adds ${args.mine}; ${args.existing} exist and ${args.pending} are approved for other requests not yet applied, of Azure's limit of ${limit} per subscription.`,
    environment: null,
  };
  if (after > limit)
    return {
      ...base,
      status: "fail",
      action:
        "Remove role assignments nobody needs any more (or assign roles to groups instead of people), then re-run the checks.",
    };
  if (after > WARN_SHARE * limit)
    return {
      ...base,
      status: "warn",
      action: `After this request ${after} of ${limit} are used: plan a clean-up, or assign roles to groups instead of people.`,
    };
  return { ...base, status: "pass" };
}

export function countAssignments(steps: readonly CheckedStep[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of steps) {
    if (s.kind !== "roleAssignment" || (s.op ?? "create") !== "create") continue;
    out.set(s.target.subscriptionId, (out.get(s.target.subscriptionId) ?? 0) + 1);
  }
  return out;
}
