/**
 * What a drift scan reports: the differences between a set's desired plan and the estate as Azure returns it. Pure
 * (no I/O): the scan reads (lib/azure/drift-reads.ts), this decides, the findings store remembers.
 *
 * Compared, per the product rules ("Drift"): every planned resource exists; the workspace's public network access,
 * managed network, identity and tags; compute instances' idle shutdown and owner; clusters' VM size, minimum and
 * maximum nodes; storage and key vault public access (as far as the plan states it); planned role assignments present
 * and none added by hand in a resource group Atrium manages; private endpoints and DNS zone groups of private sets.
 *
 * Severity: HIGH for what opens the set up (public access on a private set or on storage/key vault, a managed network
 * turned off, a privileged role — Owner, Contributor, User Access Administrator — added by hand to a person);
 * LOW for tags; MEDIUM for the rest (missing resources and access, cost settings, other hand-added roles).
 */
import type { ObservedAssignment, ObservedEstate } from "@/lib/azure/drift-reads";
import type { Plan, PlanEnvironment, PlanStep, StepKind } from "@/lib/plan/types";
import { BUILT_IN_ROLES } from "@/lib/plan/roles";

export type DriftSeverityValue = "LOW" | "MEDIUM" | "HIGH";

export interface DriftObservation {
  /** Stable identity of a finding within a set: one open finding per key. */
  key: string;
  environment: PlanEnvironment | null;
  resourceId: string;
  resourceKind: StepKind;
  resourceName: string;
  /** The plan step it is about (null for a role assignment added by hand). */
  stepId: string | null;
  field: string;
  expected: unknown;
  actual: unknown;
  severity: DriftSeverityValue;
  summary: string;
}

/** Who a principal is, when Atrium knows them (people with an Entra object id). */
export type PrincipalNames = ReadonlyMap<string, string>;

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {});
const lower = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : v);
const guidOf = (id: unknown) => (typeof id === "string" ? (id.split("/").pop() ?? "").toLowerCase() : "");

/** Built-in roles that let their holder change the set or its access: adding one by hand is HIGH. */
export const PRIVILEGED_ROLES: Record<string, string> = {
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
  [BUILT_IN_ROLES.contributor.guid]: "Contributor",
  "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
  "f58310d9-a9f6-439a-9e8d-f62e7b41a168": "Role Based Access Control Administrator",
};
const KNOWN_ROLES: Record<string, string> = {
  ...PRIVILEGED_ROLES,
  [BUILT_IN_ROLES.reader.guid]: "Reader",
  "f6c7c914-8db3-469d-8ca1-694a8f32e121": "AzureML Data Scientist",
};

export const findingKey = (resourceId: string, field: string) => `${resourceId.toLowerCase()}|${field}`;

function base(step: PlanStep) {
  return {
    environment: step.environment,
    resourceId: step.resourceId,
    resourceKind: step.kind,
    resourceName: step.name,
    stepId: step.id,
  };
}

const KIND_LABEL: Record<StepKind, string> = {
  resourceGroup: "Resource group",
  storageAccount: "Storage account",
  keyVault: "Key vault",
  applicationInsights: "Application Insights",
  workspace: "Workspace",
  privateEndpoint: "Private endpoint",
  privateDnsZoneGroup: "Private DNS zone group",
  roleDefinition: "Custom role",
  roleAssignment: "Role assignment",
  computeInstance: "Compute instance",
  computeCluster: "Cluster",
  gitConnection: "Git connection",
  budget: "Budget",
};

const show = (v: unknown) =>
  v === undefined || v === null ? "nothing" : typeof v === "string" ? v : JSON.stringify(v);

/** The name of a role definition id: the plan's own roles first, then the well-known built-ins. */
function roleNames(plan: Plan): Map<string, string> {
  const names = new Map(Object.entries(KNOWN_ROLES));
  for (const e of plan.roleMatrix) for (const r of e.roles) names.set(guidOf(r.roleDefinitionId), r.roleName);
  return names;
}

export function compareWithPlan(
  plan: Plan,
  observed: ObservedEstate,
  principals: PrincipalNames = new Map(),
): DriftObservation[] {
  const out: DriftObservation[] = [];
  const isPrivate = plan.steps.some((s) => s.kind === "privateEndpoint");
  const add = (
    step: PlanStep,
    field: string,
    expected: unknown,
    actual: unknown,
    severity: DriftSeverityValue,
    summary: string,
  ) =>
    out.push({
      key: findingKey(step.resourceId, field),
      ...base(step),
      field,
      expected,
      actual: actual ?? null,
      severity,
      summary,
    });
  const label = (step: PlanStep) =>
    `${KIND_LABEL[step.kind]} ${step.name}${step.environment ? ` (${step.environment})` : ""}`;
  const differs = (expected: unknown, actual: unknown) => lower(expected) !== lower(actual ?? null);

  for (const step of plan.steps) {
    if (step.kind === "roleAssignment") continue;
    const have = observed.resources[step.id];
    if (have === undefined) continue;
    if (have === null) {
      const severity: DriftSeverityValue = "MEDIUM";
      add(step, "exists", "present", "missing", severity, `${label(step)} is missing: it was deleted outside Atrium.`);
      continue;
    }
    // Exists, but its wire body is not known (a read that reports no body): nothing more to compare.
    if (Object.keys(have).length === 0) continue;
    const want = obj(step.body);
    const wp = obj(want.properties);
    const hp = obj(have.properties);
    // Tags Atrium sets must stay (a person may add others).
    const wantTags = obj(want.tags) as Record<string, string>;
    const haveTags = obj(have.tags);
    for (const [tag, value] of Object.entries(wantTags)) {
      if (haveTags[tag] !== value) {
        const what = haveTags[tag] === undefined ? "was removed" : `was changed to "${String(haveTags[tag])}"`;
        add(step, `tags.${tag}`, value, haveTags[tag], "LOW", `${label(step)}: tag ${tag}=${value} ${what}.`);
      }
    }
    switch (step.kind) {
      case "workspace": {
        if (differs(wp.publicNetworkAccess, hp.publicNetworkAccess)) {
          const opened = String(hp.publicNetworkAccess ?? "Enabled").toLowerCase() === "enabled";
          add(
            step,
            "publicNetworkAccess",
            wp.publicNetworkAccess,
            hp.publicNetworkAccess,
            opened && isPrivate ? "HIGH" : "MEDIUM",
            `${label(step)}: public network access is ${show(hp.publicNetworkAccess)}, should be ${show(wp.publicNetworkAccess)}.`,
          );
        }
        const wantIsolation = obj(wp.managedNetwork).isolationMode;
        const haveIsolation = obj(hp.managedNetwork).isolationMode;
        if (wantIsolation !== undefined && differs(wantIsolation, haveIsolation)) {
          add(
            step,
            "managedNetwork.isolationMode",
            wantIsolation,
            haveIsolation,
            String(haveIsolation ?? "Disabled").toLowerCase() === "disabled" ? "HIGH" : "MEDIUM",
            `${label(step)}: managed network isolation is ${show(haveIsolation)}, should be ${show(wantIsolation)}.`,
          );
        }
        const wantIdentity = obj(want.identity).type;
        const haveIdentity = obj(have.identity).type;
        if (wantIdentity !== undefined && differs(wantIdentity, haveIdentity)) {
          add(
            step,
            "identity.type",
            wantIdentity,
            haveIdentity,
            "MEDIUM",
            `${label(step)}: identity is ${show(haveIdentity)}, should be ${show(wantIdentity)}.`,
          );
        }
        break;
      }
      case "storageAccount":
      case "keyVault": {
        for (const field of ["publicNetworkAccess", "allowBlobPublicAccess"] as const) {
          if (!(field in wp)) continue;
          if (!differs(wp[field], hp[field])) continue;
          const opened = hp[field] === true || String(hp[field] ?? "Enabled").toLowerCase() === "enabled";
          add(
            step,
            field,
            wp[field],
            hp[field],
            opened ? "HIGH" : "MEDIUM",
            `${label(step)}: ${field} is ${show(hp[field])}, should be ${show(wp[field])}.`,
          );
        }
        break;
      }
      case "computeInstance": {
        const wi = obj(wp.properties);
        const hi = obj(hp.properties);
        if (differs(wi.idleTimeBeforeShutdown, hi.idleTimeBeforeShutdown)) {
          add(
            step,
            "idleTimeBeforeShutdown",
            wi.idleTimeBeforeShutdown,
            hi.idleTimeBeforeShutdown,
            "MEDIUM",
            hi.idleTimeBeforeShutdown === undefined
              ? `${label(step)}: idle shutdown was removed (should shut down after ${show(wi.idleTimeBeforeShutdown)}).`
              : `${label(step)}: idle shutdown is ${show(hi.idleTimeBeforeShutdown)}, should be ${show(wi.idleTimeBeforeShutdown)}.`,
          );
        }
        const wOwner = obj(obj(wi.personalComputeInstanceSettings).assignedUser).objectId;
        const hOwner = obj(obj(hi.personalComputeInstanceSettings).assignedUser).objectId;
        if (differs(wOwner, hOwner)) {
          const who = typeof hOwner === "string" ? (principals.get(hOwner.toLowerCase()) ?? hOwner) : "nobody";
          add(step, "assignedUser", wOwner, hOwner, "HIGH", `${label(step)} is assigned to ${who}, not to its owner.`);
        }
        if (differs(wi.vmSize, hi.vmSize)) {
          add(
            step,
            "vmSize",
            wi.vmSize,
            hi.vmSize,
            "MEDIUM",
            `${label(step)}: VM size is ${show(hi.vmSize)}, should be ${show(wi.vmSize)}.`,
          );
        }
        break;
      }
      case "computeCluster": {
        const wi = obj(wp.properties);
        const hi = obj(hp.properties);
        if (differs(wi.vmSize, hi.vmSize)) {
          add(
            step,
            "vmSize",
            wi.vmSize,
            hi.vmSize,
            "MEDIUM",
            `${label(step)}: VM size is ${show(hi.vmSize)}, should be ${show(wi.vmSize)}.`,
          );
        }
        const ws = obj(wi.scaleSettings);
        const hs = obj(hi.scaleSettings);
        for (const field of ["minNodeCount", "maxNodeCount"] as const) {
          const actual = hs[field] ?? (field === "minNodeCount" ? 0 : undefined);
          if (ws[field] !== undefined && ws[field] !== actual) {
            const what = field === "minNodeCount" ? "minimum nodes" : "maximum nodes";
            add(
              step,
              `scaleSettings.${field}`,
              ws[field],
              actual,
              "MEDIUM",
              `${label(step)}: ${what} ${show(actual)}, should be ${show(ws[field])}.`,
            );
          }
        }
        break;
      }
      case "privateDnsZoneGroup": {
        const zones = (v: unknown) =>
          ((obj(v).privateDnsZoneConfigs as Json[] | undefined) ?? [])
            .map((c) => String(obj(c.properties).privateDnsZoneId ?? "").toLowerCase())
            .sort();
        const w = zones(wp);
        const h = zones(hp);
        if (w.join(",") !== h.join(",")) {
          add(step, "privateDnsZoneConfigs", w, h, "MEDIUM", `${label(step)}: its DNS zones changed.`);
        }
        break;
      }
      default:
        break;
    }
  }

  compareAssignments(plan, observed, principals, out);
  return out;
}

function compareAssignments(plan: Plan, observed: ObservedEstate, principals: PrincipalNames, out: DriftObservation[]) {
  const names = roleNames(plan);
  const planned = plan.steps.filter((s) => s.kind === "roleAssignment");
  const plannedNames = new Set(planned.map((s) => s.name.toLowerCase()));
  const groupIdOf = (s: PlanStep) =>
    `/subscriptions/${s.target.subscriptionId}/resourceGroups/${s.target.resourceGroup}`.toLowerCase();
  // Identities Azure itself gives roles (the workspace's own system-assigned identity) are not drift.
  const ownIdentities = new Set<string>();
  for (const s of plan.steps) {
    const id = obj(obj(observed.resources[s.id]).identity).principalId;
    if (typeof id === "string") ownIdentities.add(id.toLowerCase());
  }
  const seen = new Set<string>();
  for (const [groupId, assignments] of Object.entries(observed.assignments)) {
    for (const a of assignments) {
      const scope = a.scope.toLowerCase();
      if (scope !== groupId && !scope.startsWith(`${groupId}/`)) continue;
      seen.add(a.name.toLowerCase());
      if (plannedNames.has(a.name.toLowerCase()) || ownIdentities.has(a.principalId.toLowerCase())) continue;
      out.push(handAdded(plan, groupId, a, names, principals));
    }
  }
  for (const step of planned) {
    if (!(groupIdOf(step) in observed.assignments)) continue;
    if (seen.has(step.name.toLowerCase())) continue;
    const p = obj(step.body.properties);
    const who = principals.get(String(p.principalId).toLowerCase()) ?? String(p.principalId);
    const role = names.get(guidOf(p.roleDefinitionId)) ?? guidOf(p.roleDefinitionId);
    out.push({
      key: findingKey(step.resourceId, "exists"),
      ...base(step),
      field: "exists",
      expected: { role, principalId: p.principalId },
      actual: "missing",
      severity: "MEDIUM",
      summary: `${who} lost the ${role} role on ${step.target.scope?.split("/").pop()}${step.environment ? ` (${step.environment})` : ""}: the role assignment was removed outside Atrium.`,
    });
  }
}

function handAdded(
  plan: Plan,
  groupId: string,
  a: ObservedAssignment,
  names: Map<string, string>,
  principals: PrincipalNames,
): DriftObservation {
  const roleGuid = guidOf(a.roleDefinitionId);
  const role = names.get(roleGuid) ?? roleGuid;
  const who = principals.get(a.principalId.toLowerCase()) ?? a.principalId;
  const rgStep = plan.steps.find(
    (s) =>
      s.kind === "resourceGroup" &&
      `/subscriptions/${s.target.subscriptionId}/resourceGroups/${s.target.resourceGroup}`.toLowerCase() === groupId,
  );
  const person = (a.principalType ?? "User").toLowerCase() === "user";
  const severity: DriftSeverityValue = roleGuid in PRIVILEGED_ROLES && person ? "HIGH" : "MEDIUM";
  const on = a.scope.split("/").pop();
  return {
    key: findingKey(a.id, "exists"),
    environment: rgStep?.environment ?? null,
    resourceId: a.id,
    resourceKind: "roleAssignment",
    resourceName: a.name,
    stepId: null,
    field: "exists",
    expected: "absent",
    actual: {
      role,
      roleDefinitionId: a.roleDefinitionId,
      principalId: a.principalId,
      principalType: a.principalType,
      principal: who,
      scope: a.scope,
    },
    severity,
    summary: `${who} (${a.principalType ?? "principal"}) was given ${role} on ${on} by hand, outside Atrium.`,
  };
}
