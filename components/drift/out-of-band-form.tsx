"use client";
import { useActionState, useState } from "react";
import { Alert } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { initialActionState } from "@/lib/action-state";
import { changeEstateOutOfBandAction } from "@/lib/drift/actions";
import { OUT_OF_BAND_KINDS } from "@/lib/drift/schemas";

/**
 * An admin changes the simulated estate as a person would in the Azure portal (e.g. turns a workspace's public
 * network access on), so the drift watch has something to find. The simulator records the change in its log.
 */
export function OutOfBandForm({ resources }: { resources: { id: string; label: string }[] }) {
  const [state, action, pending] = useActionState(changeEstateOutOfBandAction, initialActionState);
  const [kind, setKind] = useState<string>(OUT_OF_BAND_KINDS[0].value);
  const needs = OUT_OF_BAND_KINDS.find((k) => k.value === kind)?.needs ?? null;
  const errors = (name: string) => (state.ok ? undefined : state.fieldErrors?.[name]);
  const described = (id: string) => `${id}-hint ${id}-error`;
  return (
    <form action={action} className="space-y-4" aria-label="Change the estate out of band">
      <div className="grid gap-4 md:grid-cols-2">
        <Field id="oob-kind" label="Change" errors={errors("kind")}>
          <Select
            id="oob-kind"
            name="kind"
            value={kind}
            onChange={(e) => setKind(e.target.value)}
            aria-describedby="oob-kind-error"
          >
            {OUT_OF_BAND_KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </Select>
        </Field>
        <Field
          id="oob-resource"
          label="Resource (ARM id)"
          hint="Pick from the list or paste an id from the table below."
          errors={errors("resourceId")}
        >
          <Input
            id="oob-resource"
            name="resourceId"
            list="oob-resources"
            required
            autoComplete="off"
            aria-invalid={errors("resourceId") ? true : undefined}
            aria-describedby={described("oob-resource")}
          />
          <datalist id="oob-resources">
            {resources.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
          </datalist>
        </Field>
        {needs && (
          <Field id="oob-value" label="Value" hint={`Enter ${needs}.`} errors={errors("value")}>
            <Input
              id="oob-value"
              name="value"
              required
              aria-invalid={errors("value") ? true : undefined}
              aria-describedby={described("oob-value")}
            />
          </Field>
        )}
        {kind === "roleAssignment.add" && (
          <Field
            id="oob-principal"
            label="Principal object id"
            hint="The Entra object id of the person to give the role to."
            errors={errors("principalId")}
          >
            <Input
              id="oob-principal"
              name="principalId"
              required
              aria-invalid={errors("principalId") ? true : undefined}
              aria-describedby={described("oob-principal")}
            />
          </Field>
        )}
      </div>
      <Button type="submit" variant="danger" disabled={pending}>
        {pending ? "Changing…" : "Change it out of band"}
      </Button>
      {state.message && <Alert tone={state.ok ? "success" : "danger"}>{state.message}</Alert>}
    </form>
  );
}
