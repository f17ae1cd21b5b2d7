"use client";
// Drafting a change of a workspace set from its page: the current desired state, editable (members and roles, dev
// compute sizes and their scale limits, pipeline clusters, new environments, visibility and restriction). "Review
// the change" asks the server for the exact change plan (POST …/change-plan, stores nothing); only a reviewed,
// unchanged draft can be submitted (lib/changes/actions.ts submitChangeAction, bound to the set).
import { useActionState, useEffect, useRef, useState } from "react";
import { Alert } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { Field, FieldError, Input, Select, Textarea } from "@/components/ui/field";
import { PeoplePicker } from "@/components/people/people-picker";
import { ChangePlanView } from "@/components/changes/change-plan-view";
import { initialActionState, type ActionState } from "@/lib/action-state";
import { submitChangeAction } from "@/lib/changes/actions";
import type { ChangePreview } from "@/lib/changes/preview";
import {
  ENVIRONMENT_LABELS,
  ENVIRONMENTS,
  MEMBER_ROLE_LABELS,
  MEMBER_ROLES,
  RESTRICTION_LABELS,
  RESTRICTIONS,
  VISIBILITIES,
  VISIBILITY_LABELS,
  type EnvironmentValue,
} from "@/lib/requests/schemas";

export type ChangeFormSet = {
  id: string;
  version: number;
  environments: string[];
  visibility: string;
  restriction: string;
  members: { email: string; name: string; role: string }[];
  compute: {
    instanceVmSize: string;
    idleShutdownMinutes: number;
    devClusters: { vmSize: string; maxNodes: number }[];
    pipelines: string[];
  };
};

type Member = { email: string; name?: string; role: string; existing: boolean };
type Errors = Record<string, string[] | undefined>;

const idOf = (name: string) => `c-${name.replace(/\./g, "-")}`;

export function ChangeForm({ set, vmSizes }: { set: ChangeFormSet; vmSizes: string[] }) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(
    submitChangeAction.bind(null, set.id),
    initialActionState,
  );
  const form = useRef<HTMLFormElement>(null);
  const summary = useRef<HTMLDivElement>(null);
  const [environments, setEnvironments] = useState<string[]>(set.environments);
  const [visibility, setVisibility] = useState(set.visibility);
  const [restriction, setRestriction] = useState(set.restriction);
  const [members, setMembers] = useState<Member[]>(set.members.map((m) => ({ ...m, existing: true })));
  const [clusters, setClusters] = useState(
    set.compute.devClusters.map((c) => ({ ...c, maxNodes: String(c.maxNodes) })),
  );
  const [pipelines, setPipelines] = useState(set.compute.pipelines);
  const [preview, setPreview] = useState<ChangePreview | null>(null);
  const [reviewing, setReviewing] = useState(false);
  const [submittedOk, setSubmittedOk] = useState<string | null>(null);

  // Any edit voids the review: only the plan a person saw can be submitted.
  const edited =
    <T,>(setter: (v: T) => void) =>
    (v: T) => {
      setter(v);
      setPreview(null);
      setSubmittedOk(null);
    };

  const previewErrors: Errors = preview && !preview.ok ? preview.fieldErrors : {};
  const submitErrors: Errors = (!state.ok && state.fieldErrors) || {};
  const errors: Errors = { ...previewErrors, ...submitErrors };
  const failure = !state.ok ? state.message : preview && !preview.ok ? preview.message : null;

  // A new answer from the submit action: success clears the review (the change is on its way).
  const [answered, setAnswered] = useState(state);
  if (answered !== state) {
    setAnswered(state);
    if (state.ok && state.message) {
      setSubmittedOk(state.message);
      setPreview(null);
    }
  }
  useEffect(() => {
    if (!state.ok) summary.current?.focus();
  }, [state]);

  async function review() {
    if (!form.current) return;
    setReviewing(true);
    setSubmittedOk(null);
    try {
      const response = await fetch(`/workspace-sets/${set.id}/change-plan`, {
        method: "POST",
        body: new FormData(form.current),
      });
      const body = (await response.json()) as ChangePreview & { detail?: string };
      setPreview(
        response.ok
          ? body
          : { ok: false, message: body.detail ?? "The change could not be reviewed.", fieldErrors: {} },
      );
      if (!response.ok || !body.ok) summary.current?.focus();
    } catch {
      setPreview({ ok: false, message: "The portal could not be reached. Try again.", fieldErrors: {} });
    } finally {
      setReviewing(false);
    }
  }

  const removed = set.members.filter((m) => !members.some((x) => x.email.toLowerCase() === m.email.toLowerCase()));
  const messages = Object.entries(errors).flatMap(([field, msgs]) => (msgs ?? []).map((m) => ({ field, m })));
  const prodAllowed = environments.includes("test");

  return (
    <form ref={form} action={formAction} noValidate className="space-y-6" aria-label="Change this workspace set">
      <input type="hidden" name="baseVersion" value={set.version} />
      <input type="hidden" name="compute.instanceVmSize" value={set.compute.instanceVmSize} />
      <input type="hidden" name="compute.idleShutdownMinutes" value={set.compute.idleShutdownMinutes} />

      <div ref={summary} tabIndex={-1} className="outline-none" aria-live="polite">
        {failure && (
          <Alert tone="danger" title={failure}>
            {messages.length > 0 && (
              <ul className="mt-1 list-disc pl-5">
                {messages.map(({ field, m }) => (
                  <li key={`${field}:${m}`}>
                    {field && field !== "baseVersion" ? (
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
        )}
        {submittedOk && (
          <Alert tone="success" title="Change requested">
            {submittedOk}
          </Alert>
        )}
      </div>

      <fieldset className="space-y-3">
        <legend className="text-base font-semibold text-slate-900">Members</legend>
        <p className="text-sm text-slate-700">
          Removing someone revokes their access in every environment at once (no approval) and deletes their compute
          instance with its disk. Adding someone needs approval.
        </p>
        <FieldError id={`${idOf("members")}-error`} errors={errors.members} />
        {members.map((m, i) => (
          <div
            key={m.existing ? m.email : `new-${i}`}
            className="grid gap-3 rounded-md p-3 ring-1 ring-slate-200 sm:grid-cols-[1fr_14rem_auto] sm:items-start"
          >
            {m.existing ? (
              <div id={idOf(`members.${i}.email`)}>
                <p className="text-sm font-medium text-slate-900">{m.name}</p>
                <p className="text-xs text-slate-600">{m.email}</p>
                <input type="hidden" name={`members.${i}.email`} value={m.email} />
                <FieldError id={`${idOf(`members.${i}.email`)}-error`} errors={errors[`members.${i}.email`]} />
              </div>
            ) : (
              <PeoplePicker
                id={idOf(`members.${i}.email`)}
                name={`members.${i}.email`}
                label={`New member ${i + 1 - set.members.length + removed.length}`}
                errors={errors[`members.${i}.email`]}
                value={m.email ? { email: m.email, name: m.name } : null}
                exclude={members.filter((_, j) => j !== i).map((x) => x.email)}
                onChange={(person) =>
                  edited(setMembers)(
                    members.map((x, j) => (j === i ? { ...x, email: person?.email ?? "", name: person?.name } : x)),
                  )
                }
              />
            )}
            <Field
              id={idOf(`members.${i}.role`)}
              label={`Role of ${m.existing ? m.name : `new member ${i + 1 - set.members.length + removed.length}`}`}
              errors={errors[`members.${i}.role`]}
            >
              <Select
                id={idOf(`members.${i}.role`)}
                name={`members.${i}.role`}
                value={m.role}
                onChange={(e) =>
                  edited(setMembers)(members.map((x, j) => (j === i ? { ...x, role: e.target.value } : x)))
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
              aria-label={`Remove ${m.existing ? m.name : `new member ${i + 1 - set.members.length + removed.length}`}`}
              onClick={() => edited(setMembers)(members.filter((_, j) => j !== i))}
            >
              Remove
            </Button>
          </div>
        ))}
        {removed.length > 0 && (
          <ul aria-label="Members to remove" className="space-y-1 text-sm text-slate-800">
            {removed.map((m) => (
              <li key={m.email} className="flex flex-wrap items-center gap-2">
                To remove: <span className="font-medium">{m.name}</span> ({m.email})
                <Button
                  type="button"
                  variant="ghost"
                  onClick={() => edited(setMembers)([...members, { ...m, existing: true }])}
                >
                  Keep {m.name}
                </Button>
              </li>
            ))}
          </ul>
        )}
        <Button
          type="button"
          variant="secondary"
          onClick={() => edited(setMembers)([...members, { email: "", role: "dataScientist", existing: false }])}
        >
          Add a member
        </Button>
      </fieldset>

      <fieldset className="space-y-3">
        <legend className="text-base font-semibold text-slate-900">Development compute sizes</legend>
        <p className="text-sm text-slate-700">
          One shared cluster per VM size in dev, scaling from 0 to its maximum. A VM size cannot change in place: remove
          one size and add another.
        </p>
        <FieldError id={`${idOf("compute.devClusters")}-error`} errors={errors["compute.devClusters"]} />
        {clusters.map((c, i) => (
          <div key={i} className="grid gap-3 sm:grid-cols-[1fr_10rem_auto] sm:items-start">
            <Field
              id={idOf(`compute.devClusters.${i}.vmSize`)}
              label={`Cluster ${i + 1} VM size`}
              errors={errors[`compute.devClusters.${i}.vmSize`]}
            >
              <Select
                id={idOf(`compute.devClusters.${i}.vmSize`)}
                name={`compute.devClusters.${i}.vmSize`}
                value={c.vmSize}
                onChange={(e) =>
                  edited(setClusters)(clusters.map((x, j) => (j === i ? { ...x, vmSize: e.target.value } : x)))
                }
              >
                {[...new Set([c.vmSize, ...vmSizes])].map((s) => (
                  <option key={s} value={s}>
                    {s}
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
                id={idOf(`compute.devClusters.${i}.maxNodes`)}
                name={`compute.devClusters.${i}.maxNodes`}
                inputMode="numeric"
                value={c.maxNodes}
                onChange={(e) =>
                  edited(setClusters)(clusters.map((x, j) => (j === i ? { ...x, maxNodes: e.target.value } : x)))
                }
              />
            </Field>
            <Button
              type="button"
              variant="ghost"
              className="sm:mt-6"
              aria-label={`Remove cluster ${i + 1}`}
              onClick={() => edited(setClusters)(clusters.filter((_, j) => j !== i))}
            >
              Remove
            </Button>
          </div>
        ))}
        <Button
          type="button"
          variant="secondary"
          onClick={() => edited(setClusters)([...clusters, { vmSize: vmSizes[0] ?? "", maxNodes: "2" }])}
        >
          Add a compute size
        </Button>
      </fieldset>

      <fieldset className="space-y-3">
        <legend className="text-base font-semibold text-slate-900">Production pipeline clusters</legend>
        <p className="text-sm text-slate-700">One cluster per pipeline in test and prod.</p>
        {pipelines.map((p, i) => (
          <div key={i} className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-start">
            <Field
              id={idOf(`compute.pipelines.${i}`)}
              label={`Pipeline ${i + 1} name`}
              errors={errors[`compute.pipelines.${i}`]}
            >
              <Input
                id={idOf(`compute.pipelines.${i}`)}
                name={`compute.pipelines.${i}`}
                value={p}
                onChange={(e) => edited(setPipelines)(pipelines.map((x, j) => (j === i ? e.target.value : x)))}
              />
            </Field>
            <Button
              type="button"
              variant="ghost"
              className="sm:mt-6"
              aria-label={`Remove pipeline ${i + 1}`}
              onClick={() => edited(setPipelines)(pipelines.filter((_, j) => j !== i))}
            >
              Remove
            </Button>
          </div>
        ))}
        <Button type="button" variant="secondary" onClick={() => edited(setPipelines)([...pipelines, ""])}>
          Add a pipeline
        </Button>
      </fieldset>

      <fieldset className="space-y-2" aria-describedby={`${idOf("environments")}-error`}>
        <legend className="text-base font-semibold text-slate-900">Environments</legend>
        <p className="text-sm text-slate-700">
          Add test, or prod once test exists. Removing an environment is a decommission, not a change.
        </p>
        <div className="flex flex-wrap gap-4">
          {ENVIRONMENTS.map((e, i) => {
            const current = set.environments.includes(e);
            const disabled = current || (e === "prod" && !prodAllowed);
            return (
              <label key={e} className="flex items-center gap-2 text-sm text-slate-800">
                {current && <input type="hidden" name="environments" value={e} />}
                <input
                  type="checkbox"
                  id={i === 0 ? idOf("environments") : undefined}
                  name={current ? undefined : "environments"}
                  value={e}
                  checked={environments.includes(e)}
                  disabled={disabled}
                  onChange={(ev) =>
                    edited(setEnvironments)(
                      ev.target.checked
                        ? [...environments, e]
                        : environments.filter((x) => x !== e && !(e === "test" && x === "prod" && !current)),
                    )
                  }
                />
                {ENVIRONMENT_LABELS[e as EnvironmentValue]}
                {current && <span className="text-xs text-slate-600">(exists)</span>}
              </label>
            );
          })}
        </div>
        <FieldError id={`${idOf("environments")}-error`} errors={errors.environments} />
      </fieldset>

      <div className="grid gap-4 sm:grid-cols-2">
        <fieldset aria-describedby={`${idOf("visibility")}-error`}>
          <legend className="text-base font-semibold text-slate-900">Network visibility</legend>
          <div className="mt-2 space-y-1">
            {VISIBILITIES.map((v, i) => (
              <label key={v} className="flex items-center gap-2 text-sm text-slate-800">
                <input
                  type="radio"
                  name="visibility"
                  id={i === 0 ? idOf("visibility") : undefined}
                  value={v}
                  checked={visibility === v}
                  onChange={() => edited(setVisibility)(v)}
                />
                {VISIBILITY_LABELS[v]}
              </label>
            ))}
          </div>
          <FieldError id={`${idOf("visibility")}-error`} errors={errors.visibility} />
        </fieldset>
        <fieldset aria-describedby={`${idOf("restriction")}-error`}>
          <legend className="text-base font-semibold text-slate-900">Access restriction</legend>
          <div className="mt-2 space-y-1">
            {RESTRICTIONS.map((r, i) => (
              <label key={r} className="flex items-center gap-2 text-sm text-slate-800">
                <input
                  type="radio"
                  name="restriction"
                  id={i === 0 ? idOf("restriction") : undefined}
                  value={r}
                  checked={restriction === r}
                  onChange={() => edited(setRestriction)(r)}
                />
                {RESTRICTION_LABELS[r]}
              </label>
            ))}
          </div>
          <FieldError id={`${idOf("restriction")}-error`} errors={errors.restriction} />
        </fieldset>
      </div>

      <Field
        id={idOf("reason")}
        label="Why (shown to the approvers)"
        hint="Optional for removals."
        errors={errors.reason}
      >
        <Textarea
          id={idOf("reason")}
          name="reason"
          rows={2}
          aria-describedby={`${idOf("reason")}-hint ${idOf("reason")}-error`}
          onChange={() => setPreview(null)}
        />
      </Field>

      <div className="flex flex-wrap items-center gap-3 border-t border-slate-200 pt-4">
        <Button type="button" variant="secondary" onClick={review} disabled={reviewing}>
          {reviewing ? "Reviewing…" : "Review the change"}
        </Button>
        {!preview?.ok && (
          <p className="text-sm text-slate-600">Review the change to see its exact plan, cost and approval.</p>
        )}
      </div>

      {preview?.ok && (
        <section aria-labelledby="change-plan-heading" className="space-y-4">
          <h3 id="change-plan-heading" className="text-base font-semibold text-slate-900">
            The change plan
          </h3>
          <ChangePlanView plan={preview} />
          <Button type="submit" disabled={pending}>
            {pending
              ? "Submitting…"
              : preview.approval.need === "none"
                ? "Apply the change now"
                : "Submit the change for approval"}
          </Button>
        </section>
      )}
    </form>
  );
}
