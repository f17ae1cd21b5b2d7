import Link from "next/link";
import { notFound } from "next/navigation";
import { Card, PageHeader } from "@/components/ui/card";
import { PlanView } from "@/components/requests/plan-view";
import { RequestStatusBadge } from "@/components/requests/status-badge";
import { ApprovalPanel } from "@/components/approvals/approval-panel";
import { guardedPage, uuidParam } from "@/lib/auth/page-guard";
import { formatRequestNumber } from "@/lib/plan/build-plan";
import { getRequestForViewer } from "@/lib/requests/queries";
import {
  ENVIRONMENT_LABELS,
  MEMBER_ROLE_LABELS,
  RESTRICTION_LABELS,
  VISIBILITY_LABELS,
  type EnvironmentValue,
} from "@/lib/requests/schemas";
import { DescriptionList } from "@/components/ui/description-list";

export const metadata = { title: "Review a request" };

/** The plan detail behind a queue entry, with the decision form (the request page shows the same panel). */
export default guardedPage(
  ["request.approve", "request.approve_production"],
  async function ApprovalDetailPage(user, { params }: { params: Promise<{ id: string }> }) {
    const id = uuidParam((await params).id);
    const r = await getRequestForViewer(user, id);
    if (!r || r.status === "draft") notFound();
    const number = formatRequestNumber(r.number);
    return (
      <>
        <PageHeader
          title={`Review ${number}`}
          description={r.justification ?? undefined}
          actions={
            <Link href={`/requests/${r.id}`} className="text-sm font-semibold text-brand-700 hover:underline">
              Open the request page
            </Link>
          }
        />
        <div className="grid gap-6 lg:grid-cols-3">
          <Card className="lg:col-span-2">
            <div className="flex items-center gap-3">
              <h2 className="text-base font-semibold text-slate-900">Summary</h2>
              <RequestStatusBadge status={r.status} />
            </div>
            <DescriptionList
              className="mt-3"
              rows={
                [
                  ["Requested by", `${r.requester.name} (${r.requester.email})`],
                  ["Scope", `${r.projectName ?? r.teamName ?? ""} (${r.scope})`],
                  ["Environments", r.environments.map((e) => ENVIRONMENT_LABELS[e as EnvironmentValue]).join(", ")],
                  ["Network", r.visibility ? VISIBILITY_LABELS[r.visibility] : "—"],
                  ["Access", r.restriction ? RESTRICTION_LABELS[r.restriction] : "—"],
                  ["Region", r.region ?? "—"],
                  ["Cost centre", r.costCenter ?? "—"],
                  ["Members", r.members.map((m) => `${m.name} (${MEMBER_ROLE_LABELS[m.role]})`).join(", ") || "—"],
                ] as const
              }
            />
          </Card>
          <ApprovalPanel requestId={r.id} />
        </div>
        <div className="mt-6">{r.plan && <PlanView plan={r.plan} cost={r.cost} planHash={r.planHash} />}</div>
      </>
    );
  },
);
