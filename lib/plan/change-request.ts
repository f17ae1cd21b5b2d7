/**
 * A change request on a live workspace set, read from its two documents (the current desired state and
 * the desired state after the change): whether the change is allowed, what kinds of change it makes,
 * which approvals it needs (DOMAIN.md "Day 2") and its exact change plan. Pure.
 */
import { buildPlan, checkPlanNames, orderedEnvironments } from "./build-plan";
import { pipelineClusterSpec } from "./builders/compute";
import { changePlanOf, type ChangePlan } from "./change-plan";
import type { PlanEnvironment, PlanInput } from "./types";
import { addFieldError, mergeFieldErrors, type FieldErrors } from "@/lib/validation/field-errors";

export type ChangeKind =
  | "addMember"
  | "removeMember"
  | "changeMemberRole"
  | "addDevCluster"
  | "removeDevCluster"
  | "changeScaleLimits"
  | "addPipelineCluster"
  | "removePipelineCluster"
  | "resizePipelineClusters"
  | "addEnvironment"
  | "visibilityToPrivate"
  | "visibilityToPublic"
  | "restrictionToRestricted"
  | "restrictionToUnrestricted"
  | "changeSettings";

export interface ChangeEntry {
  kind: ChangeKind;
  /** What it is about: an e-mail, a VM size, a pipeline, an environment, a field. */
  subject: string;
  /** The environments the change reaches. */
  environments: PlanEnvironment[];
}

export type ApprovalNeed = "none" | "admin" | "adminAndStakeholder";

export interface ChangeApproval {
  /** What the whole change needs: the strictest of its entries. */
  need: ApprovalNeed;
  /** True when nothing waits for anyone: removals are applied at once and audited. */
  appliedAtOnce: boolean;
  byChange: (ChangeEntry & { need: ApprovalNeed })[];
}

export class ChangeValidationError extends Error {
  constructor(public readonly fieldErrors: FieldErrors) {
    super(`The change is not valid: ${Object.values(fieldErrors).flat().join("; ")}`);
    this.name = "ChangeValidationError";
  }
}

const REMOVALS: ReadonlySet<ChangeKind> = new Set(["removeMember", "removeDevCluster", "removePipelineCluster"]);
/** Loosening changes need the stakeholder in every environment (DOMAIN.md). */
const LOOSENING: ReadonlySet<ChangeKind> = new Set(["visibilityToPublic", "restrictionToUnrestricted"]);

/**
 * DOMAIN.md's table: removals at once; loosening (public, unrestricted) admin + stakeholder anywhere;
 * everything else (additions, scale limits, a new environment, going private or restricted, other
 * fields) the admin, plus the stakeholder when it reaches prod.
 */
export function approvalFor(entry: ChangeEntry): ApprovalNeed {
  if (REMOVALS.has(entry.kind)) return "none";
  if (LOOSENING.has(entry.kind)) return "adminAndStakeholder";
  return entry.environments.includes("prod") ? "adminAndStakeholder" : "admin";
}

const NEED_ORDER: ApprovalNeed[] = ["none", "admin", "adminAndStakeholder"];

export function changeApproval(change: { changes: readonly ChangeEntry[] }): ChangeApproval {
  const byChange = change.changes.map((c) => ({ ...c, need: approvalFor(c) }));
  const need = byChange.reduce<ApprovalNeed>(
    (max, c) => (NEED_ORDER.indexOf(c.need) > NEED_ORDER.indexOf(max) ? c.need : max),
    "none",
  );
  return { need, appliedAtOnce: need === "none", byChange };
}

/** What makes a workspace set itself: a change keeps all of it and may only add environments. */
export interface SetIdentity {
  pattern: string;
  team: string;
  project: string | null;
  region: string;
  environments: readonly PlanEnvironment[];
}

export function identityOf(input: PlanInput): SetIdentity {
  return {
    pattern: input.pattern,
    team: input.team.slug,
    project: input.project?.slug ?? null,
    region: input.region,
    environments: input.environments,
  };
}

/**
 * Refuses a desired document that is not a change of the same set: another identity (pattern, team,
 * project, region), a removed environment (that is a decommission), prod without test. Field-level
 * messages keyed like the request's fields. Needs no directory, so the CLI checks it before any database.
 */
export function identityErrors(current: SetIdentity, desired: SetIdentity): FieldErrors {
  const errors: FieldErrors = {};
  const add = (field: string, message: string) => addFieldError(errors, field, message);
  const same = (what: string, field: keyof SetIdentity) => {
    const [a, b] = [current[field], desired[field]];
    if (a !== b)
      add(
        field,
        `A change can't move the workspace set to another ${what} (${String(a ?? "none")} → ${String(b ?? "none")}); request a new workspace set instead.`,
      );
  };
  same("organisation pattern", "pattern");
  same("team", "team");
  same("project", "project");
  same("region", "region");
  const removed = current.environments.filter((e) => !desired.environments.includes(e));
  if (removed.length > 0)
    add(
      "environments",
      `Removing ${removed.join(" and ")} is a decommission, not a change: keep ${removed.length > 1 ? "them" : "it"} here and ask for a decommission.`,
    );
  if (desired.environments.includes("prod") && !desired.environments.includes("test"))
    add(
      "environments",
      "Production needs a test workspace for the same scope: add test first (or together with prod).",
    );
  return errors;
}

/** identityErrors plus the desired document's names against Azure's rules. */
export function validateChange(current: PlanInput, desired: PlanInput): FieldErrors {
  return mergeFieldErrors(identityErrors(identityOf(current), identityOf(desired)), checkPlanNames(desired));
}

const memberKey = (m: { email: string }) => m.email.toLowerCase();

function memberChanges(current: PlanInput, desired: PlanInput): ChangeEntry[] {
  const before = new Map(current.members.map((m) => [memberKey(m), m]));
  const after = new Map(desired.members.map((m) => [memberKey(m), m]));
  const out: ChangeEntry[] = [];
  for (const [email, m] of after) {
    const was = before.get(email);
    if (!was) out.push({ kind: "addMember", subject: email, environments: desired.environments });
    else if (was.role !== m.role)
      out.push({ kind: "changeMemberRole", subject: email, environments: desired.environments });
  }
  for (const email of before.keys())
    if (!after.has(email)) out.push({ kind: "removeMember", subject: email, environments: current.environments });
  return out;
}

function computeChanges(current: PlanInput, desired: PlanInput): ChangeEntry[] {
  const out: ChangeEntry[] = [];
  const dev: PlanEnvironment[] = ["dev"];
  const beforeDev = new Map(current.compute.devClusters.map((c) => [c.vmSize.toLowerCase(), c]));
  const afterDev = new Map(desired.compute.devClusters.map((c) => [c.vmSize.toLowerCase(), c]));
  for (const [size, c] of afterDev) {
    const was = beforeDev.get(size);
    if (!was) out.push({ kind: "addDevCluster", subject: c.vmSize, environments: dev });
    else if (was.maxNodes !== c.maxNodes) out.push({ kind: "changeScaleLimits", subject: c.vmSize, environments: dev });
  }
  for (const [size, c] of beforeDev)
    if (!afterDev.has(size)) out.push({ kind: "removeDevCluster", subject: c.vmSize, environments: dev });
  const pipelineEnvs = desired.environments.filter((e) => e !== "dev");
  const beforeP = new Set(current.compute.pipelines);
  const afterP = new Set(desired.compute.pipelines);
  for (const p of afterP)
    if (!beforeP.has(p)) out.push({ kind: "addPipelineCluster", subject: p, environments: pipelineEnvs });
  for (const p of beforeP)
    if (!afterP.has(p))
      out.push({
        kind: "removePipelineCluster",
        subject: p,
        environments: current.environments.filter((e) => e !== "dev"),
      });
  // Pipeline clusters copy the first dev cluster's size and scale limit: changing it reaches test and prod.
  const a = pipelineClusterSpec(current.compute);
  const b = pipelineClusterSpec(desired.compute);
  const kept = desired.compute.pipelines.filter((p) => beforeP.has(p));
  const keptEnvs = pipelineEnvs.filter((e) => current.environments.includes(e));
  if (kept.length > 0 && keptEnvs.length > 0 && (a.vmSize !== b.vmSize || a.maxNodes !== b.maxNodes))
    out.push({
      kind: a.vmSize !== b.vmSize ? "resizePipelineClusters" : "changeScaleLimits",
      subject: kept.join(", "),
      environments: keptEnvs,
    });
  return out;
}

/** The kinds of change between two documents of one set, in a fixed order. */
export function describeChange(current: PlanInput, desired: PlanInput): ChangeEntry[] {
  const out: ChangeEntry[] = [];
  for (const env of orderedEnvironments(desired.environments))
    if (!current.environments.includes(env)) out.push({ kind: "addEnvironment", subject: env, environments: [env] });
  const all = desired.environments;
  if (current.visibility !== desired.visibility)
    out.push({
      kind: desired.visibility === "private" ? "visibilityToPrivate" : "visibilityToPublic",
      subject: "visibility",
      environments: all,
    });
  if (current.restriction !== desired.restriction)
    out.push({
      kind: desired.restriction === "restricted" ? "restrictionToRestricted" : "restrictionToUnrestricted",
      subject: "restriction",
      environments: all,
    });
  out.push(...memberChanges(current, desired), ...computeChanges(current, desired));
  // Compute-instance settings reach dev only (pipeline clusters that copy the instance size are resizes above).
  const dev = all.filter((e) => e === "dev");
  const settings: [string, unknown, unknown, PlanEnvironment[]][] = [
    ["compute.instanceVmSize", current.compute.instanceVmSize, desired.compute.instanceVmSize, dev],
    ["compute.idleShutdownMinutes", current.compute.idleShutdownMinutes, desired.compute.idleShutdownMinutes, dev],
    ["gitRepositoryUrl", current.gitRepositoryUrl ?? null, desired.gitRepositoryUrl ?? null, all],
    ["costCenter", current.costCenter, desired.costCenter, all],
  ];
  for (const [field, a, b, environments] of settings)
    if (a !== b) out.push({ kind: "changeSettings", subject: field, environments });
  return out;
}

export interface ChangeRequestPlan extends ChangePlan {
  changes: ChangeEntry[];
  approval: ChangeApproval;
}

/**
 * Validates the change and builds its plan. Both documents must carry the same request meta (the
 * set's request id, number and requester), so tags and descriptions differ only where the change does.
 * Throws ChangeValidationError with field messages when the change is refused.
 */
export function buildChangePlan(current: PlanInput, desired: PlanInput): ChangeRequestPlan {
  const errors = validateChange(current, desired);
  if (Object.keys(errors).length > 0) throw new ChangeValidationError(errors);
  const plan = changePlanOf(buildPlan(current), buildPlan(desired), desired.settings.vmSizes);
  const changes = describeChange(current, desired);
  return { ...plan, changes, approval: changeApproval({ changes }) };
}
