"use client";
import { useActionState } from "react";
import { Alert } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { initialActionState, type ActionState } from "@/lib/action-state";
import {
  addSimulatedPolicyRuleAction,
  removeSimulatedPolicyRuleAction,
  setSimulatedQuotaAction,
} from "@/lib/checks/actions";

export interface PolicyRuleView {
  id: string;
  displayName: string;
  kind: "denyPublicNetworkAccess" | "allowedLocations";
  effect: "Deny" | "Audit";
  environments?: string[];
  locations?: string[];
}

const KIND_LABEL = {
  denyPublicNetworkAccess: "ML workspaces must disable public network access",
  allowedLocations: "Allowed locations",
};

function Outcome({ state }: { state: ActionState }) {
  if (!state.message) return null;
  return <Alert tone={state.ok ? "success" : "danger"}>{state.message}</Alert>;
}

const errorsOf = (state: ActionState, field: string) => (state.ok ? undefined : state.fieldErrors?.[field]);

function RemoveRule({ id }: { id: string }) {
  const [state, remove, pending] = useActionState(removeSimulatedPolicyRuleAction, initialActionState);
  return (
    <form action={remove} aria-label={`Remove rule ${id}`} className="inline">
      <input type="hidden" name="id" value={id} />
      <Button type="submit" variant="ghost" disabled={pending}>
        {pending ? "Removing…" : "Remove"}
      </Button>
      {!state.ok && <span className="ml-2 text-sm text-red-700">{state.message}</span>}
    </form>
  );
}

/**
 * The simulator's Azure Policy rules (what checkPolicyRestrictions evaluates) and its Azure ML quota limits, for
 * admins to shape what the pre-approval checks find. Lists the rules in force with a remove button each.
 */
export function PolicyAndQuota({
  rules,
  limits,
  mayChange,
}: {
  rules: PolicyRuleView[];
  limits: Record<string, number>;
  mayChange: boolean;
}) {
  const [addState, add, adding] = useActionState(addSimulatedPolicyRuleAction, initialActionState);
  const [quotaState, setQuota, setting] = useActionState(setSimulatedQuotaAction, initialActionState);
  const limitEntries = Object.entries(limits).sort(([a], [b]) => a.localeCompare(b));
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <section aria-labelledby="sim-policy-heading" className="rounded-lg bg-white p-5 shadow-xs ring-1 ring-slate-200">
        <h2 id="sim-policy-heading" className="text-lg font-semibold text-slate-900">
          Azure Policy rules
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          What the simulated Policy Insights dry run (checkPolicyRestrictions) enforces in the pre-approval checks.
        </p>
        {rules.length === 0 ? (
          <p className="mt-3 text-sm text-slate-700">No rules: every planned resource passes.</p>
        ) : (
          <ul className="mt-3 space-y-2 text-sm" aria-label="Rules in force">
            {rules.map((r) => (
              <li
                key={r.id}
                className="flex flex-wrap items-center gap-2 rounded-md bg-slate-50 p-3 ring-1 ring-slate-200"
              >
                <Badge tone={r.effect === "Deny" ? "danger" : "warning"}>{r.effect}</Badge>
                <span className="font-medium text-slate-900">{r.displayName}</span>
                <span className="text-slate-700">
                  {KIND_LABEL[r.kind]}
                  {r.locations?.length ? `: ${r.locations.join(", ")}` : ""}
                  {r.environments?.length ? ` · environments ${r.environments.join(", ")}` : " · every environment"}
                </span>
                {mayChange && <RemoveRule id={r.id} />}
              </li>
            ))}
          </ul>
        )}
        {mayChange && (
          <form action={add} className="mt-4 space-y-3 border-t border-slate-200 pt-4" aria-label="Add a policy rule">
            <h3 className="text-sm font-semibold text-slate-900">Add or replace a rule</h3>
            <Field
              id="rule-id"
              label="Name"
              hint="Letters, digits and hyphens, e.g. deny-public-prod."
              errors={errorsOf(addState, "id")}
            >
              <Input id="rule-id" name="id" required maxLength={64} aria-describedby="rule-id-hint rule-id-error" />
            </Field>
            <Field id="rule-display" label="Description (optional)" errors={errorsOf(addState, "displayName")}>
              <Input id="rule-display" name="displayName" maxLength={120} aria-describedby="rule-display-error" />
            </Field>
            <Field id="rule-kind" label="Restriction" errors={errorsOf(addState, "kind")}>
              <Select
                id="rule-kind"
                name="kind"
                defaultValue="denyPublicNetworkAccess"
                aria-describedby="rule-kind-error"
              >
                <option value="denyPublicNetworkAccess">{KIND_LABEL.denyPublicNetworkAccess}</option>
                <option value="allowedLocations">{KIND_LABEL.allowedLocations}</option>
              </Select>
            </Field>
            <Field
              id="rule-effect"
              label="Effect"
              hint="Deny fails the checks; Audit only warns."
              errors={errorsOf(addState, "effect")}
            >
              <Select
                id="rule-effect"
                name="effect"
                defaultValue="Deny"
                aria-describedby="rule-effect-hint rule-effect-error"
              >
                <option value="Deny">Deny</option>
                <option value="Audit">Audit</option>
              </Select>
            </Field>
            <fieldset className="space-y-1">
              <legend className="text-sm font-medium text-slate-800">
                Environments (none ticked: every environment)
              </legend>
              <div className="flex gap-4">
                {["dev", "test", "prod"].map((env) => (
                  <label key={env} className="flex items-center gap-2 text-sm text-slate-800">
                    <input
                      type="checkbox"
                      name="environments"
                      value={env}
                      className="h-4 w-4 rounded border-slate-400"
                    />
                    {env}
                  </label>
                ))}
              </div>
            </fieldset>
            <Field
              id="rule-locations"
              label="Allowed regions (allowed locations only)"
              hint="Comma-separated, e.g. westeurope, northeurope."
              errors={errorsOf(addState, "locations")}
            >
              <Input
                id="rule-locations"
                name="locations"
                maxLength={500}
                aria-describedby="rule-locations-hint rule-locations-error"
              />
            </Field>
            <Outcome state={addState} />
            <Button type="submit" disabled={adding}>
              {adding ? "Saving…" : "Save rule"}
            </Button>
          </form>
        )}
      </section>
      <section aria-labelledby="sim-quota-heading" className="rounded-lg bg-white p-5 shadow-xs ring-1 ring-slate-200">
        <h2 id="sim-quota-heading" className="text-lg font-semibold text-slate-900">
          Azure ML quota limits
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          Limits the simulator reports in its usages (defaults: 100 vCPUs per VM family, GPU families 0, 300 per region,
          500 computes). Usage is what the simulated estate holds.
        </p>
        {limitEntries.length === 0 ? (
          <p className="mt-3 text-sm text-slate-700">No limit set: the defaults apply.</p>
        ) : (
          <ul className="mt-3 space-y-1 text-sm" aria-label="Limits set">
            {limitEntries.map(([k, v]) => (
              <li key={k}>
                <span className="font-mono">{k}</span>: {v}
              </li>
            ))}
          </ul>
        )}
        {mayChange && (
          <form
            action={setQuota}
            className="mt-4 space-y-3 border-t border-slate-200 pt-4"
            aria-label="Set a quota limit"
          >
            <Field
              id="quota-usage"
              label="Usage"
              hint="e.g. Standard NCSv3 Family Cluster Dedicated vCPUs"
              errors={errorsOf(quotaState, "usage")}
            >
              <Input
                id="quota-usage"
                name="usage"
                required
                maxLength={120}
                aria-describedby="quota-usage-hint quota-usage-error"
              />
            </Field>
            <Field id="quota-region" label="Region (empty: every region)" errors={errorsOf(quotaState, "region")}>
              <Input id="quota-region" name="region" maxLength={40} aria-describedby="quota-region-error" />
            </Field>
            <Field id="quota-limit" label="Limit" errors={errorsOf(quotaState, "limit")}>
              <Input
                id="quota-limit"
                name="limit"
                type="number"
                min={0}
                max={1000000}
                required
                aria-describedby="quota-limit-error"
              />
            </Field>
            <Outcome state={quotaState} />
            <Button type="submit" disabled={setting}>
              {setting ? "Saving…" : "Set limit"}
            </Button>
          </form>
        )}
      </section>
    </div>
  );
}
