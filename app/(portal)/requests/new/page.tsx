import Link from "next/link";
import { notFound } from "next/navigation";
import { Alert, Card, PageHeader } from "@/components/ui/card";
import { buttonClasses } from "@/components/ui/button";
import { PlanView } from "@/components/requests/plan-view";
import { HeldNamesNotice } from "@/components/leases/held-names-notice";
import { CancelRequestForm, SubmitRequestForm } from "@/components/requests/request-actions";
import { RequestWizard } from "@/components/requests/wizard";
import { WizardNav } from "@/components/requests/wizard-nav";
import { guardedPage, uuidParam } from "@/lib/auth/page-guard";
import { formatRequestNumber } from "@/lib/plan/build-plan";
import { getDraftForEditor, getWizardOptions, previewDraftPlan } from "@/lib/requests/queries";
import { WIZARD_STEPS, type WizardStepKey } from "@/lib/requests/schemas";

export const metadata = { title: "New workspace request" };

const FIELD_STEP: [string, WizardStepKey][] = [
  ["pattern", "scope"],
  ["team", "scope"],
  ["project", "scope"],
  ["costCenter", "scope"],
  ["justification", "scope"],
  ["environments", "environments"],
  ["visibility", "environments"],
  ["restriction", "environments"],
  ["region", "environments"],
  ["members", "members"],
  ["compute", "compute"],
  ["gitRepositoryUrl", "compute"],
];
const stepOfField = (field: string): WizardStepKey =>
  FIELD_STEP.find(([f]) => field === f || field.startsWith(`${f}.`))?.[1] ?? "review";

export default guardedPage(
  "request.create",
  async function NewRequestPage(user, { searchParams }: { searchParams: Promise<{ draft?: string; step?: string }> }) {
    const sp = await searchParams;
    // A draft id that is malformed, someone else's or no longer a draft names nothing this person can edit.
    const draft = sp.draft ? await getDraftForEditor(user, uuidParam(sp.draft)) : null;
    if (sp.draft && !draft) notFound();
    const reached = draft?.draftStep ?? 1;
    const wanted = WIZARD_STEPS.findIndex((s) => s.key === sp.step);
    const stepIndex = wanted >= 0 && wanted < reached ? wanted : Math.min(reached, WIZARD_STEPS.length) - 1;
    const step = WIZARD_STEPS[stepIndex].key;
    const title = draft ? `Workspace request ${formatRequestNumber(draft.number)} (draft)` : "New workspace request";

    if (step === "review" && draft) {
      const preview = await previewDraftPlan(user, draft);
      return (
        <>
          <PageHeader
            title={title}
            description="Review the exact plan Atrium will provision, its role assignments and its estimated cost, then submit it for approval."
          />
          <WizardNav current="review" draftId={draft.id} reached={reached} />
          {preview.ok ? (
            <div className="space-y-6">
              <PlanView plan={preview.plan} cost={preview.cost} planHash={preview.planHash} />
              <Card>
                <h2 className="text-base font-semibold text-slate-900">Submit</h2>
                <p className="mt-1 mb-3 text-sm text-slate-700">
                  An admin approves this exact plan
                  {preview.plan.environments.includes("prod") ? ", and a stakeholder approves production" : ""}. If the
                  request changes, approvals are void.
                </p>
                <div className="flex flex-wrap items-start gap-4">
                  <SubmitRequestForm id={draft.id} version={draft.version} />
                  <CancelRequestForm id={draft.id} label="Discard draft" />
                </div>
              </Card>
            </div>
          ) : (
            <Alert tone="danger" title="This request can't be submitted yet">
              <ul className="mt-1 list-disc space-y-1 pl-5">
                {Object.entries(preview.fieldErrors).flatMap(([field, msgs]) =>
                  msgs.map((m) => (
                    <li key={`${field}:${m}`}>
                      {m}{" "}
                      <Link className="underline" href={`/requests/new?draft=${draft.id}&step=${stepOfField(field)}`}>
                        Fix in {WIZARD_STEPS.find((s) => s.key === stepOfField(field))?.title ?? "the request"}
                      </Link>
                    </li>
                  )),
                )}
              </ul>
            </Alert>
          )}
        </>
      );
    }

    const options = await getWizardOptions(user);
    return (
      <>
        <PageHeader
          title={title}
          description="Describe the workspace set you need; Atrium derives the exact Azure resources, roles and compute from it."
        />
        <WizardNav current={step} draftId={draft?.id ?? null} reached={reached} />
        {options.teams.length === 0 ? (
          <Alert tone="warning" title="You are not in a team yet">
            Requests are made for a team. Ask a platform admin to add you to your team.{" "}
            <Link href="/" className={buttonClasses("ghost")}>
              Back to the overview
            </Link>
          </Alert>
        ) : (
          <Card>
            {step === "scope" && <HeldNamesNotice viewer={user} />}
            <RequestWizard
              step={step as Exclude<WizardStepKey, "review">}
              draftId={draft?.id ?? null}
              initial={draft?.values ?? {}}
              options={{ ...options, people: [...options.people, ...(draft?.people ?? [])] }}
              requesterEmail={user.email}
            />
          </Card>
        )}
      </>
    );
  },
);
