"use client";
// Environments, network visibility, access restriction and region.
import { Field, FieldError, Select } from "@/components/ui/field";
import {
  ENVIRONMENT_LABELS,
  ENVIRONMENTS,
  RESTRICTION_LABELS,
  RESTRICTIONS,
  VISIBILITIES,
  VISIBILITY_LABELS,
} from "@/lib/requests/schemas";
import { described, idOf, RadioGroup, type StepProps } from "./shared";

export function EnvironmentsStep({ v, set, errors, options, team }: StepProps) {
  return (
    <div className="space-y-5">
      <fieldset aria-describedby={`${idOf("environments")}-hint ${idOf("environments")}-error`}>
        <legend className="text-sm font-medium text-slate-800">Environments</legend>
        <div className="mt-2 flex flex-wrap gap-4">
          {ENVIRONMENTS.map((e, i) => (
            <label key={e} className="flex items-center gap-2 text-sm text-slate-800">
              <input
                type="checkbox"
                name="environments"
                value={e}
                id={i === 0 ? idOf("environments") : undefined}
                checked={v.environments?.includes(e) ?? false}
                onChange={(ev) =>
                  set({
                    environments: ev.target.checked
                      ? [...(v.environments ?? []), e]
                      : (v.environments ?? []).filter((x) => x !== e),
                  })
                }
              />
              {ENVIRONMENT_LABELS[e]}
            </label>
          ))}
        </div>
        <p id={`${idOf("environments")}-hint`} className="mt-1 text-xs text-slate-600">
          Production needs a test workspace for the same scope (existing or in this request).
        </p>
        <FieldError id={`${idOf("environments")}-error`} errors={errors.environments} />
      </fieldset>
      <RadioGroup
        name="visibility"
        legend="Network visibility"
        values={VISIBILITIES}
        labels={VISIBILITY_LABELS}
        value={v.visibility}
        onChange={(x) => set({ visibility: x })}
        errors={errors.visibility}
      />
      <RadioGroup
        name="restriction"
        legend="Access restriction"
        values={RESTRICTIONS}
        labels={RESTRICTION_LABELS}
        value={v.restriction}
        onChange={(x) => set({ restriction: x })}
        errors={errors.restriction}
      />
      <Field
        id={idOf("region")}
        label="Region"
        hint={team?.allowedRegions.length ? `${team.name} may only use ${team.allowedRegions.join(", ")}.` : undefined}
        errors={errors.region}
      >
        <Select
          {...described("region", errors, !!team?.allowedRegions.length)}
          value={v.region ?? ""}
          onChange={(e) => set({ region: e.target.value })}
        >
          <option value="">Choose a region…</option>
          {regionsFor(options, team).map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </Select>
      </Field>
    </div>
  );
}

/** The portal's allowed regions, narrowed to the team's when it is limited to some (data residency). */
function regionsFor(options: StepProps["options"], team: StepProps["team"]): string[] {
  if (!team?.allowedRegions.length) return options.allowedRegions;
  return options.allowedRegions.filter((r) => team.allowedRegions.includes(r));
}
