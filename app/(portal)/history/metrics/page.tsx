import { Suspense } from "react";
import Link from "next/link";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { PercentileCells } from "@/components/history/percentile-cells";
import { BarChart } from "@/components/history/bar-chart";
import { HistoryFiltersForm } from "@/components/history/history-filters";
import { ChangeKindLeadTimes } from "@/components/history/change-kind-table";
import { leadTimesByChangeKind } from "@/lib/history/change-metrics";
import { guardedPage } from "@/lib/auth/page-guard";
import type { SessionUser } from "@/lib/auth/session";
import { InvalidQuery } from "../../_components/invalid-query";
import { SectionLoading } from "../../_components/section-loading";
import { parseHistoryQuery, type HistoryFilters } from "@/lib/history/filters";
import { formatHours, formatPercent } from "@/lib/history/format";
import {
  leadTimesByMonth,
  leadTimesByTeam,
  metricsFilters,
  runRatesByMonth,
  type LeadTimeRow,
} from "@/lib/history/metrics";
import { listHistoryFilterOptions } from "@/lib/history/queries";
import { HISTORY_PAGE_ACCESS } from "@/lib/history/scope";

export const metadata = { title: "Lead times and rates" };

const hoursFormat = (v: number | null) => formatHours(v);

function LeadTimeTable({ rows, caption, firstColumn }: { rows: LeadTimeRow[]; caption: string; firstColumn: string }) {
  return (
    <Table caption={caption}>
      <thead className="bg-slate-50">
        <tr>
          <Th>{firstColumn}</Th>
          <Th className="text-right">Submitted</Th>
          <Th className="text-right">Approval rate</Th>
          <Th className="text-right">Rejection rate</Th>
          <Th className="text-right">Failed now</Th>
          <Th className="text-right">Submitted → approved p50 / p95</Th>
          <Th className="text-right">Approved → provisioned p50 / p95</Th>
          <Th className="text-right">End to end p50 / p95</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.map((r) => (
          <tr key={r.key}>
            <Th scope="row" className="tracking-normal normal-case">
              {r.label}
            </Th>
            <Td className="text-right tabular-nums">{r.submitted}</Td>
            <Td className="text-right tabular-nums">{formatPercent(r.approved, r.approved + r.rejected)}</Td>
            <Td className="text-right tabular-nums">{formatPercent(r.rejected, r.approved + r.rejected)}</Td>
            <Td className="text-right tabular-nums">{formatPercent(r.failed, r.submitted)}</Td>
            <PercentileCells
              pairs={[
                [r.approveP50, r.approveP95],
                [r.provisionP50, r.provisionP95],
                [r.endToEndP50, r.endToEndP95],
              ]}
            />
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

export default guardedPage(
  HISTORY_PAGE_ACCESS,
  async function MetricsPage(
    user,
    { searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> },
  ) {
    const query = parseHistoryQuery(await searchParams);
    if (!query.ok)
      return <InvalidQuery title="Lead times and rates" message={query.message} resetHref="/history/metrics" />;
    const filters = metricsFilters(query.data);
    const options = await listHistoryFilterOptions(user);
    return (
      <>
        <p className="mb-2 text-sm">
          <Link href="/history" className="text-brand-700 hover:underline">
            ← History
          </Link>
        </p>
        <PageHeader
          title="Lead times and rates"
          description="Lead times from each request's own timestamps, as the median (p50) and 95th percentile (p95); approval and rejection rates over decided requests; failure rate over provisioning attempts. Without dates, the last twelve months."
        />
        <HistoryFiltersForm action="/history/metrics" filters={filters} options={options} showSort={false} />
        <Suspense
          key={JSON.stringify(filters)}
          fallback={<SectionLoading label="Loading lead times and rates…" rows={8} />}
        >
          <MetricsResults user={user} filters={filters} />
        </Suspense>
      </>
    );
  },
);

async function MetricsResults({ user, filters }: { user: SessionUser; filters: HistoryFilters }) {
  const [byMonth, byTeam, runs, byKind] = await Promise.all([
    leadTimesByMonth(user, filters),
    leadTimesByTeam(user, filters),
    runRatesByMonth(user, filters),
    leadTimesByChangeKind(user, filters),
  ]);
  return byMonth.length === 0 ? (
    <EmptyState title="No submitted request in this period">Widen the dates or clear the filters.</EmptyState>
  ) : (
    <div className="space-y-6">
      <BarChart
        id="lead-end-to-end"
        title="End-to-end lead time per month (submitted → provisioned)"
        description="Median and 95th percentile per month of submission, in hours or days."
        categoryLabel="Month"
        categories={byMonth.map((r) => r.label)}
        series={[
          { name: "p50", className: "text-brand-600" },
          { name: "p95", className: "text-amber-500" },
        ]}
        values={byMonth.map((r) => [r.endToEndP50, r.endToEndP95])}
        format={hoursFormat}
      />
      <BarChart
        id="lead-stages"
        title="Lead time per stage per month (p50)"
        description="Median hours from submission to approval and from approval to provisioned."
        categoryLabel="Month"
        categories={byMonth.map((r) => r.label)}
        series={[
          { name: "Submitted → approved", className: "text-sky-600" },
          { name: "Approved → provisioned", className: "text-emerald-600" },
        ]}
        values={byMonth.map((r) => [r.approveP50, r.provisionP50])}
        format={hoursFormat}
      />
      <BarChart
        id="rates"
        title="Approval, rejection and provisioning failure rates per month"
        description="Approval and rejection as a share of decided requests; failure as a share of provisioning attempts."
        categoryLabel="Month"
        categories={byMonth.map((r) => r.label)}
        series={[
          { name: "Approved %", className: "text-emerald-600" },
          { name: "Rejected %", className: "text-red-600" },
          { name: "Failed attempts %", className: "text-amber-500" },
        ]}
        values={byMonth.map((r) => {
          const run = runs.find((x) => x.key === r.key);
          const decided = r.approved + r.rejected;
          return [
            decided ? (100 * r.approved) / decided : null,
            decided ? (100 * r.rejected) / decided : null,
            run && run.runs ? (100 * run.failedRuns) / run.runs : null,
          ];
        })}
        format={(v) => (v === null ? "—" : `${v.toFixed(1)} %`)}
      />
      <section aria-labelledby="by-kind-heading">
        <h2 id="by-kind-heading" className="mb-2 text-lg font-semibold text-slate-900">
          Per kind of change
        </h2>
        <ChangeKindLeadTimes rows={byKind} />
      </section>
      <section aria-labelledby="by-team-heading">
        <h2 id="by-team-heading" className="mb-2 text-lg font-semibold text-slate-900">
          Per team
        </h2>
        <LeadTimeTable rows={byTeam} caption="Lead times and rates per team" firstColumn="Team" />
      </section>
      <section aria-labelledby="by-month-heading">
        <h2 id="by-month-heading" className="mb-2 text-lg font-semibold text-slate-900">
          Per month
        </h2>
        <LeadTimeTable rows={byMonth} caption="Lead times and rates per month" firstColumn="Month" />
      </section>
    </div>
  );
}
