"use client";
import { useActionState } from "react";
import { Alert, Card } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { initialActionState } from "@/lib/action-state";
import { updateSettingsAction } from "@/lib/settings/actions";
import { API_ZONE, NOTEBOOKS_ZONE, type SettingsSnapshot } from "@/lib/settings/schemas";

type VmSizeRow = {
  name: string;
  vcpus: number;
  memoryGb: number;
  gpu: boolean;
  hourlyPriceUsd: number;
  allowed: boolean;
};

export function SettingsForm({
  version,
  snapshot,
  vmSizes,
}: {
  version: number;
  snapshot: SettingsSnapshot;
  vmSizes: VmSizeRow[];
}) {
  const [state, action, pending] = useActionState(updateSettingsAction, initialActionState);
  const errors = state.ok ? {} : (state.fieldErrors ?? {});
  const text = (id: string, label: string, value: string | null, hint?: string) => (
    <Field id={id} label={label} hint={hint} errors={errors[id]}>
      <Input
        id={id}
        name={id}
        defaultValue={value ?? ""}
        spellCheck={false}
        className="font-mono"
        aria-invalid={errors[id] ? true : undefined}
        aria-describedby={`${hint ? `${id}-hint ` : ""}${id}-error`}
      />
    </Field>
  );
  return (
    <form action={action} className="space-y-6">
      <input type="hidden" name="version" value={version} />
      {state.message && (
        <Alert tone={state.ok ? "success" : "danger"} title={state.ok ? undefined : state.message}>
          {state.ok ? state.message : "Nothing was saved."}
        </Alert>
      )}
      <Card className="space-y-4">
        <h2 className="text-base font-semibold text-slate-900">Azure tenant and subscriptions</h2>
        {text("azureTenantId", "Entra tenant id", snapshot.azureTenantId)}
        <div className="grid gap-4 md:grid-cols-3">
          {text(
            "subscriptionDev",
            "Development subscription id",
            snapshot.subscriptions.dev,
            "Empty: no dev workspaces can be requested.",
          )}
          {text(
            "subscriptionTest",
            "Test subscription id",
            snapshot.subscriptions.test,
            "Empty: no test workspaces can be requested.",
          )}
          {text(
            "subscriptionProd",
            "Production subscription id",
            snapshot.subscriptions.prod,
            "Empty: no prod workspaces can be requested.",
          )}
        </div>
      </Card>
      <Card className="space-y-4">
        <h2 className="text-base font-semibold text-slate-900">Regions and compute</h2>
        {text(
          "allowedRegions",
          "Allowed regions",
          snapshot.allowedRegions.join(", "),
          "Azure region names separated by commas or spaces, e.g. westeurope, northeurope.",
        )}
        <Field
          id="defaultIdleShutdownMinutes"
          label="Default idle shutdown of compute instances (minutes)"
          hint="Between 15 and 4,320."
          errors={errors.defaultIdleShutdownMinutes}
        >
          <Input
            id="defaultIdleShutdownMinutes"
            name="defaultIdleShutdownMinutes"
            type="number"
            min={15}
            max={4320}
            defaultValue={snapshot.defaultIdleShutdownMinutes}
            aria-invalid={errors.defaultIdleShutdownMinutes ? true : undefined}
            aria-describedby="defaultIdleShutdownMinutes-hint defaultIdleShutdownMinutes-error"
            className="max-w-40"
          />
        </Field>
        <fieldset aria-describedby="allowedVmSizes-error">
          <legend className="text-sm font-medium text-slate-800">Allowed VM sizes</legend>
          <div className="mt-2 grid gap-2 sm:grid-cols-2">
            {vmSizes.map((v) => (
              <label key={v.name} className="flex items-center gap-2 text-sm text-slate-800">
                <input
                  type="checkbox"
                  name="allowedVmSizes"
                  value={v.name}
                  defaultChecked={v.allowed}
                  className="size-4 rounded border-slate-400"
                />
                <span className="font-mono">{v.name}</span>
                <span className="text-xs text-slate-600">
                  {v.vcpus} vCPU, {v.memoryGb} GB{v.gpu ? ", GPU" : ""}, ${v.hourlyPriceUsd.toFixed(3)}/h
                </span>
              </label>
            ))}
          </div>
          <div id="allowedVmSizes-error" aria-live="polite" className="text-sm text-red-700">
            {errors.allowedVmSizes?.map((e) => (
              <p key={e}>{e}</p>
            ))}
          </div>
        </fieldset>
      </Card>
      <Card className="space-y-4">
        <h2 className="text-base font-semibold text-slate-900">Private Link</h2>
        <p className="text-sm text-slate-600">
          Private workspaces get a private endpoint in this hub subnet, registered in both DNS zones. Clear all three to
          offer public workspaces only.
        </p>
        {text("privateEndpointSubnetId", "Private endpoint subnet (resource id)", snapshot.privateEndpointSubnetId)}
        {text("apiDnsZoneId", `${API_ZONE} zone (resource id)`, snapshot.privateDnsZoneIds[0] ?? null)}
        {text("notebooksDnsZoneId", `${NOTEBOOKS_ZONE} zone (resource id)`, snapshot.privateDnsZoneIds[1] ?? null)}
      </Card>
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save settings"}
        </Button>
        <p className="text-xs text-slate-600">
          Every change is audited with its diff. Requests waiting for approval are re-planned; if their plan changes,
          earlier approvals are void.
        </p>
      </div>
    </form>
  );
}
