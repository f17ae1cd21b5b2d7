"use client";
// The first step: organisation pattern, team, project, cost centre and justification.
import { Field, FieldError, Input, Select, Textarea } from "@/components/ui/field";
import { ORG_PATTERNS, PATTERN_LABELS } from "@/lib/requests/schemas";
import { described, idOf, type StepProps } from "./shared";

export function ScopeStep({ v, set, errors, options, team }: StepProps) {
  return (
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
  );
}
