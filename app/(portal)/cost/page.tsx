import { Suspense } from "react";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { BarChart } from "@/components/history/bar-chart";
import { HistoryFiltersForm } from "@/components/history/history-filters";
import { guardedPage } from "@/lib/auth/page-guard";
import type { SessionUser } from "@/lib/auth/session";
import { InvalidQuery } from "../_components/invalid-query";
import { SectionLoading } from "../_components/section-loading";
import { parseHistoryQuery, type HistoryFilters } from "@/lib/history/filters";
import { ENVIRONMENT_LABELS, formatUsd } from "@/lib/history/format";
import { costBreakdown } from "@/lib/history/metrics";
import { listHistoryFilterOptions } from "@/lib/history/queries";
import { estimateCost } from "@/lib/plan/cost";
import { listSetBudgets } from "@/lib/budgets/queries";
import { SetBudgetsTable } from "@/components/budgets/set-budgets-table";

export const metadata = { title: "Cost" };

const ENVS = ["DEV", "TEST", "PROD"] as const;

export default guardedPage(
  "cost.read",
  async function CostPage(
    user,
    { searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> },
  ) {
    const query = parseHistoryQuery(await searchParams);
    if (!query.ok) return <InvalidQuery title="Cost" message={query.message} resetHref="/cost" />;
    const filters = query.data;
    const options = await listHistoryFilterOptions(user);
    const assumptions = estimateCost({ steps: [], environments: [] }, []).assumptions;
    return (
      <>
        <PageHeader
          title="Cost"
          description="Estimated monthly cost of the workspaces Atrium provisioned and that are still active, by team, project and environment. Each workspace carries the estimate of the plan it was provisioned from."
        />
        <HistoryFiltersForm action="/cost" filters={filters} options={options} showSort={false} scopeOnly />
        <Suspense
          key={JSON.stringify(filters)}
          fallback={<SectionLoading label="Loading the cost breakdown…" rows={6} />}
        >
          <CostResults user={user} filters={filters} />
        </Suspense>
        <section aria-labelledby="budgets-heading" className="mt-6">
          <h2 id="budgets-heading" className="mb-1 text-lg font-semibold text-slate-900">
            Budgets per workspace set
          </h2>
          <p className="mb-2 text-sm text-slate-600">
            Every environment has a monthly budget in Azure at its resource group, set to the approved estimate and
            alerting the owners and the team&apos;s MLOps at 80 % of the forecast and 100 % of actual spend.
          </p>
          <Suspense fallback={<SectionLoading label="Loading the budgets…" rows={4} />}>
            <BudgetsSection user={user} />
          </Suspense>
        </section>
        <section
          aria-labelledby="assumptions-heading"
          className="mt-6 rounded-lg bg-white p-5 shadow-xs ring-1 ring-slate-200"
        >
          <h2 id="assumptions-heading" className="mb-2 text-lg font-semibold text-slate-900">
            What this estimate assumes
          </h2>
          <ul className="list-disc space-y-1 pl-5 text-sm text-slate-700">
            <li>
              Each workspace&apos;s figure is the plan&apos;s estimate for its environment when it was provisioned; it
              is not Azure billing data and is not updated as usage changes.
            </li>
            <li>
              Decommissioned workspaces are not counted. Shared hub resources (private DNS zones, the hub network) are
              not counted.
            </li>
            {assumptions.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ul>
        </section>
      </>
    );
  },
);

async function CostResults({ user, filters }: { user: SessionUser; filters: HistoryFilters }) {
  const rows = await costBreakdown(user, filters);
  const teams = [...new Map(rows.map((r) => [r.teamSlug, r.teamName])).entries()];
  const byTeamEnv = teams.map(([slug]) =>
    ENVS.map((env) =>
      rows.filter((r) => r.teamSlug === slug && r.environment === env).reduce((t, r) => t + r.monthlyUsd, 0),
    ),
  );
  const total = rows.reduce((t, r) => t + r.monthlyUsd, 0);
  const workspaces = rows.reduce((t, r) => t + r.workspaces, 0);
  const unestimated = rows.reduce((t, r) => t + r.unestimated, 0);
  return rows.length === 0 ? (
    <EmptyState title="No active workspace matches">
      Provisioned workspaces appear here with their estimated monthly cost.
    </EmptyState>
  ) : (
    <div className="space-y-6">
      <p className="text-sm text-slate-800">
        <strong className="text-lg">{formatUsd(total)}</strong> a month estimated for{" "}
        <strong>{workspaces.toLocaleString("en-US")}</strong> active workspaces
        {unestimated > 0 && <> ({unestimated} without an estimate, counted at $0)</>}.
      </p>
      <BarChart
        id="cost-by-team"
        title="Estimated monthly cost by team and environment"
        description="US dollars a month, active workspaces only."
        categoryLabel="Team"
        categories={teams.map(([, name]) => name)}
        series={[
          { name: "dev", className: "text-sky-600" },
          { name: "test", className: "text-amber-500" },
          { name: "prod", className: "text-brand-600" },
        ]}
        values={byTeamEnv}
        format={(v) => formatUsd(v)}
      />
      <section aria-labelledby="cost-table-heading">
        <h2 id="cost-table-heading" className="mb-2 text-lg font-semibold text-slate-900">
          By team, project and environment
        </h2>
        <Table caption="Estimated monthly cost by team, project and environment">
          <thead className="bg-slate-50">
            <tr>
              <Th>Team</Th>
              <Th>Project</Th>
              <Th>Environment</Th>
              <Th className="text-right">Active workspaces</Th>
              <Th className="text-right">Est. monthly</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((r) => (
              <tr key={`${r.teamSlug}-${r.projectSlug ?? ""}-${r.environment}`}>
                <Td>{r.teamName}</Td>
                <Td>{r.projectName ?? "Team-wide"}</Td>
                <Td>{ENVIRONMENT_LABELS[r.environment] ?? r.environment}</Td>
                <Td className="text-right tabular-nums">{r.workspaces.toLocaleString("en-US")}</Td>
                <Td className="text-right tabular-nums">{formatUsd(r.monthlyUsd, true)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </section>
    </div>
  );
}

async function BudgetsSection({ user }: { user: SessionUser }) {
  const { rows, more } = await listSetBudgets(user);
  return <SetBudgetsTable rows={rows} more={more} />;
}
