import { Suspense } from "react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Alert, Card, PageHeader } from "@/components/ui/card";
import { buttonClasses } from "@/components/ui/button";
import { PlanView } from "@/components/requests/plan-view";
import { CancelRequestForm } from "@/components/requests/request-actions";
import { RequestStatusBadge } from "@/components/requests/status-badge";
import { ApprovalPanel } from "@/components/approvals/approval-panel";
import { ProvisioningPanel } from "@/components/provisioning/provisioning-panel";
import { RequestTimeline } from "@/components/history/request-timeline";
import { guardedPage, uuidParam } from "@/lib/auth/page-guard";
import { formatRequestNumber } from "@/lib/plan/build-plan";
import { getRequestForViewer } from "@/lib/requests/queries";
import { setIdForLink } from "@/lib/changes/set-page";
import {
  ENVIRONMENT_LABELS,
  MEMBER_ROLE_LABELS,
  PATTERN_LABELS,
  RESTRICTION_LABELS,
  VISIBILITY_LABELS,
  type EnvironmentValue,
} from "@/lib/requests/schemas";
import { DescriptionList } from "@/components/ui/description-list";
import { SectionLoading } from "../../_components/section-loading";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  return { title: `Request ${(await params).id.slice(0, 8)}` };
}

// Any signed-in person may ask; the request shows only to those the visibility rule lets see it (a draft: its
// requester alone), and looks missing to everyone else.
export default guardedPage(
  "signed-in",
  async function RequestDetailPage(
    user,
    { params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ submitted?: string }> },
  ) {
    const id = uuidParam((await params).id);
    const r = await getRequestForViewer(user, id);
    if (!r) notFound();
    const justSubmitted = (await searchParams).submitted === "1";
    // A provisioned request's set, or the set a change request changes.
    const setId = r.status === "draft" ? null : await setIdForLink(r.id);
    const rows: [string, React.ReactNode][] = [
      ["Requested by", `${r.requester.name} (${r.requester.email})`],
      ["Pattern", r.pattern ? PATTERN_LABELS[r.pattern] : "—"],
      ["Team", r.teamName ?? "—"],
      ["Project", r.projectName ?? "—"],
      ["Scope", r.scope],
      ["Environments", r.environments.map((e) => ENVIRONMENT_LABELS[e as EnvironmentValue]).join(", ") || "—"],
      ["Network", r.visibility ? VISIBILITY_LABELS[r.visibility] : "—"],
      ["Access", r.restriction ? RESTRICTION_LABELS[r.restriction] : "—"],
      ["Region", r.region ?? "—"],
      ["Cost centre", r.costCenter ?? "—"],
      ["Git repository", r.gitRepositoryUrl ?? "none"],
      [
        "Compute",
        r.compute
          ? `${r.compute.instanceVmSize} instances (idle shutdown ${r.compute.idleShutdownMinutes} min); dev clusters: ${r.compute.devClusters.map((c) => `${c.vmSize} ×${c.maxNodes}`).join(", ") || "none"}; pipelines: ${r.compute.pipelines.join(", ") || "none"}`
          : "—",
      ],
    ];
    return (
      <>
        <PageHeader
          title={`Request ${formatRequestNumber(r.number)}`}
          description={r.justification ?? undefined}
          actions={
            r.plan ? (
              <>
                {setId && (
                  <Link href={`/workspace-sets/${setId}`} className={buttonClasses("primary")}>
                    Workspace set
                  </Link>
                )}
                <a href={`/requests/${r.id}/plan.json`} className={buttonClasses("secondary")} download>
                  Download plan JSON
                </a>
              </>
            ) : r.status === "draft" && r.isRequester ? (
              <Link href={`/requests/new?draft=${r.id}`} className={buttonClasses("primary")}>
                Continue editing
              </Link>
            ) : undefined
          }
        />
        {justSubmitted && r.status === "submitted" && (
          <div className="mb-4">
            <Alert tone="success" title="Submitted for approval">
              The platform admins have been notified. You can follow the request here and in My requests.
            </Alert>
          </div>
        )}
        <div className="grid gap-6 lg:grid-cols-3">
          <Card className="lg:col-span-2">
            <div className="flex items-center gap-3">
              <h2 className="text-base font-semibold text-slate-900">Summary</h2>
              <RequestStatusBadge status={r.status} />
            </div>
            {r.rejectionReason && (
              <div className="mt-3">
                <Alert tone="danger" title="Rejected">
                  {r.rejectionReason}
                </Alert>
              </div>
            )}
            <DescriptionList className="mt-3" rows={rows} />
          </Card>
          <Card>
            <h2 className="text-base font-semibold text-slate-900">Members</h2>
            <ul className="mt-2 space-y-1 text-sm">
              {r.members.map((m) => (
                <li key={m.email}>
                  <span className="font-medium">{m.name}</span> — {MEMBER_ROLE_LABELS[m.role]}
                  <span className="block text-xs text-slate-600">{m.email}</span>
                </li>
              ))}
              {r.members.length === 0 && <li className="text-slate-600">None yet.</li>}
            </ul>
            {r.canCancel && (
              <div className="mt-4 border-t border-slate-200 pt-4">
                <CancelRequestForm id={r.id} />
              </div>
            )}
          </Card>
        </div>
        {/* Approvals (owned by the approvals domain): decisions, "queued for provisioning", the decision form. */}
        <div className="mt-6">
          <Suspense fallback={<SectionLoading label="Loading the approvals…" rows={2} />}>
            <ApprovalPanel requestId={r.id} />
          </Suspense>
        </div>
        {/* Provisioning (owned by the provisioning engine): live progress, retry and stop; nothing before the first run. */}
        <div className="mt-6">
          <Suspense fallback={<SectionLoading label="Loading the provisioning progress…" rows={3} />}>
            <ProvisioningPanel requestId={r.id} />
          </Suspense>
        </div>
        <div className="mt-6">
          {r.plan ? (
            <PlanView plan={r.plan} cost={r.cost} planHash={r.planHash} />
          ) : (
            <Card>
              <p className="text-sm text-slate-700">The plan is computed when the request is submitted.</p>
            </Card>
          )}
        </div>
        {/* History (owned by the history domain): the request's timeline; renders nothing for a request the viewer may not see. */}
        <div className="mt-6">
          <Suspense fallback={<SectionLoading label="Loading the timeline…" />}>
            <RequestTimeline requestId={r.id} />
          </Suspense>
        </div>
      </>
    );
  },
);
