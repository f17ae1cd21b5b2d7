"use client";
import { useActionState } from "react";
import { Alert, Card } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { initialActionState } from "@/lib/action-state";
import { updateLeaseSettingsAction } from "@/lib/leases/actions";
import type { LeasePolicyValue } from "@/lib/leases/rules";

/** The lease section of the admin settings: dev and test policies, and the retention before a purge. */
export function LeaseSettingsForm({
  version,
  policies,
  retentionDays,
}: {
  version: string;
  policies: LeasePolicyValue[];
  retentionDays: number;
}) {
  const [state, action, pending] = useActionState(updateLeaseSettingsAction, initialActionState);
  const errors = state.ok ? {} : (state.fieldErrors ?? {});
  const field = (id: string, label: string, value: string | number, hint?: string) => (
    <Field id={id} label={label} hint={hint} errors={errors[id]}>
      <Input
        id={id}
        name={id}
        defaultValue={String(value)}
        inputMode="decimal"
        aria-invalid={errors[id] ? true : undefined}
        aria-describedby={`${hint ? `${id}-hint ` : ""}${id}-error`}
      />
    </Field>
  );
  return (
    <form action={action} className="mt-8 space-y-4" aria-labelledby="lease-settings-heading">
      <input type="hidden" name="version" value={version} />
      <Card className="space-y-4">
        <h2 id="lease-settings-heading" className="text-base font-semibold text-slate-900">
          Leases and decommissioning
        </h2>
        <p className="text-sm text-slate-600">
          Dev and test workspace sets get a lease when they are provisioned; production never does. Owners are reminded
          before it ends and may extend it up to the maximum themselves; beyond that, an admin approves. When it ends,
          compute is stopped and, after the grace period, the set is decommissioned.
        </p>
        {state.message && (
          <Alert tone={state.ok ? "success" : "danger"} title={state.ok ? undefined : state.message}>
            {state.ok ? state.message : "Nothing was saved."}
          </Alert>
        )}
        {(["dev", "test"] as const).map((env) => {
          const p = policies.find((x) => x.environment === env);
          return (
            <fieldset key={env} className="grid gap-4 md:grid-cols-4">
              <legend className="mb-2 text-sm font-semibold text-slate-800">
                {env === "dev" ? "Development" : "Test"}
              </legend>
              {field(`${env}DefaultTtlDays`, "Default time to live (days)", p?.defaultTtlDays ?? 30)}
              {field(`${env}MaxTtlDays`, "Maximum owners may set (days from now)", p?.maxTtlDays ?? 90)}
              {field(
                `${env}ReminderHours`,
                "Reminders (hours before expiry)",
                (p?.reminderOffsetsMinutes ?? []).map((m) => m / 60).join(", "),
                "e.g. 168, 24, 2",
              )}
              {field(`${env}GraceDays`, "Grace period before decommission (days)", p?.graceDays ?? 7)}
            </fieldset>
          );
        })}
        {field(
          "retentionDays",
          "Purge soft-deleted sets after (days, at most 14)",
          retentionDays,
          "Azure keeps a deleted workspace for 14 days; until the purge an admin can recover it.",
        )}
        <div className="flex justify-end">
          <Button type="submit" disabled={pending}>
            {pending ? "Saving…" : "Save lease settings"}
          </Button>
        </div>
      </Card>
    </form>
  );
}
