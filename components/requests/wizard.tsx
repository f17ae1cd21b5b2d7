"use client";
import Link from "next/link";
import { useActionState, useEffect, useRef, useState } from "react";
import { Alert } from "@/components/ui/card";
import { Button, buttonClasses } from "@/components/ui/button";
import { initialActionState, type ActionState } from "@/lib/action-state";
import { saveDraftStepAction } from "@/lib/requests/actions";
import { ComputeStep } from "./wizard/compute-step";
import { EnvironmentsStep } from "./wizard/environments-step";
import { MembersStep } from "./wizard/members-step";
import { ScopeStep } from "./wizard/scope-step";
import { idOf, type EditableStep, type Values, type WizardOptionsDto } from "./wizard/shared";
import { WIZARD_STEPS } from "@/lib/requests/schemas";

export type { WizardOptionsDto } from "./wizard/shared";

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
  const stepProps = { v, set, errors, options, team };
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

      {step === "scope" && <ScopeStep {...stepProps} />}
      {step === "environments" && <EnvironmentsStep {...stepProps} />}
      {step === "members" && <MembersStep {...stepProps} />}
      {step === "compute" && <ComputeStep {...stepProps} />}

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
