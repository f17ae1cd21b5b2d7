import Link from "next/link";
import { Table, Th } from "@/components/ui/table";
import { StatusBadge } from "@/components/history/status-badge";
import { historyQueryString, type HistoryFilters, type HistorySort } from "@/lib/history/filters";
import { ENVIRONMENT_LABELS, formatDateTime, formatDuration, formatUsd, requestLabel } from "@/lib/history/format";

export type HistoryRowDto = {
  id: string;
  number: number;
  status: string;
  /** NEW, CHANGE or DECOMMISSION (absent: NEW). */
  kind?: string;
  environments: string[];
  teamName: string | null;
  projectName: string | null;
  scopeSlug: string | null;
  requesterName: string;
  submittedAt: Date;
  provisionedAt: Date | null;
  estimatedMonthlyUsd: number | null;
};

// Same look as components/ui/table's Td: padding, alignment, colour; one line unless a cell allows wrapping (!).
const BODY =
  "divide-y divide-slate-100 [&_td]:px-3 [&_td]:py-2.5 [&_td]:align-top [&_td]:text-slate-800 [&_td]:whitespace-nowrap";
const NOTE = "block text-xs text-slate-600";
const KIND_NOTES: Record<string, string> = { CHANGE: "change to a set", DECOMMISSION: "decommission" };

function SortHeader({
  label,
  sort,
  filters,
  basePath,
}: {
  label: string;
  sort: HistorySort;
  filters: HistoryFilters;
  basePath: string;
}) {
  const active = filters.sort === sort;
  const nextDir = active && filters.dir === "desc" ? "asc" : "desc";
  const href = `${basePath}${historyQueryString(filters, { sort, dir: nextDir, after: undefined, before: undefined })}`;
  return (
    <Th aria-sort={active ? (filters.dir === "asc" ? "ascending" : "descending") : "none"}>
      <Link prefetch={false} href={href} className="inline-flex items-center gap-1 hover:underline">
        {label}
        <span aria-hidden>{active ? (filters.dir === "asc" ? "▲" : "▼") : "↕"}</span>
        <span className="sr-only">
          {active ? `, sorted ${filters.dir === "asc" ? "ascending" : "descending"}; ` : ", "}sort{" "}
          {nextDir === "asc" ? "ascending" : "descending"}
        </span>
      </Link>
    </Th>
  );
}

export function HistoryTable({
  rows,
  filters,
  basePath,
}: {
  rows: HistoryRowDto[];
  filters: HistoryFilters;
  basePath: string;
}) {
  return (
    <Table caption="Workspace requests">
      <thead className="bg-slate-50">
        <tr>
          <SortHeader label="Request" sort="number" filters={filters} basePath={basePath} />
          <Th>Team / project</Th>
          <Th>Environments</Th>
          <Th>Status</Th>
          <Th>Requester</Th>
          <SortHeader label="Submitted" sort="submitted" filters={filters} basePath={basePath} />
          <Th>Submitted → provisioned</Th>
          <Th className="text-right">Est. monthly</Th>
        </tr>
      </thead>
      {/* 25 rows render on every view (and are sent twice: as HTML and in the RSC payload), so the cells'
          shared styling lives once on the tbody instead of on every cell. */}
      <tbody className={BODY}>
        {rows.map((r) => (
          <tr key={r.id}>
            <td className="font-medium">
              <Link prefetch={false} href={`/history/${r.id}`} className="text-brand-700 hover:underline">
                {requestLabel(r.number)}
              </Link>
              {r.scopeSlug && <span className={NOTE}>{r.scopeSlug}</span>}
              {r.kind && r.kind !== "NEW" && <span className={NOTE}>{KIND_NOTES[r.kind] ?? r.kind.toLowerCase()}</span>}
            </td>
            <td className="whitespace-normal!">
              {r.teamName ?? "—"}
              {r.projectName && <span className={NOTE}>{r.projectName}</span>}
            </td>
            <td>{r.environments.map((e) => ENVIRONMENT_LABELS[e] ?? e).join(", ") || "—"}</td>
            <td>
              <StatusBadge status={r.status} />
            </td>
            <td>{r.requesterName}</td>
            <td>
              <time dateTime={r.submittedAt.toISOString()}>{formatDateTime(r.submittedAt)}</time>
            </td>
            <td>{r.provisionedAt ? formatDuration(r.provisionedAt.getTime() - r.submittedAt.getTime()) : "—"}</td>
            <td className="text-right tabular-nums">{formatUsd(r.estimatedMonthlyUsd)}</td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

export function KeysetPagination({
  filters,
  next,
  previous,
  basePath,
}: {
  filters: HistoryFilters;
  next: string | null;
  previous: string | null;
  basePath: string;
}) {
  const link = "rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50";
  const disabled = "rounded-md px-3 py-1.5 text-sm font-medium text-slate-500 ring-1 ring-slate-200";
  return (
    <nav aria-label="Pages" className="mt-4 flex justify-between gap-2">
      {previous ? (
        <Link
          prefetch={false}
          rel="prev"
          className={link}
          href={`${basePath}${historyQueryString(filters, { before: previous, after: undefined })}`}
        >
          ← Previous
        </Link>
      ) : (
        <span aria-disabled="true" className={disabled}>
          ← Previous
        </span>
      )}
      {next ? (
        <Link
          prefetch={false}
          rel="next"
          className={link}
          href={`${basePath}${historyQueryString(filters, { after: next, before: undefined })}`}
        >
          Next →
        </Link>
      ) : (
        <span aria-disabled="true" className={disabled}>
          Next →
        </span>
      )}
    </nav>
  );
}
