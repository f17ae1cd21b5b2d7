/**
 * What restoring and accepting drift mean, as pure functions of the desired plan and the open findings.
 *
 * Restore: a ChangePlan that puts back the desired state and nothing else — a PUT of the desired body for a changed
 * resource (update), a create for a missing one (in plan order, after whatever it depends on that is missing too), a
 * delete for a role assignment added by hand. A compute whose VM size or owner changed cannot be changed in place: it
 * is deleted and created again (a compute instance loses its disk: the plan warns).
 *
 * Accept: the set's desired document takes the drifted values where the document can say them — a workspace's public
 * network access (the set's visibility), a compute instance's idle shutdown (the set's idle shutdown minutes), a dev
 * cluster's maximum nodes. Anything else cannot be accepted: it must be restored, or changed by a change request.
 */
import type { SetDocument } from "@/lib/changes/document";
import { changePlanHash, type ChangePlan, type ChangeStep, CHANGE_PLAN_SCHEMA_VERSION } from "@/lib/plan/change-plan";
import type { Plan, PlanStep } from "@/lib/plan/types";

/** The parts of a finding restore and accept need (a row of drift_findings). */
export interface FindingFacts {
  id: string;
  resourceId: string;
  resourceKind: string;
  resourceName: string;
  field: string;
  actual: unknown;
  environment: string | null;
}

const REPLACED_FIELDS = new Set(["vmSize", "assignedUser"]);
const lower = (s: string) => s.toLowerCase();

function changeStep(op: ChangeStep["op"], s: PlanStep): ChangeStep {
  const instance = s.kind === "computeInstance";
  return {
    op,
    id: `${op}:${s.id}`,
    planStepId: s.id,
    environment: s.environment,
    kind: s.kind,
    name: s.name,
    resourceId: s.resourceId,
    apiVersion: s.apiVersion,
    dependsOn: [],
    body: op === "delete" ? null : s.body,
    target: s.target,
    deleteParameters: op === "delete" && instance ? { underlyingResourceAction: "Delete" } : null,
    warning:
      op === "delete" && instance
        ? `${s.name} is deleted with its virtual machine and created again for its owner: its disk and every file on it are lost.`
        : null,
  };
}

/** A role assignment Atrium did not plan, deleted by its id (scope = everything before /providers/Microsoft.Authorization). */
function handAddedDelete(f: FindingFacts, apiVersion: string): ChangeStep {
  const scope = f.resourceId.replace(/\/providers\/Microsoft\.Authorization\/roleAssignments\/[^/]+$/i, "");
  const subscriptionId = /\/subscriptions\/([^/]+)/i.exec(f.resourceId)?.[1] ?? "";
  const resourceGroup = /\/resourceGroups\/([^/]+)/i.exec(f.resourceId)?.[1] ?? null;
  return {
    op: "delete",
    id: `delete:drift/ra/${lower(f.resourceName)}`,
    planStepId: `drift/ra/${lower(f.resourceName)}`,
    environment: (f.environment?.toLowerCase() as ChangeStep["environment"]) ?? null,
    kind: "roleAssignment",
    name: f.resourceName,
    resourceId: f.resourceId,
    apiVersion,
    dependsOn: [],
    body: null,
    target: { subscriptionId, resourceGroup, parent: null, scope },
    deleteParameters: null,
    warning: null,
  };
}

/** The ChangePlan that puts the desired state back for these findings. Throws when there is nothing to restore. */
export function restorePlan(plan: Plan, findings: readonly FindingFacts[]): ChangePlan {
  const byResource = new Map(plan.steps.map((s) => [lower(s.resourceId), s]));
  const raApiVersion = plan.steps.find((s) => s.kind === "roleAssignment")?.apiVersion ?? "2022-04-01";
  const how = new Map<string, "create" | "update" | "replace">();
  const deletes: ChangeStep[] = [];
  for (const f of findings) {
    const step = byResource.get(lower(f.resourceId));
    if (!step) {
      if (f.resourceKind === "roleAssignment") deletes.push(handAddedDelete(f, raApiVersion));
      continue;
    }
    const wanted = f.field === "exists" ? "create" : REPLACED_FIELDS.has(f.field) ? "replace" : "update";
    const before = how.get(step.id);
    // create > replace > update: one step per resource.
    if (before === "create" || (before === "replace" && wanted === "update")) continue;
    how.set(step.id, wanted);
  }
  const steps: ChangeStep[] = [...deletes];
  const created = new Map<string, ChangeStep>();
  for (const s of plan.steps) {
    const h = how.get(s.id);
    if (!h) continue;
    if (h === "replace") {
      const del = changeStep("delete", s);
      const create = changeStep("create", s);
      create.dependsOn = [del.id];
      steps.push(del, create);
      created.set(s.id, create);
    } else {
      const put = changeStep(h, s);
      put.dependsOn = s.dependsOn.filter((d) => created.has(d)).map((d) => created.get(d)!.id);
      steps.push(put);
      if (h === "create") created.set(s.id, put);
    }
  }
  if (steps.length === 0) throw new Error("Nothing to restore: the findings name no resource of the set.");
  return {
    schemaVersion: CHANGE_PLAN_SCHEMA_VERSION,
    planHash: changePlanHash(steps),
    steps,
    costDelta: { currency: "USD", monthly: 0, ceilingMonthly: 0, byEnvironment: {} },
    warnings: steps.flatMap((s) => (s.warning ? [s.warning] : [])),
  };
}

export type AcceptOutcome = { ok: true; desired: SetDocument; accepted: string[] } | { ok: false; reasons: string[] };

const MINUTES = /^PT(?:(\d+)H)?(?:(\d+)M)?$/;

/** The desired document with the drifted values, or why these findings cannot be accepted. */
export function acceptedDocument(current: SetDocument, plan: Plan, findings: readonly FindingFacts[]): AcceptOutcome {
  const desired: SetDocument = structuredClone(current);
  const reasons: string[] = [];
  const accepted: string[] = [];
  const byResource = new Map(plan.steps.map((s) => [lower(s.resourceId), s]));
  for (const f of findings) {
    const step = byResource.get(lower(f.resourceId));
    const what = `${f.resourceName}: ${f.field}`;
    if (step?.kind === "workspace" && f.field === "publicNetworkAccess") {
      const value = String(f.actual ?? "Enabled").toLowerCase();
      desired.visibility = value === "disabled" ? "private" : "public";
      accepted.push(what);
    } else if (
      step?.kind === "computeInstance" &&
      f.field === "idleTimeBeforeShutdown" &&
      typeof f.actual === "string"
    ) {
      const m = MINUTES.exec(f.actual);
      const minutes = m ? Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) : NaN;
      if (!Number.isFinite(minutes) || minutes <= 0) {
        reasons.push(`${what} is ${f.actual}, which a set's idle shutdown cannot say: restore it instead.`);
        continue;
      }
      desired.compute = { ...desired.compute, idleShutdownMinutes: minutes };
      accepted.push(what);
    } else if (
      step?.kind === "computeCluster" &&
      f.field === "scaleSettings.maxNodeCount" &&
      step.environment === "dev"
    ) {
      const vmSize = String(
        ((step.body.properties as Record<string, unknown>)?.properties as Record<string, unknown>)?.vmSize ?? "",
      );
      const i = desired.compute.devClusters.findIndex((c) => lower(c.vmSize) === lower(vmSize));
      if (i < 0 || typeof f.actual !== "number") {
        reasons.push(`${what} cannot be matched to a development cluster of the set: restore it instead.`);
        continue;
      }
      desired.compute = {
        ...desired.compute,
        devClusters: desired.compute.devClusters.map((c, j) => (j === i ? { ...c, maxNodes: f.actual as number } : c)),
      };
      accepted.push(what);
    } else {
      reasons.push(
        `${what} cannot be part of the approved state (Atrium plans it from the set's settings): restore it, or ask for the change you want with a change request.`,
      );
    }
  }
  return reasons.length > 0 ? { ok: false, reasons } : { ok: true, desired, accepted };
}
