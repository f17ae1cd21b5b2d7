/**
 * The change plan: what turns a live workspace set's current desired state into a new one, as the
 * exact difference between the two full plans. Pure and deterministic, so the hash an approval binds
 * to is the same wherever it is recomputed.
 *
 * How a difference becomes steps, per kind:
 * - a step only in the desired plan is created, one only in the current plan is deleted, one in both
 *   with another wire body is updated in place (a PUT of the desired body);
 * - a compute instance cannot be changed in place (size, network): it is deleted with its VM and
 *   created again, and the delete carries a warning that its disk is lost. Its idle shutdown is the
 *   exception: an update;
 * - a cluster's VM size and network cannot change in place either: delete + create. Only its scale
 *   settings (and tags, description) are an update;
 * - custom role definitions are shared by every workspace set of a subscription: created when first
 *   needed, never deleted by a change.
 *
 * Order (each step's `dependsOn`, by change-step id), so that nothing is orphaned or left reachable:
 * 1. Role-assignment and compute deletes depend on nothing: revoking access never waits, and a compute
 *    with a public IP goes before the network it was built for changes.
 * 2. Any other delete waits for the deletes of everything in the current plan that depends on it
 *    (the reverse of the creation graph): no remaining resource ever points at a deleted one.
 * 3. Creates wait for the creates of their dependencies (a new environment comes up in creation
 *    order) and, when a resource is replaced under the same name, for its delete.
 * 4. Going private: the workspace's update that disables public access waits for the private endpoint
 *    and its DNS zone group, so the workspace is never cut off before the private path exists.
 * 5. Going public: the private endpoint and DNS zone group are deleted only after the update that
 *    enables public access, so the workspace is never unreachable to its users in between.
 * `steps` is listed in one topological order of that graph (revocations first, then creates and
 * updates in plan order, then the remaining deletes in reverse plan order).
 */
import { createHash } from "node:crypto";
import { estimateCost } from "./cost";
import { canonicalJson } from "./hash";
import type { Plan, PlanEnvironment, PlanStep, PlanVmSize, StepKind, StepTarget } from "./types";

export const CHANGE_PLAN_SCHEMA_VERSION = 1 as const;

export type ChangeOp = "create" | "update" | "delete";

export interface ChangeStep {
  op: ChangeOp;
  /** `${op}:${planStepId}`: unique, and a replace (delete + create of one name) keeps both. */
  id: string;
  /** The step of the current plan (deletes) or of the desired plan (creates, updates). */
  planStepId: string;
  environment: PlanEnvironment | null;
  kind: StepKind;
  name: string;
  resourceId: string;
  apiVersion: string;
  dependsOn: string[];
  /** The desired ARM wire body; null for deletes. */
  body: Record<string, unknown> | null;
  target: StepTarget;
  /** Query parameters of the DELETE (a compute instance goes with its VM: `underlyingResourceAction=Delete`). */
  deleteParameters: Record<string, string> | null;
  /** What a person must know before approving (e.g. a disk that is lost). */
  warning: string | null;
}

export interface CostDelta {
  currency: "USD";
  /** Desired minus current monthly estimate (negative: the change saves money). */
  monthly: number;
  ceilingMonthly: number;
  byEnvironment: Partial<Record<PlanEnvironment, number>>;
}

export interface ChangePlan {
  schemaVersion: typeof CHANGE_PLAN_SCHEMA_VERSION;
  planHash: string;
  steps: ChangeStep[];
  costDelta: CostDelta;
  warnings: string[];
}

const cents = (n: number) => Math.round(n * 100) / 100;
const stepId = (op: ChangeOp, id: string) => `${op}:${id}`;
const isCompute = (k: StepKind) => k === "computeInstance" || k === "computeCluster";

type ComputeBody = { tags?: unknown; properties?: { description?: unknown; properties?: Record<string, unknown> } };

/** The parts of a compute body Azure cannot change in place (all but tags, description and, for clusters, scale settings). */
function immutableComputePart(step: PlanStep): string {
  const body = step.body as ComputeBody;
  const inner = { ...(body.properties?.properties ?? {}) };
  if (step.kind === "computeCluster") delete inner.scaleSettings;
  // Azure changes a compute instance's idle shutdown in place (updateIdleShutdownSetting): no disk is lost for it.
  if (step.kind === "computeInstance") delete inner.idleTimeBeforeShutdown;
  return canonicalJson({
    ...body,
    tags: null,
    properties: { ...body.properties, description: null, properties: inner },
  });
}

/**
 * Structural equality as canonical JSON sees it (key order ignored, undefined members absent), without
 * building strings: a plan read back from storage (jsonb reorders keys) compares equal to a fresh one.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bs = b as unknown[];
    return a.length === bs.length && a.every((v, i) => sameJson(v ?? null, bs[i] ?? null));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = (o: Record<string, unknown>) => Object.keys(o).filter((k) => o[k] !== undefined);
  const ak = keys(ao);
  return ak.length === keys(bo).length && ak.every((k) => Object.hasOwn(bo, k) && sameJson(ao[k], bo[k]));
}

function sameWire(a: PlanStep, b: PlanStep): boolean {
  return (
    a.name === b.name &&
    a.resourceId === b.resourceId &&
    a.apiVersion === b.apiVersion &&
    sameJson(a.target, b.target) &&
    sameJson(a.body, b.body)
  );
}

/** How a step in both plans changes: not at all, in place, or by delete + create. */
function changeOf(current: PlanStep, desired: PlanStep): "none" | "update" | "replace" {
  if (sameWire(current, desired)) return "none";
  if (current.resourceId.toLowerCase() !== desired.resourceId.toLowerCase() || current.kind !== desired.kind)
    return "replace";
  if (isCompute(desired.kind) && immutableComputePart(current) !== immutableComputePart(desired)) return "replace";
  return "update";
}

function deleteStep(s: PlanStep): ChangeStep {
  const instance = s.kind === "computeInstance";
  const owner = String((s.body as ComputeBody).properties?.description ?? s.name);
  return {
    op: "delete",
    id: stepId("delete", s.id),
    planStepId: s.id,
    environment: s.environment,
    kind: s.kind,
    name: s.name,
    resourceId: s.resourceId,
    apiVersion: s.apiVersion,
    dependsOn: [],
    body: null,
    target: s.target,
    deleteParameters: instance ? { underlyingResourceAction: "Delete" } : null,
    warning: instance
      ? `${owner} (${s.name}) is deleted with its virtual machine: its disk and every file on it are lost.`
      : null,
  };
}

function putStep(op: "create" | "update", s: PlanStep): ChangeStep {
  return {
    op,
    id: stepId(op, s.id),
    planStepId: s.id,
    environment: s.environment,
    kind: s.kind,
    name: s.name,
    resourceId: s.resourceId,
    apiVersion: s.apiVersion,
    dependsOn: [],
    body: s.body,
    target: s.target,
    deleteParameters: null,
    warning: null,
  };
}

const publicAccess = (s: PlanStep | undefined) =>
  (s?.body as { properties?: { publicNetworkAccess?: string } } | undefined)?.properties?.publicNetworkAccess;

/** The change steps between two plans of one workspace set, with their dependencies (see the order above). */
export function diffPlans(current: Pick<Plan, "steps">, desired: Pick<Plan, "steps">): ChangeStep[] {
  const cur = new Map(current.steps.map((s) => [s.id, s]));
  const des = new Map(desired.steps.map((s) => [s.id, s]));
  const byId = new Map<string, ChangeStep>();
  const add = (c: ChangeStep) => byId.set(c.id, c);
  for (const s of current.steps) {
    const d = des.get(s.id);
    // Custom roles are shared by every set in the subscription: a change never deletes one.
    if (!d && s.kind !== "roleDefinition") add(deleteStep(s));
    if (d && changeOf(s, d) === "replace") add(deleteStep(s));
  }
  for (const d of desired.steps) {
    const s = cur.get(d.id);
    if (!s) add(putStep("create", d));
    else {
      const how = changeOf(s, d);
      if (how === "replace") add(putStep("create", d));
      if (how === "update") add(putStep("update", d));
    }
  }
  const has = (id: string) => byId.has(id);
  const dependents = new Map<string, string[]>();
  for (const s of current.steps)
    for (const d of s.dependsOn) {
      const list = dependents.get(d);
      if (list) list.push(s.id);
      else dependents.set(d, [s.id]);
    }

  for (const c of byId.values()) {
    const deps = new Set<string>();
    if (c.op === "delete") {
      for (const y of dependents.get(c.planStepId) ?? []) if (has(stepId("delete", y))) deps.add(stepId("delete", y));
      const wsUpdate = stepId("update", `${c.environment}/workspace`);
      if (
        (c.kind === "privateEndpoint" || c.kind === "privateDnsZoneGroup") &&
        has(wsUpdate) &&
        publicAccess(des.get(`${c.environment}/workspace`)) === "Enabled"
      )
        deps.add(wsUpdate);
    } else {
      const d = des.get(c.planStepId)!;
      for (const dep of d.dependsOn) if (has(stepId("create", dep))) deps.add(stepId("create", dep));
      if (c.op === "create" && has(stepId("delete", d.id))) deps.add(stepId("delete", d.id));
      if (c.op === "update" && d.kind === "workspace" && publicAccess(d) === "Disabled") {
        for (const k of ["privateEndpoint", "privateDnsZoneGroup"])
          if (has(stepId("create", `${d.environment}/${k}`))) deps.add(stepId("create", `${d.environment}/${k}`));
      }
    }
    c.dependsOn = [...deps].sort();
  }
  return topologicalOrder(byId, current, desired);
}

/** Kahn's algorithm with a fixed tie-break, so the listed order is deterministic and readable. */
function topologicalOrder(
  byId: Map<string, ChangeStep>,
  current: Pick<Plan, "steps">,
  desired: Pick<Plan, "steps">,
): ChangeStep[] {
  const curIndex = new Map(current.steps.map((s, i) => [s.id, i]));
  const desIndex = new Map(desired.steps.map((s, i) => [s.id, i]));
  const n = current.steps.length + desired.steps.length;
  const rank = (c: ChangeStep): number => {
    if (c.op === "delete" && c.kind === "roleAssignment") return curIndex.get(c.planStepId)!;
    if (c.op === "delete" && isCompute(c.kind)) return n + curIndex.get(c.planStepId)!;
    if (c.op !== "delete") return 2 * n + desIndex.get(c.planStepId)!;
    return 4 * n - curIndex.get(c.planStepId)!;
  };
  const waiting = new Map([...byId.values()].map((c) => [c.id, c.dependsOn.length]));
  const after = new Map<string, string[]>();
  for (const c of byId.values()) for (const d of c.dependsOn) after.set(d, [...(after.get(d) ?? []), c.id]);
  const ready = [...byId.values()].filter((c) => c.dependsOn.length === 0);
  const out: ChangeStep[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => rank(a) - rank(b));
    const next = ready.shift()!;
    out.push(next);
    for (const id of after.get(next.id) ?? []) {
      const left = waiting.get(id)! - 1;
      waiting.set(id, left);
      if (left === 0) ready.push(byId.get(id)!);
    }
  }
  if (out.length !== byId.size) throw new Error("diffPlans: the change steps' dependencies form a cycle");
  return out;
}

/** SHA-256 of the canonical JSON of the schema version and the steps, the same way a plan's hash is made. */
export function changePlanHash(steps: readonly ChangeStep[]): string {
  const digest = createHash("sha256")
    .update(canonicalJson({ schemaVersion: CHANGE_PLAN_SCHEMA_VERSION, kind: "change", steps }))
    .digest("hex");
  return `sha256:${digest}`;
}

export function costDelta(
  current: Pick<Plan, "steps" | "environments">,
  desired: Pick<Plan, "steps" | "environments">,
  vmSizes: PlanVmSize[],
): CostDelta {
  const a = estimateCost(current, vmSizes);
  const b = estimateCost(desired, vmSizes);
  const byEnvironment: Partial<Record<PlanEnvironment, number>> = {};
  for (const env of new Set([...current.environments, ...desired.environments]))
    byEnvironment[env] = cents((b.byEnvironment[env] ?? 0) - (a.byEnvironment[env] ?? 0));
  return {
    currency: "USD",
    monthly: cents(b.monthlyTotal - a.monthlyTotal),
    ceilingMonthly: cents(b.ceilingMonthlyTotal - a.ceilingMonthlyTotal),
    byEnvironment,
  };
}

/** The change plan between two plans of one set (build them with `buildPlan` from the two documents). */
export function changePlanOf(
  current: Pick<Plan, "steps" | "environments">,
  desired: Pick<Plan, "steps" | "environments">,
  vmSizes: PlanVmSize[],
): ChangePlan {
  const steps = diffPlans(current, desired);
  return {
    schemaVersion: CHANGE_PLAN_SCHEMA_VERSION,
    planHash: changePlanHash(steps),
    steps,
    costDelta: costDelta(current, desired, vmSizes),
    warnings: steps.flatMap((s) => (s.warning ? [s.warning] : [])),
  };
}
