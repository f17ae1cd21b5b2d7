"use client";
// The people who work in the workspaces, each with a workspace role.
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, FieldError, Select } from "@/components/ui/field";
import { PeoplePicker } from "@/components/people/people-picker";
import { MEMBER_ROLE_LABELS, MEMBER_ROLES } from "@/lib/requests/schemas";
import { described, idOf, type StepProps } from "./shared";

export function MembersStep({ v, set, errors, options }: StepProps) {
  // Names shown for chosen people: those the page named, and everyone picked since.
  const [names] = useState(() => new Map(options.people.map((p) => [p.email.toLowerCase(), p.name])));
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-700">
        Everyone who works in the workspaces: find each person by name or e-mail in the directory. Data scientists get a
        personal compute instance in dev; access per environment follows the platform&apos;s rules.
      </p>
      <FieldError id={`${idOf("members")}-error`} errors={errors.members} />
      {(v.members ?? []).map((m, i) => (
        <fieldset
          key={i}
          className="grid gap-3 rounded-md p-3 ring-1 ring-slate-200 sm:grid-cols-[1fr_14rem_auto] sm:items-start"
        >
          <legend className="sr-only">Member {i + 1}</legend>
          <PeoplePicker
            id={idOf(`members.${i}.email`)}
            name={`members.${i}.email`}
            label={`Member ${i + 1}`}
            errors={errors[`members.${i}.email`]}
            value={m.email ? { email: m.email, name: names.get(m.email.toLowerCase()) } : null}
            exclude={(v.members ?? []).filter((_, j) => j !== i).map((x) => x.email)}
            onChange={(person) => {
              if (person?.name) names.set(person.email.toLowerCase(), person.name);
              set({ members: (v.members ?? []).map((x, j) => (j === i ? { ...x, email: person?.email ?? "" } : x)) });
            }}
          />
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
  );
}
