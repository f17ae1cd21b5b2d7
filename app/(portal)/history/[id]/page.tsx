import { Suspense } from "react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Card, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { Facts } from "@/components/history/facts";
import { StatusBadge } from "@/components/history/status-badge";
import { TimelineList } from "@/components/history/request-timeline";
import { guardedPage, uuidParam } from "@/lib/auth/page-guard";
import { SectionLoading } from "../../_components/section-loading";
import { ENVIRONMENT_LABELS, formatDateTime, formatDuration, formatUsd, requestLabel } from "@/lib/history/format";
import { getHistoryRequest } from "@/lib/history/queries";
import { HISTORY_PAGE_ACCESS } from "@/lib/history/scope";
import { buildTimeline } from "@/lib/history/timeline";
import { listRequestWorkspaces } from "@/lib/history/workspaces";

export const metadata = { title: "Request timeline" };

const span = (from: Date | null, to: Date | null) => (from && to ? formatDuration(to.getTime() - from.getTime()) : "—");

export default guardedPage(
  HISTORY_PAGE_ACCESS,
  async function RequestHistoryPage(user, { params }: { params: Promise<{ id: string }> }) {
    const id = uuidParam((await params).id);
    const request = await getHistoryRequest(user, id);
    if (!request) notFound();
    return (
      <>
        <p className="mb-2 text-sm">
          <Link href="/history" className="text-brand-700 hover:underline">
            ← History
          </Link>
        </p>
        <PageHeader
          title={`${requestLabel(request.number)} · ${request.scopeSlug ?? "workspace request"}`}
          description={`${request.teamName ?? "No team"}${request.projectName ? ` / ${request.projectName}` : ""} — requested by ${request.requesterName}`}
          actions={<StatusBadge status={request.status} />}
        />
        <div className="space-y-6">
          <Card aria-labelledby="summary-heading">
            <h2 id="summary-heading" className="mb-4 text-lg font-semibold text-slate-900">
              Summary
            </h2>
            <Facts
              items={[
                {
                  label: "Environments",
                  value: request.environments.map((e) => ENVIRONMENT_LABELS[e] ?? e).join(", ") || "—",
                },
                { label: "Region", value: request.region ?? "—" },
                {
                  label: "Network / access",
                  value: `${request.visibility?.toLowerCase() ?? "—"} / ${request.restriction?.toLowerCase() ?? "—"}`,
                },
                { label: "Cost centre", value: request.costCenter ?? "—" },
                { label: "Submitted", value: formatDateTime(request.submittedAt) },
                { label: "Submitted → approved", value: span(request.submittedAt, request.approvedAt) },
                { label: "Approved → provisioned", value: span(request.approvedAt, request.provisionedAt) },
                { label: "End to end", value: span(request.submittedAt, request.provisionedAt) },
                { label: "Estimated monthly cost", value: formatUsd(request.estimatedMonthlyUsd, true) },
                { label: "Plan hash", value: <span className="font-mono text-xs">{request.planHash ?? "—"}</span> },
                ...(request.rejectionReason ? [{ label: "Rejection reason", value: request.rejectionReason }] : []),
              ]}
            />
          </Card>
          <Suspense fallback={<SectionLoading label="Loading the workspaces and the timeline…" rows={8} />}>
            <RequestStory requestId={id} />
          </Suspense>
        </div>
      </>
    );
  },
);

/** Rendered only below the visibility check above (getHistoryRequest), so it reads without one. */
async function RequestStory({ requestId }: { requestId: string }) {
  const [timeline, workspaces] = await Promise.all([buildTimeline(requestId), listRequestWorkspaces(requestId)]);
  return (
    <>
      {workspaces.length > 0 && (
        <section aria-labelledby="workspaces-heading">
          <h2 id="workspaces-heading" className="mb-2 text-lg font-semibold text-slate-900">
            Workspaces created
          </h2>
          <Table caption="Workspaces created by this request">
            <thead className="bg-slate-50">
              <tr>
                <Th>Workspace</Th>
                <Th>Environment</Th>
                <Th>Status</Th>
                <Th className="text-right">Est. monthly</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {workspaces.map((w) => (
                <tr key={w.id}>
                  <Td>
                    <Link href={`/workspaces/${w.id}`} className="font-medium text-brand-700 hover:underline">
                      {w.name}
                    </Link>
                  </Td>
                  <Td>{ENVIRONMENT_LABELS[w.environment] ?? w.environment}</Td>
                  <Td>{w.status.toLowerCase()}</Td>
                  <Td className="text-right tabular-nums">{formatUsd(w.monthlyUsd, true)}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </section>
      )}
      <Card aria-labelledby="timeline-heading">
        <h2 id="timeline-heading" className="mb-4 text-lg font-semibold text-slate-900">
          Timeline
        </h2>
        <TimelineList entries={timeline} />
      </Card>
    </>
  );
}
