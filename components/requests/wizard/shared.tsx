"use client";
// What the wizard's steps share: the options the page passes, the draft's values, ids that tie errors to inputs.
import { FieldError } from "@/components/ui/field";

export type WizardOptionsDto = {
  teams: {
    slug: string;
    name: string;
    costCenter: string;
    allowedRegions: string[];
    projects: { slug: string; name: string; costCenter: string }[];
  }[];
  allowedRegions: string[];
  defaultIdleShutdownMinutes: number;
  vmSizes: { name: string; vcpus: number; memoryGb: number; gpu: boolean; hourlyPriceUsd: number }[];
  /** Names of people the draft already holds (the requester, its members); others are found by the picker's search. */
  people: { name: string; email: string }[];
};

export type EditableStep = "scope" | "environments" | "members" | "compute";
export type Values = {
  pattern?: string;
  team?: string;
  project?: string;
  costCenter?: string;
  justification?: string;
  environments?: string[];
  visibility?: string;
  restriction?: string;
  region?: string;
  members?: { email: string; role: string }[];
  compute?: {
    instanceVmSize?: string;
    idleShutdownMinutes?: number | string;
    devClusters?: { vmSize: string; maxNodes: number | string }[];
    pipelines?: string[];
  };
  gitRepositoryUrl?: string;
};

export const idOf = (name: string) => `f-${name.replace(/\./g, "-")}`;

/** Props an input needs to be described by its error and hint. */
export function described(name: string, errors: Record<string, string[] | undefined>, hint = false) {
  const id = idOf(name);
  const has = !!errors[name]?.length;
  return {
    id,
    name,
    "aria-invalid": has || undefined,
    "aria-describedby": [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(" "),
  };
}

/** What every step component receives from the wizard shell. */
export type StepProps = {
  v: Values;
  set: (patch: Partial<Values>) => void;
  errors: Record<string, string[] | undefined>;
  options: WizardOptionsDto;
  team: WizardOptionsDto["teams"][number] | undefined;
};

export function RadioGroup<T extends string>({
  name,
  legend,
  values,
  labels,
  value,
  onChange,
  errors,
}: {
  name: string;
  legend: string;
  values: readonly T[];
  labels: Record<T, string>;
  value?: string;
  onChange: (v: T) => void;
  errors?: string[];
}) {
  return (
    <fieldset aria-describedby={`${idOf(name)}-error`}>
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      <div className="mt-2 flex flex-wrap gap-4">
        {values.map((x, i) => (
          <label key={x} className="flex items-center gap-2 text-sm text-slate-800">
            <input
              type="radio"
              name={name}
              value={x}
              id={i === 0 ? idOf(name) : undefined}
              checked={value === x}
              onChange={() => onChange(x)}
            />
            {labels[x]}
          </label>
        ))}
      </div>
      <FieldError id={`${idOf(name)}-error`} errors={errors} />
    </fieldset>
  );
}
