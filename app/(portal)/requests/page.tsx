import Link from "next/link";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { buttonClasses } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Table, Td, Th } from "@/components/ui/table";
import { RequestStatusBadge } from "@/components/requests/status-badge";
import { guardedPage } from "@/lib/auth/page-guard";
import { formatRequestNumber } from "@/lib/plan/build-plan";
import { listMyRequests, parseStatusFilter } from "@/lib/requests/queries";
import { REQUEST_STATUSES, STATUS_LABELS } from "@/lib/requests/schemas";

export const metadata = { title: "My requests" };

export default guardedPage(
  "request.create",
  async function MyRequestsPage(user, { searchParams }: { searchParams: Promise<{ status?: string }> }) {
    const status = parseStatusFilter((await searchParams).status);
    const requests = await listMyRequests(user, { status });
    return (
      <>
        <PageHeader
          title="My requests"
          description="Your workspace requests, newest first."
          actions={
            <Link href="/requests/new" className={buttonClasses("primary")}>
              New request
            </Link>
          }
        />
        <nav aria-label="Filter by status" className="mb-4">
          <ul className="flex flex-wrap gap-2 text-sm">
            {[null, ...REQUEST_STATUSES].map((s) => (
              <li key={s ?? "all"}>
                <Link
                  href={s ? `/requests?status=${s}` : "/requests"}
                  aria-current={s === status ? "page" : undefined}
                  className={cn(
                    "inline-flex rounded-full px-3 py-1 ring-1 ring-inset",
                    s === status
                      ? "bg-brand-600 text-white ring-brand-600"
                      : "bg-white text-slate-800 ring-slate-300 hover:bg-slate-50",
                  )}
                >
                  {s ? STATUS_LABELS[s] : "All"}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        {requests.length === 0 ? (
          <EmptyState title={status ? `No ${STATUS_LABELS[status].toLowerCase()} requests` : "No requests yet"}>
            <Link href="/requests/new" className="underline">
              Start a workspace request
            </Link>
          </EmptyState>
        ) : (
          <Table caption="My workspace requests">
            <thead className="bg-slate-50">
              <tr>
                <Th>Request</Th>
                <Th>Status</Th>
                <Th>Scope</Th>
                <Th>Environments</Th>
                <Th>Region</Th>
                <Th className="text-right">Est. monthly</Th>
                <Th>Created</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {requests.map((r) => (
                <tr key={r.id}>
                  <Td>
                    <Link
                      href={r.status === "draft" ? `/requests/new?draft=${r.id}` : `/requests/${r.id}`}
                      className="font-medium text-brand-700 hover:underline"
                    >
                      {formatRequestNumber(r.number)}
                    </Link>
                  </Td>
                  <Td>
                    <RequestStatusBadge status={r.status} />
                  </Td>
                  <Td>
                    {r.scope}
                    <span className="block text-xs text-slate-600">
                      {[r.teamName, r.projectName].filter(Boolean).join(" · ")}
                    </span>
                  </Td>
                  <Td>{r.environments.join(", ") || "—"}</Td>
                  <Td>{r.region ?? "—"}</Td>
                  <Td className="text-right">
                    {r.estimatedMonthlyUsd === null ? "—" : `$${r.estimatedMonthlyUsd.toFixed(2)}`}
                  </Td>
                  <Td>
                    <time dateTime={r.createdAt.toISOString()}>
                      {r.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC
                    </time>
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </>
    );
  },
);
