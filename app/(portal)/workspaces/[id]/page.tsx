import Link from "next/link";
import { notFound } from "next/navigation";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
import { Facts } from "@/components/history/facts";
import { TimelineList } from "@/components/history/request-timeline";
import { guardedPage, uuidParam } from "@/lib/auth/page-guard";
import { ENVIRONMENT_LABELS, formatDateTime, formatUsd, requestLabel } from "@/lib/history/format";
import { HISTORY_PAGE_ACCESS } from "@/lib/history/scope";
import { getWorkspaceView } from "@/lib/history/workspaces";
import { setIdForLink } from "@/lib/changes/set-page";

export const metadata = { title: "Workspace" };

export default guardedPage(
  HISTORY_PAGE_ACCESS,
  async function WorkspacePage(user, { params }: { params: Promise<{ id: string }> }) {
    const id = uuidParam((await params).id);
    const ws = await getWorkspaceView(user, id);
    if (!ws) notFound();
    const setId = await setIdForLink(ws.id);
    return (
      <>
        <PageHeader
          title={ws.name}
          description={`${ws.teamName}${ws.projectName ? ` / ${ws.projectName}` : ""} — ${ENVIRONMENT_LABELS[ws.environment] ?? ws.environment} in ${ws.region}`}
          actions={<Badge tone={ws.status === "ACTIVE" ? "success" : "neutral"}>{ws.status.toLowerCase()}</Badge>}
        />
        <div className="space-y-6">
          <Card aria-labelledby="inventory-heading">
            <h2 id="inventory-heading" className="mb-4 text-lg font-semibold text-slate-900">
              Inventory entry
            </h2>
            <Facts
              items={[
                { label: "Scope", value: ws.scopeSlug },
                { label: "Created", value: formatDateTime(ws.createdAt) },
                { label: "Estimated monthly cost", value: formatUsd(ws.monthlyUsd, true) },
                {
                  label: "Request",
                  value: (
                    <Link href={`/history/${ws.requestId}`} className="text-brand-700 hover:underline">
                      {requestLabel(ws.requestNumber)} by {ws.requesterName}
                    </Link>
                  ),
                },
                { label: "Azure resource id", value: <span className="font-mono text-xs">{ws.armId}</span> },
                ...(setId
                  ? [
                      {
                        label: "Workspace set",
                        value: (
                          <Link href={`/workspace-sets/${setId}`} className="text-brand-700 hover:underline">
                            Desired state, changes and requesting a change
                          </Link>
                        ),
                      },
                    ]
                  : []),
              ]}
            />
          </Card>
          <section aria-labelledby="resources-heading">
            <h2 id="resources-heading" className="mb-2 text-lg font-semibold text-slate-900">
              Resources
            </h2>
            {ws.resources.length === 0 ? (
              <EmptyState title="No plan recorded for this workspace">
                The request that created it carries no plan steps for this environment.
              </EmptyState>
            ) : (
              <Table caption="Resources of this workspace, from the approved plan">
                <thead className="bg-slate-50">
                  <tr>
                    <Th>Kind</Th>
                    <Th>Name</Th>
                    <Th>Provisioning</Th>
                    <Th>Resource id</Th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {ws.resources.map((r) => (
                    <tr key={r.stepKey || r.resourceId}>
                      <Td>{r.kind}</Td>
                      <Td className="font-medium">{r.name}</Td>
                      <Td>
                        {r.status
                          ? `${r.status.toLowerCase()}${r.attempts ? ` (${r.attempts} attempt${r.attempts > 1 ? "s" : ""})` : ""}`
                          : "not started"}
                      </Td>
                      <Td className="font-mono text-xs break-all">{r.resourceId}</Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            )}
          </section>
          <Card aria-labelledby="verification-heading">
            <h2 id="verification-heading" className="mb-2 text-lg font-semibold text-slate-900">
              Last verification
            </h2>
            {ws.lastVerification ? (
              <>
                <p className="text-sm text-slate-700">
                  Attempt {ws.lastVerification.attempt}, {ws.lastVerification.status.toLowerCase()},{" "}
                  {formatDateTime(ws.lastVerification.at)}
                </p>
                {/* Long read-backs scroll; the focusable block lets keyboard users scroll it (axe scrollable-region-focusable). */}
                <pre
                  tabIndex={0}
                  className="mt-2 max-h-80 overflow-auto rounded bg-slate-50 p-3 text-xs text-slate-800"
                >
                  {JSON.stringify(ws.lastVerification.value, null, 2)}
                </pre>
              </>
            ) : (
              <p className="text-sm text-slate-700">No verification has been recorded for this workspace yet.</p>
            )}
          </Card>
          <Card aria-labelledby="ws-timeline-heading">
            <h2 id="ws-timeline-heading" className="mb-4 text-lg font-semibold text-slate-900">
              Timeline
            </h2>
            <TimelineList entries={ws.timeline} label="Workspace timeline" />
          </Card>
        </div>
      </>
    );
  },
);
