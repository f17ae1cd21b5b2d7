import Link from "next/link";
import { notFound } from "next/navigation";
import { Alert, Card, EmptyState, PageHeader } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { DescriptionList } from "@/components/ui/description-list";
import { Table, Td, Th } from "@/components/ui/table";
import { TimelineList } from "@/components/history/request-timeline";
import { RequestStatusBadge } from "@/components/requests/status-badge";
import { ChangeForm } from "@/components/changes/change-form";
import { LeasePanel } from "@/components/leases/lease-panel";
import { SetDriftSection } from "@/components/drift/set-drift-section";
import { guardedPage, uuidParam } from "@/lib/auth/page-guard";
import { changeKindLabel } from "@/lib/changes/labels";
import { loadSetPageNames } from "@/lib/changes/set-page";
import { loadWorkspaceSet, type WorkspaceSetView } from "@/lib/changes/sets";
import { formatDateTime } from "@/lib/history/format";
import { getRequestTimeline } from "@/lib/history/timeline";
import { formatRequestNumber } from "@/lib/plan/build-plan";
import {
  ENVIRONMENT_LABELS,
  fromDbStatusText,
  MEMBER_ROLE_LABELS,
  RESTRICTION_LABELS,
  VISIBILITY_LABELS,
  type EnvironmentValue,
} from "@/lib/requests/schemas";

export const metadata = { title: "Workspace set" };

/** How many change timelines the page renders in full; older changes link to their own page. */
const TIMELINES_SHOWN = 10;

const SET_STATUS_TONE: Record<string, "success" | "info" | "warning" | "neutral"> = {
  ACTIVE: "success",
  CHANGING: "info",
  EXPIRED: "warning",
  DECOMMISSIONING: "warning",
};

type Change = WorkspaceSetView["changes"][number];

/** Where a change stands in the set's line: applying now, waiting (with its place), waiting for approval, done. */
function lineState(set: WorkspaceSetView, c: Change): string {
  if (c.id === set.activeChangeId) return "Being applied now";
  if (c.queuePosition) return `Waiting in line (${c.queuePosition === 1 ? "next" : `#${c.queuePosition}`})`;
  if (c.status === "SUBMITTED") return "Waiting for approval";
  if (c.status === "APPROVED" || c.status === "STAKEHOLDER_APPROVED") return "Approved, queued";
  return "";
}

// Any signed-in person may ask; the set shows only to those who may see the request that created it (or whom it
// names), and looks missing to everyone else (lib/changes/sets.ts loadWorkspaceSet).
export default guardedPage(
  "signed-in",
  async function WorkspaceSetPage(user, { params }: { params: Promise<{ id: string }> }) {
    const id = uuidParam((await params).id);
    const set = await loadWorkspaceSet(user, id);
    if (!set) notFound();
    const names = await loadSetPageNames(set);
    const d = set.desired;
    const open = set.changes.filter((c) => c.id === set.activeChangeId || lineState(set, c) !== "");
    const timelines = await Promise.all(
      [
        ...set.changes.slice(0, TIMELINES_SHOWN),
        { id: set.originRequestId, number: names.originNumber, kind: "NEW" },
      ].map(async (c) => ({ ...c, entries: await getRequestTimeline(user, c.id) })),
    );
    const envs = d.environments.map((e) => ENVIRONMENT_LABELS[e as EnvironmentValue] ?? e);
    const changeable = set.mayChange && (set.status === "ACTIVE" || set.status === "CHANGING");

    return (
      <>
        <PageHeader
          title={`Workspace set ${set.scopeSlug}`}
          description={`${names.teamName}${names.projectName ? ` / ${names.projectName}` : ""} — ${envs.join(", ")} in ${d.region}. What Atrium last approved and applied, and every change since.`}
          actions={
            <div className="flex items-center gap-2">
              <Badge tone={SET_STATUS_TONE[set.status] ?? "neutral"}>
                {set.status.toLowerCase().replace("_", " ")}
              </Badge>
              <Badge tone="brand">version {set.version}</Badge>
            </div>
          }
        />
        <div className="space-y-6">
          <LeasePanel viewer={user} setId={set.id} />
          <div className="grid gap-6 lg:grid-cols-3">
            <Card className="lg:col-span-2" aria-labelledby="desired-heading">
              <h2 id="desired-heading" className="mb-3 text-lg font-semibold text-slate-900">
                Desired state (version {set.version})
              </h2>
              <DescriptionList
                rows={[
                  [
                    "Environments",
                    <ul key="envs" className="space-y-0.5">
                      {d.environments.map((e) => {
                        const ws = set.workspaces.find((w) => w.environment === e);
                        const label = ENVIRONMENT_LABELS[e as EnvironmentValue] ?? e;
                        return (
                          <li key={e}>
                            {ws ? (
                              <Link href={`/workspaces/${ws.id}`} className="text-brand-700 hover:underline">
                                {label}: {ws.name}
                              </Link>
                            ) : (
                              `${label}: not created yet`
                            )}
                          </li>
                        );
                      })}
                    </ul>,
                  ],
                  ["Network", VISIBILITY_LABELS[d.visibility]],
                  ["Access", RESTRICTION_LABELS[d.restriction]],
                  ["Region", d.region],
                  [
                    "Compute instances",
                    `${d.compute.instanceVmSize}, one per data scientist in dev, idle shutdown after ${d.compute.idleShutdownMinutes} min`,
                  ],
                  [
                    "Dev clusters",
                    d.compute.devClusters.map((c) => `${c.vmSize} (0–${c.maxNodes} nodes)`).join(", ") || "none",
                  ],
                  ["Pipeline clusters", d.compute.pipelines.join(", ") || "none"],
                  ["Cost centre", d.costCenter],
                  [
                    "Created by",
                    <Link
                      key="origin"
                      href={`/requests/${set.originRequestId}`}
                      className="text-brand-700 hover:underline"
                    >
                      {formatRequestNumber(names.originNumber)}
                    </Link>,
                  ],
                  ["Last changed", formatDateTime(set.updatedAt)],
                ]}
              />
            </Card>
            <Card aria-labelledby="members-heading">
              <h2 id="members-heading" className="mb-3 text-lg font-semibold text-slate-900">
                Members ({d.members.length})
              </h2>
              <ul className="space-y-2 text-sm">
                {d.members.map((m) => (
                  <li key={m.email}>
                    <span className="font-medium text-slate-900">{m.displayName}</span> —{" "}
                    {MEMBER_ROLE_LABELS[m.role] ?? m.role}
                    <span className="block text-xs text-slate-600">{m.email}</span>
                  </li>
                ))}
              </ul>
            </Card>
          </div>

          <SetDriftSection user={user} setId={set.id} />

          <section aria-labelledby="queue-heading">
            <h2 id="queue-heading" className="mb-2 text-lg font-semibold text-slate-900">
              Changes in progress
            </h2>
            <p className="mb-2 text-sm text-slate-700">
              One change is applied at a time; others wait in line and are applied in the order they were approved.
            </p>
            {open.length === 0 ? (
              <EmptyState title="No change in progress">The set is as its desired state says.</EmptyState>
            ) : (
              <ol aria-label="Change queue" className="space-y-2">
                {open.map((c) => (
                  <li
                    key={c.id}
                    className="flex flex-wrap items-center gap-3 rounded-md bg-white p-3 ring-1 ring-slate-200"
                  >
                    <Link href={`/requests/${c.id}`} className="font-medium text-brand-700 hover:underline">
                      {formatRequestNumber(c.number)}
                    </Link>
                    <span className="text-sm text-slate-800">
                      {c.changeKinds.map(changeKindLabel).join(", ") || c.kind.toLowerCase()}
                    </span>
                    <Badge tone={c.id === set.activeChangeId ? "info" : "neutral"}>{lineState(set, c)}</Badge>
                    <span className="text-xs text-slate-600">
                      by {names.requesterNames[c.requesterId] ?? "someone"}
                    </span>
                  </li>
                ))}
              </ol>
            )}
          </section>

          {changeable ? (
            <Card aria-labelledby="change-heading">
              <h2 id="change-heading" className="mb-1 text-lg font-semibold text-slate-900">
                Request a change
              </h2>
              <p className="mb-4 text-sm text-slate-700">
                Drafted against version {set.version}. If the set changes before you submit, you are told what changed
                and asked to draft again.
              </p>
              <ChangeForm
                set={{
                  id: set.id,
                  version: set.version,
                  environments: d.environments,
                  visibility: d.visibility,
                  restriction: d.restriction,
                  members: d.members.map((m) => ({ email: m.email, name: m.displayName, role: m.role })),
                  compute: d.compute,
                }}
                vmSizes={names.vmSizes}
              />
            </Card>
          ) : (
            set.mayChange && (
              <Alert tone="info" title="This set can't be changed now">
                It is {set.status.toLowerCase().replace("_", " ")}.
              </Alert>
            )
          )}

          <section aria-labelledby="changes-heading">
            <h2 id="changes-heading" className="mb-2 text-lg font-semibold text-slate-900">
              Every change
            </h2>
            {set.changes.length === 0 ? (
              <EmptyState title="No change yet">
                The set is as its first request made it. Changes appear here with their timelines.
              </EmptyState>
            ) : (
              <Table caption="Every change of this workspace set, newest first">
                <thead className="bg-slate-50">
                  <tr>
                    <Th>Change</Th>
                    <Th>What</Th>
                    <Th>Status</Th>
                    <Th>From version</Th>
                    <Th>Asked by</Th>
                    <Th>Asked</Th>
                    <Th>Applied</Th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {set.changes.map((c) => (
                    <tr key={c.id}>
                      <Td>
                        <Link href={`/requests/${c.id}`} className="font-medium text-brand-700 hover:underline">
                          {formatRequestNumber(c.number)}
                        </Link>
                      </Td>
                      <Td>{c.changeKinds.map(changeKindLabel).join(", ") || changeKindLabel(c.kind.toLowerCase())}</Td>
                      <Td>
                        <RequestStatusBadge status={fromDbStatusText(c.status)} />
                      </Td>
                      <Td className="tabular-nums">{c.baseVersion ?? "—"}</Td>
                      <Td>{names.requesterNames[c.requesterId] ?? "—"}</Td>
                      <Td>{formatDateTime(c.createdAt)}</Td>
                      <Td>{c.provisionedAt ? formatDateTime(c.provisionedAt) : "—"}</Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            )}
          </section>

          <section aria-labelledby="timelines-heading" className="space-y-4">
            <h2 id="timelines-heading" className="text-lg font-semibold text-slate-900">
              Timelines
            </h2>
            {set.changes.length > TIMELINES_SHOWN && (
              <p className="text-sm text-slate-700">
                The {TIMELINES_SHOWN} newest changes and the request that created the set; older changes have their
                timeline on their own page.
              </p>
            )}
            {timelines.map((t) => (
              <Card key={t.id} aria-labelledby={`timeline-${t.id}`}>
                <h3 id={`timeline-${t.id}`} className="mb-3 text-base font-semibold text-slate-900">
                  {formatRequestNumber(t.number)}{" "}
                  {t.kind === "NEW"
                    ? "— the request that created the set"
                    : `— ${"changeKinds" in t ? t.changeKinds.map(changeKindLabel).join(", ") : ""}`}
                </h3>
                {t.entries ? (
                  <TimelineList entries={t.entries} label={`Timeline of ${formatRequestNumber(t.number)}`} />
                ) : (
                  <p className="text-sm text-slate-700">This request&apos;s timeline is not yours to see.</p>
                )}
              </Card>
            ))}
          </section>
        </div>
      </>
    );
  },
);
