"use client";
import { useActionState } from "react";
import { Alert } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { initialActionState } from "@/lib/action-state";
import { updateDriftSettingsAction } from "@/lib/drift/actions";

/** How often every workspace set is scanned (admins). */
export function DriftSettingsForm({ scanIntervalMinutes, version }: { scanIntervalMinutes: number; version: number }) {
  const [state, action, pending] = useActionState(updateDriftSettingsAction, initialActionState);
  const errors = state.ok ? undefined : state.fieldErrors?.scanIntervalMinutes;
  return (
    <form action={action} className="flex flex-wrap items-end gap-3" aria-label="Drift scan interval">
      <input type="hidden" name="version" value={version} />
      <Field
        id="scanIntervalMinutes"
        label="Scan every workspace set every (minutes)"
        hint="15 to 10,080 (a week). Sets are spread evenly over the interval, within ARM's read budget."
        errors={errors}
      >
        <Input
          id="scanIntervalMinutes"
          name="scanIntervalMinutes"
          type="number"
          min={15}
          max={10080}
          defaultValue={scanIntervalMinutes}
          aria-invalid={errors ? true : undefined}
          aria-describedby="scanIntervalMinutes-hint scanIntervalMinutes-error"
          className="w-40"
        />
      </Field>
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save"}
      </Button>
      {state.message && <Alert tone={state.ok ? "success" : "danger"}>{state.message}</Alert>}
    </form>
  );
}
