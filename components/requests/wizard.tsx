"use client";
import Link from "next/link";
import { useActionState, useEffect, useRef, useState } from "react";
import { Alert } from "@/components/ui/card";
import { Button, buttonClasses } from "@/components/ui/button";
import { Field, FieldError, Input, Select, Textarea } from "@/components/ui/field";
import { initialActionState, type ActionState } from "@/lib/action-state";
import { saveDraftStepAction } from "@/lib/requests/actions";
import {
  ENVIRONMENT_LABELS,
  ENVIRONMENTS,
  IDLE_SHUTDOWN_MAX,
  IDLE_SHUTDOWN_MIN,
  MEMBER_ROLE_LABELS,
  MEMBER_ROLES,
  ORG_PATTERNS,
  PATTERN_LABELS,
  RESTRICTION_LABELS,
  RESTRICTIONS,
  VISIBILITIES,
  VISIBILITY_LABELS,
  WIZARD_STEPS,
} from "@/lib/requests/schemas";

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
  people: { name: string; email: string; inDirectory: boolean }[];
};

type EditableStep = "scope" | "environments" | "members" | "compute";
type Values = {
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

const idOf = (name: string) => `f-${name.replace(/\./g, "-")}`;

/** Props an input needs to be described by its error and hint. */
function described(name: string, errors: Record<string, string[] | undefined>, hint = false) {
  const id = idOf(name);
  const has = !!errors[name]?.length;
  return {
    id,
    name,
    "aria-invalid": has || undefined,
    "aria-describedby": [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(" "),
  };
}

export function RequestWizard({
  step,
  draftId,
  initial,
  options,
  requesterEmail,
}: {
  step: EditableStep;
  draftId: string | null;
  initial: Values;
  options: WizardOptionsDto;
  requesterEmail: string;
}) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(saveDraftStepAction, initialActionState);
  const errors: Record<string, string[] | undefined> = (!state.ok && state.fieldErrors) || {};
  const summaryRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!state.ok) summaryRef.current?.focus();
  }, [state]);

  const [v, setV] = useState<Values>(() => ({
    ...initial,
    members: initial.members?.length ? initial.members : [{ email: requesterEmail, role: "dataScientist" }],
    compute: {
      instanceVmSize: initial.compute?.instanceVmSize ?? options.vmSizes[0]?.name ?? "",
      idleShutdownMinutes: initial.compute?.idleShutdownMinutes ?? options.defaultIdleShutdownMinutes,
      devClusters: initial.compute?.devClusters ?? [],
      pipelines: initial.compute?.pipelines ?? [],
    },
    environments: initial.environments ?? [],
  }));
  const set = (patch: Partial<Values>) => setV((old) => ({ ...old, ...patch }));
  const team = options.teams.find((t) => t.slug === v.team);
  const index = WIZARD_STEPS.findIndex((s) => s.key === step);
  const previous = index > 0 ? WIZARD_STEPS[index - 1] : null;
  const messages = Object.entries(errors).flatMap(([field, msgs]) => (msgs ?? []).map((m) => ({ field, m })));

  return (
    <form action={formAction} noValidate className="space-y-6">
      <input type="hidden" name="step" value={step} />
      <input type="hidden" name="draftId" value={draftId ?? ""} />
      {!state.ok && (
        <div ref={summaryRef} tabIndex={-1} className="outline-none">
          <Alert tone="danger" title={state.message ?? "Some fields need your attention."}>
            {messages.length > 0 && (
              <ul className="mt-1 list-disc pl-5">
                {messages.map(({ field, m }) => (
                  <li key={`${field}:${m}`}>
                    {field ? (
                      <a href={`#${idOf(field)}`} className="underline">
                        {m}
                      </a>
                    ) : (
                      m
                    )}
                  </li>
                ))}
              </ul>
            )}
          </Alert>
        </div>
      )}

      {step === "scope" && (
        <div className="space-y-5">
          <fieldset aria-describedby={`${idOf("pattern")}-error`}>
            <legend className="text-sm font-medium text-slate-800">Organisation pattern</legend>
            <div className="mt-2 grid gap-2 sm:grid-cols-3">
              {ORG_PATTERNS.map((p) => (
                <label
                  key={p}
                  className="flex items-start gap-2 rounded-md p-3 text-sm ring-1 ring-slate-300 has-checked:ring-2 has-checked:ring-brand-600"
                >
                  <input
                    type="radio"
                    name="pattern"
                    value={p}
                    id={p === ORG_PATTERNS[0] ? idOf("pattern") : undefined}
                    checked={v.pattern === p}
                    onChange={() => set({ pattern: p, project: p === "project" ? v.project : "" })}
                  />
                  <span>
                    <span className="font-medium text-slate-900">{PATTERN_LABELS[p]}</span>
                    <span className="block text-xs text-slate-600">
                      {p === "team"
                        ? "One workspace set per team; every member needs the same data."
                        : p === "project"
                          ? "One workspace set per project; cost and data kept apart."
                          : "One workspace set per business division for individual work."}
                    </span>
                  </span>
                </label>
              ))}
            </div>
            <FieldError id={`${idOf("pattern")}-error`} errors={errors.pattern} />
          </fieldset>
          <Field id={idOf("team")} label="Team" errors={errors.team}>
            <Select
              {...described("team", errors)}
              value={v.team ?? ""}
              onChange={(e) =>
                set({
                  team: e.target.value,
                  project: "",
                  costCenter: options.teams.find((t) => t.slug === e.target.value)?.costCenter ?? v.costCenter,
                })
              }
            >
              <option value="">Choose a team…</option>
              {options.teams.map((t) => (
                <option key={t.slug} value={t.slug}>
                  {t.name}
                </option>
              ))}
            </Select>
          </Field>
          {v.pattern === "project" && (
            <Field id={idOf("project")} label="Project" errors={errors.project}>
              <Select
                {...described("project", errors)}
                value={v.project ?? ""}
                onChange={(e) =>
                  set({
                    project: e.target.value,
                    costCenter: team?.projects.find((p) => p.slug === e.target.value)?.costCenter ?? v.costCenter,
                  })
                }
              >
                <option value="">{team ? "Choose a project…" : "Choose a team first"}</option>
                {team?.projects.map((p) => (
                  <option key={p.slug} value={p.slug}>
                    {p.name}
                  </option>
                ))}
              </Select>
            </Field>
          )}
          {v.pattern !== "project" && <input type="hidden" name="project" value="" />}
          <Field
            id={idOf("costCenter")}
            label="Cost centre"
            hint="Charged for everything this request creates (tag cost-center)."
            errors={errors.costCenter}
          >
            <Input
              {...described("costCenter", errors, true)}
              value={v.costCenter ?? ""}
              onChange={(e) => set({ costCenter: e.target.value })}
            />
          </Field>
          <Field
            id={idOf("justification")}
            label="Justification"
            hint="Why the workspaces are needed; the approvers read this."
            errors={errors.justification}
          >
            <Textarea
              {...described("justification", errors, true)}
              rows={4}
              value={v.justification ?? ""}
              onChange={(e) => set({ justification: e.target.value })}
            />
          </Field>
        </div>
      )}

      {step === "environments" && (
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
            hint={
              team?.allowedRegions.length ? `${team.name} may only use ${team.allowedRegions.join(", ")}.` : undefined
            }
            errors={errors.region}
          >
            <Select
              {...described("region", errors, !!team?.allowedRegions.length)}
              value={v.region ?? ""}
              onChange={(e) => set({ region: e.target.value })}
            >
              <option value="">Choose a region…</option>
              {options.allowedRegions.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </Select>
          </Field>
        </div>
      )}

      {step === "members" && (
        <div className="space-y-4">
          <p className="text-sm text-slate-700">
            Everyone who works in the workspaces. Data scientists get a personal compute instance in dev; access per
            environment follows the platform&apos;s rules.
          </p>
          <datalist id="directory-people">
            {options.people
              .filter((p) => p.inDirectory)
              .map((p) => (
                <option key={p.email} value={p.email}>
                  {p.name}
                </option>
              ))}
          </datalist>
          <FieldError id={`${idOf("members")}-error`} errors={errors.members} />
          {(v.members ?? []).map((m, i) => (
            <fieldset
              key={i}
              className="grid gap-3 rounded-md p-3 ring-1 ring-slate-200 sm:grid-cols-[1fr_14rem_auto] sm:items-start"
            >
              <legend className="sr-only">Member {i + 1}</legend>
              <Field
                id={idOf(`members.${i}.email`)}
                label={`Member ${i + 1} e-mail`}
                errors={errors[`members.${i}.email`]}
              >
                <Input
                  {...described(`members.${i}.email`, errors)}
                  type="email"
                  list="directory-people"
                  autoComplete="off"
                  value={m.email}
                  onChange={(e) =>
                    set({ members: (v.members ?? []).map((x, j) => (j === i ? { ...x, email: e.target.value } : x)) })
                  }
                />
              </Field>
              <Field id={idOf(`members.${i}.role`)} label={`Member ${i + 1} role`} errors={errors[`members.${i}.role`]}>
                <Select
                  {...described(`members.${i}.role`, errors)}
                  value={m.role}
                  onChange={(e) =>
                    set({ members: (v.members ?? []).map((x, j) => (j === i ? { ...x, role: e.target.value } : x)) })
                  }
                >
                  {MEMBER_ROLES.map((r) => (
                    <option key={r} value={r}>
                      {MEMBER_ROLE_LABELS[r]}
                    </option>
                  ))}
                </Select>
              </Field>
              <Button
                type="button"
                variant="ghost"
                className="sm:mt-6"
                onClick={() => set({ members: (v.members ?? []).filter((_, j) => j !== i) })}
                aria-label={`Remove member ${i + 1}`}
              >
                Remove
              </Button>
            </fieldset>
          ))}
          <Button
            type="button"
            variant="secondary"
            onClick={() => set({ members: [...(v.members ?? []), { email: "", role: "dataScientist" }] })}
          >
            Add member
          </Button>
        </div>
      )}

      {step === "compute" && (
        <div className="space-y-6">
          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              id={idOf("compute.instanceVmSize")}
              label="Compute instance VM size"
              hint="One personal instance per data scientist, in dev."
              errors={errors["compute.instanceVmSize"]}
            >
              <Select
                {...described("compute.instanceVmSize", errors, true)}
                value={v.compute?.instanceVmSize ?? ""}
                onChange={(e) => set({ compute: { ...v.compute, instanceVmSize: e.target.value } })}
              >
                {options.vmSizes.map((s) => (
                  <option key={s.name} value={s.name}>
                    {s.name} ({s.vcpus} vCPU, {s.memoryGb} GB{s.gpu ? ", GPU" : ""}) ${s.hourlyPriceUsd.toFixed(3)}/h
                  </option>
                ))}
              </Select>
            </Field>
            <Field
              id={idOf("compute.idleShutdownMinutes")}
              label="Idle shutdown (minutes)"
              hint={`Instances stop after this much idle time (${IDLE_SHUTDOWN_MIN}–${IDLE_SHUTDOWN_MAX}).`}
              errors={errors["compute.idleShutdownMinutes"]}
            >
              <Input
                {...described("compute.idleShutdownMinutes", errors, true)}
                type="number"
                inputMode="numeric"
                min={IDLE_SHUTDOWN_MIN}
                max={IDLE_SHUTDOWN_MAX}
                value={v.compute?.idleShutdownMinutes ?? ""}
                onChange={(e) => set({ compute: { ...v.compute, idleShutdownMinutes: e.target.value } })}
              />
            </Field>
          </div>

          <section aria-labelledby="dev-clusters-heading" className="space-y-3">
            <h2 id="dev-clusters-heading" className="text-sm font-semibold text-slate-900">
              Development clusters (dev, shared, scale to 0)
            </h2>
            {(v.compute?.devClusters ?? []).map((c, i) => (
              <fieldset
                key={i}
                className="grid gap-3 rounded-md p-3 ring-1 ring-slate-200 sm:grid-cols-[1fr_10rem_auto] sm:items-start"
              >
                <legend className="sr-only">Cluster {i + 1}</legend>
                <Field
                  id={idOf(`compute.devClusters.${i}.vmSize`)}
                  label={`Cluster ${i + 1} VM size`}
                  errors={errors[`compute.devClusters.${i}.vmSize`]}
                >
                  <Select
                    {...described(`compute.devClusters.${i}.vmSize`, errors)}
                    value={c.vmSize}
                    onChange={(e) =>
                      set({
                        compute: {
                          ...v.compute,
                          devClusters: (v.compute?.devClusters ?? []).map((x, j) =>
                            j === i ? { ...x, vmSize: e.target.value } : x,
                          ),
                        },
                      })
                    }
                  >
                    {options.vmSizes.map((s) => (
                      <option key={s.name} value={s.name}>
                        {s.name}
                      </option>
                    ))}
                  </Select>
                </Field>
                <Field
                  id={idOf(`compute.devClusters.${i}.maxNodes`)}
                  label={`Cluster ${i + 1} max nodes`}
                  errors={errors[`compute.devClusters.${i}.maxNodes`]}
                >
                  <Input
                    {...described(`compute.devClusters.${i}.maxNodes`, errors)}
                    type="number"
                    inputMode="numeric"
                    min={1}
                    value={c.maxNodes}
                    onChange={(e) =>
                      set({
                        compute: {
                          ...v.compute,
                          devClusters: (v.compute?.devClusters ?? []).map((x, j) =>
                            j === i ? { ...x, maxNodes: e.target.value } : x,
                          ),
                        },
                      })
                    }
                  />
                </Field>
                <Button
                  type="button"
                  variant="ghost"
                  className="sm:mt-6"
                  aria-label={`Remove cluster ${i + 1}`}
                  onClick={() =>
                    set({
                      compute: { ...v.compute, devClusters: (v.compute?.devClusters ?? []).filter((_, j) => j !== i) },
                    })
                  }
                >
                  Remove
                </Button>
              </fieldset>
            ))}
            <Button
              type="button"
              variant="secondary"
              onClick={() =>
                set({
                  compute: {
                    ...v.compute,
                    devClusters: [
                      ...(v.compute?.devClusters ?? []),
                      { vmSize: options.vmSizes[0]?.name ?? "", maxNodes: 2 },
                    ],
                  },
                })
              }
            >
              Add cluster
            </Button>
          </section>

          <section aria-labelledby="pipelines-heading" className="space-y-3">
            <h2 id="pipelines-heading" className="text-sm font-semibold text-slate-900">
              Production pipelines (one cluster each in test and prod)
            </h2>
            {(v.compute?.pipelines ?? []).map((p, i) => (
              <div key={i} className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-start">
                <Field
                  id={idOf(`compute.pipelines.${i}`)}
                  label={`Pipeline ${i + 1} name`}
                  errors={errors[`compute.pipelines.${i}`]}
                >
                  <Input
                    {...described(`compute.pipelines.${i}`, errors)}
                    value={p}
                    onChange={(e) =>
                      set({
                        compute: {
                          ...v.compute,
                          pipelines: (v.compute?.pipelines ?? []).map((x, j) => (j === i ? e.target.value : x)),
                        },
                      })
                    }
                  />
                </Field>
                <Button
                  type="button"
                  variant="ghost"
                  className="sm:mt-6"
                  aria-label={`Remove pipeline ${i + 1}`}
                  onClick={() =>
                    set({
                      compute: { ...v.compute, pipelines: (v.compute?.pipelines ?? []).filter((_, j) => j !== i) },
                    })
                  }
                >
                  Remove
                </Button>
              </div>
            ))}
            <Button
              type="button"
              variant="secondary"
              onClick={() => set({ compute: { ...v.compute, pipelines: [...(v.compute?.pipelines ?? []), ""] } })}
            >
              Add pipeline
            </Button>
          </section>

          <Field
            id={idOf("gitRepositoryUrl")}
            label="Git repository (optional)"
            hint="An https URL; recorded as a Git connection on every workspace."
            errors={errors.gitRepositoryUrl}
          >
            <Input
              {...described("gitRepositoryUrl", errors, true)}
              type="url"
              value={v.gitRepositoryUrl ?? ""}
              onChange={(e) => set({ gitRepositoryUrl: e.target.value })}
            />
          </Field>
        </div>
      )}

      <div className="flex items-center justify-between border-t border-slate-200 pt-4">
        {previous && draftId ? (
          <Link href={`/requests/new?draft=${draftId}&step=${previous.key}`} className={buttonClasses("secondary")}>
            Back: {previous.title}
          </Link>
        ) : (
          <span />
        )}
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : `Save and continue`}
        </Button>
      </div>
    </form>
  );
}

function RadioGroup<T extends string>({
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
