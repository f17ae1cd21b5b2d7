/**
 * Microsoft.PolicyInsights `checkPolicyRestrictions` (api 2022-03-01 and later; the SDK @azure/arm-policyinsights 6
 * sends 2024-10-01) at subscription and resource-group scope: a dry run of the organisation's Azure Policy against a
 * planned resource body. The answer has Azure's shape: `fieldRestrictions` (per field, `result` Required / Deny /
 * Audit with the values policy requires or denies, the policy and its effect) and
 * `contentEvaluationResult.policyEvaluations` (one NonCompliant entry per policy the content breaks as sent).
 *
 * Policies here are a small, editable set of rules (the simulator's operator sets them with the `policyRules` option
 * or `PUT /_simulator/policies`), each a stand-in for a common built-in definition:
 * - `denyPublicNetworkAccess` — "Azure Machine Learning Workspaces should disable public network access"
 *   (Workspace_PublicNetworkAccessDisabled): ML workspaces must send `publicNetworkAccess: Disabled`;
 * - `allowedLocations` — "Allowed locations": every resource with a location must use one of `locations`.
 * A rule applies to resources tagged `environment` ∈ `environments` (all when absent) — the way organisations scope
 * prod-only policies by tag. Effect `Deny` makes a non-compliant PUT fail in Azure; `Audit` only reports it.
 * PUTs themselves are not refused by these rules here (only the dry run is simulated).
 */
import { ArmError } from "../errors";
import { asObject, isObject } from "../json";
import type { ProviderHost, SimRequest, SimResponse } from "../provider";
import type { Json } from "../store";

export type PolicyRuleKind = "denyPublicNetworkAccess" | "allowedLocations";

export interface PolicyRule {
  /** Assignment name, e.g. "deny-public-prod" (letters, digits, hyphens). */
  id: string;
  displayName: string;
  kind: PolicyRuleKind;
  effect: "Deny" | "Audit";
  /** Values of the `environment` tag the rule applies to; absent or empty: every resource. */
  environments?: string[];
  /** allowedLocations: the regions allowed (lower-case names). */
  locations?: string[];
}

const KINDS: PolicyRuleKind[] = ["denyPublicNetworkAccess", "allowedLocations"];
const WORKSPACE_TYPE = "microsoft.machinelearningservices/workspaces";
export const PUBLIC_NETWORK_ACCESS_ALIAS = "Microsoft.MachineLearningServices/workspaces/publicNetworkAccess";

/** Validates rules from the control endpoint or options; throws with a message naming the bad rule. */
export function parsePolicyRules(input: unknown): PolicyRule[] {
  const list = Array.isArray(input) ? input : asObject(input).rules;
  if (!Array.isArray(list)) throw new Error("Expected an array of policy rules or { rules: [...] }.");
  const seen = new Set<string>();
  return list.map((raw, i) => {
    const r = asObject(raw);
    const at = `rule ${i + 1}`;
    if (typeof r.id !== "string" || !/^[A-Za-z0-9-]{1,64}$/.test(r.id))
      throw new Error(`${at}: id must be 1–64 letters, digits or hyphens.`);
    if (seen.has(r.id.toLowerCase())) throw new Error(`${at}: the id ${r.id} is used twice.`);
    seen.add(r.id.toLowerCase());
    if (!KINDS.includes(r.kind as PolicyRuleKind)) throw new Error(`${at}: kind must be one of ${KINDS.join(", ")}.`);
    if (r.effect !== "Deny" && r.effect !== "Audit") throw new Error(`${at}: effect must be Deny or Audit.`);
    const strings = (v: unknown, what: string) => {
      if (v === undefined) return undefined;
      if (!Array.isArray(v) || v.some((s) => typeof s !== "string")) throw new Error(`${at}: ${what} must be strings.`);
      return (v as string[]).map((s) => s.toLowerCase());
    };
    const locations = strings(r.locations, "locations");
    if (r.kind === "allowedLocations" && (!locations || locations.length === 0))
      throw new Error(`${at}: an allowedLocations rule needs at least one location.`);
    return {
      id: r.id,
      displayName: typeof r.displayName === "string" && r.displayName.trim() ? r.displayName.trim() : r.id,
      kind: r.kind as PolicyRuleKind,
      effect: r.effect,
      environments: strings(r.environments, "environments"),
      locations,
    };
  });
}

interface FieldRestriction {
  result: "Required" | "Deny" | "Audit";
  values: string[];
  policy: Json;
  policyEffect: string;
  reason: string;
}

export class PolicyInsights {
  private rules: PolicyRule[];

  constructor(
    private readonly h: ProviderHost,
    rules: PolicyRule[] = [],
  ) {
    this.rules = parsePolicyRules(rules);
  }

  getRules(): PolicyRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  setRules(input: unknown): PolicyRule[] {
    this.rules = parsePolicyRules(input);
    return this.getRules();
  }

  /** POST `{scope}/providers/Microsoft.PolicyInsights/checkPolicyRestrictions`. */
  check(req: SimRequest, sub: string): SimResponse {
    if (req.method !== "POST") throw this.h.methodNotAllowed(req);
    const body = asObject(req.body);
    const details = body.resourceDetails;
    if (!isObject(details) || !isObject(details.resourceContent)) {
      throw new ArmError(
        400,
        "InvalidCheckRestrictionsRequest",
        "The request must include resourceDetails.resourceContent: the resource as it would be sent to ARM.",
        { target: "resourceDetails" },
      );
    }
    const content = details.resourceContent;
    const type = String(content.type ?? "").toLowerCase();
    const location = typeof content.location === "string" ? content.location.toLowerCase().replace(/\s/g, "") : null;
    const env = String(asObject(content.tags).environment ?? "").toLowerCase();
    const props = asObject(content.properties);
    const byField = new Map<string, FieldRestriction[]>();
    const evaluations: Json[] = [];
    for (const rule of this.rules) {
      if (rule.environments?.length && !rule.environments.includes(env)) continue;
      const policy = {
        policyDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/policyDefinitions/${rule.id}`,
        policySetDefinitionId: "",
        policyDefinitionReferenceId: "",
        policyAssignmentId: `/subscriptions/${sub}/providers/Microsoft.Authorization/policyAssignments/${rule.id}`,
      };
      const add = (field: string, restriction: Omit<FieldRestriction, "policy" | "policyEffect">) =>
        byField.set(field, [...(byField.get(field) ?? []), { ...restriction, policy, policyEffect: rule.effect }]);
      const nonCompliant = (field: string, expected: unknown, actual: unknown) =>
        evaluations.push({
          policyInfo: policy,
          evaluationResult: "NonCompliant",
          evaluationDetails: {
            evaluatedExpressions: [
              {
                result: "True",
                expressionKind: "Field",
                expression: field,
                path: field,
                expressionValue: actual ?? null,
                targetValue: expected,
                operator: rule.kind === "allowedLocations" ? "NotIn" : "NotEquals",
              },
            ],
          },
          effectDetails: { policyEffect: rule.effect },
        });
      if (rule.kind === "denyPublicNetworkAccess" && type === WORKSPACE_TYPE) {
        const result = rule.effect === "Deny" ? "Required" : "Audit";
        add(PUBLIC_NETWORK_ACCESS_ALIAS, {
          result,
          values: ["Disabled"],
          reason: `${rule.displayName}: machine learning workspaces must disable public network access.`,
        });
        if (props.publicNetworkAccess !== "Disabled")
          nonCompliant(PUBLIC_NETWORK_ACCESS_ALIAS, "Disabled", props.publicNetworkAccess);
      }
      if (rule.kind === "allowedLocations" && location && location !== "global") {
        const result = rule.effect === "Deny" ? "Required" : "Audit";
        add("location", {
          result,
          values: rule.locations ?? [],
          reason: `${rule.displayName}: resources may only be created in ${(rule.locations ?? []).join(", ")}.`,
        });
        if (!(rule.locations ?? []).includes(location)) nonCompliant("location", rule.locations, location);
      }
    }
    return {
      status: 200,
      body: {
        fieldRestrictions: [...byField.entries()].map(([field, restrictions]) => ({ field, restrictions })),
        contentEvaluationResult: { policyEvaluations: evaluations },
      },
      delayMs: this.h.latency.duration("read"),
    };
  }
}
