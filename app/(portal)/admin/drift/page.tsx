import Link from "next/link";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { buttonClasses } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/field";
import { Table, Td, Th } from "@/components/ui/table";
import { DriftSettingsForm } from "@/components/drift/drift-settings-form";
import { SeverityBadge } from "@/components/drift/severity-badge";
import { parseSearchParams } from "@/lib/access/params";
import { guardedPage } from "@/lib/auth/page-guard";
import { can } from "@/lib/auth/session";
import { driftSettings, listDriftFindings } from "@/lib/drift/queries";
import { findingFiltersSchema, type FindingFilters } from "@/lib/drift/schemas";
import { formatDateTime } from "@/lib/history/format";

export const metadata = { title: "Drift" };
export const dynamic = "force-dynamic";

function pageHref(filters: FindingFilters, page: number) {
  const q = new URLSearchParams();
  if (filters.status !== "open") q.set("status", filters.status);
  if (filters.severity) q.set("severity", filters.severity);
  if (filters.environment) q.set("environment", filters.environment);
  if (filters.q) q.set("q", filters.q);
  if (page > 1) q.set("page", String(page));
  const s = q.toString();
  return `/admin/drift${s ? `?${s}` : ""}`;
}

export default guardedPage(
  "drift.read_all",
  async function DriftPage(
    user,
    { searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> },
  ) {
    // Every filter falls back to its default on a value it can't use, so the parse always succeeds.
    const parsed = parseSearchParams(findingFiltersSchema, await searchParams);
    const filters = parsed.ok ? parsed.data : findingFiltersSchema.parse({});
    const [page, settings] = await Promise.all([listDriftFindings(filters), driftSettings()]);
    return (
      <>
        <PageHeader
          title="Drift"
          description="Where Azure no longer matches what Atrium approved, across every workspace set: found by scheduled, read-only scans, closed when a scan no longer sees them. Restore or accept drift from the set's page."
        />
        <div className="space-y-6">
          {can(user, "settings.update") && (
            <Card aria-labelledby="drift-settings-heading">
              <h2 id="drift-settings-heading" className="mb-3 text-lg font-semibold text-slate-900">
                Schedule
              </h2>
              <DriftSettingsForm {...settings} />
            </Card>
          )}
          <form className="flex flex-wrap items-end gap-3" method="get" aria-label="Filter drift findings">
            <div>
              <label htmlFor="status" className="block text-sm font-medium text-slate-800">
                Status
              </label>
              <Select id="status" name="status" defaultValue={filters.status} className="mt-1">
                <option value="open">Open</option>
                <option value="closed">Closed</option>
                <option value="all">All</option>
              </Select>
            </div>
            <div>
              <label htmlFor="severity" className="block text-sm font-medium text-slate-800">
                Severity
              </label>
              <Select id="severity" name="severity" defaultValue={filters.severity ?? ""} className="mt-1">
                <option value="">Any</option>
                <option value="HIGH">High</option>
                <option value="MEDIUM">Medium</option>
                <option value="LOW">Low</option>
              </Select>
            </div>
            <div>
              <label htmlFor="environment" className="block text-sm font-medium text-slate-800">
                Environment
              </label>
              <Select id="environment" name="environment" defaultValue={filters.environment ?? ""} className="mt-1">
                <option value="">Any</option>
                <option value="dev">Development</option>
                <option value="test">Test</option>
                <option value="prod">Production</option>
              </Select>
            </div>
            <div>
              <label htmlFor="q" className="block text-sm font-medium text-slate-800">
                Resource or text
              </label>
              <Input id="q" name="q" defaultValue={filters.q ?? ""} className="mt-1 w-56" />
            </div>
            <button type="submit" className={buttonClasses("secondary")}>
              Filter
            </button>
          </form>
          {page.items.length === 0 ? (
            <EmptyState title={filters.status === "open" ? "No open drift" : "No findings match"}>
              {filters.status === "open"
                ? "Every scanned workspace set matches its approved state. Scans run on the schedule above."
                : "Try other filters, or clear them."}
            </EmptyState>
          ) : (
            <>
              <Table caption={`Drift findings, most severe and most recently seen first (${page.total} in all)`}>
                <thead className="bg-slate-50">
                  <tr>
                    <Th>Severity</Th>
                    <Th>Workspace set</Th>
                    <Th>What changed</Th>
                    <Th>First seen</Th>
                    <Th>Last seen</Th>
                    <Th>Status</Th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {page.items.map((f) => (
                    <tr key={f.id}>
                      <Td>
                        <SeverityBadge severity={f.severity} />
                      </Td>
                      <Td>
                        <Link
                          href={`/workspace-sets/${f.setId}/drift`}
                          className="font-medium text-brand-700 hover:underline"
                        >
                          {f.scopeSlug}
                        </Link>
                        {f.environment && <span className="block text-xs text-slate-600">{f.environment}</span>}
                      </Td>
                      <Td className="max-w-lg whitespace-normal">
                        {f.summary}
                        <span className="block font-mono text-xs break-all text-slate-600">
                          {f.resourceName} · {f.field}
                        </span>
                      </Td>
                      <Td>{formatDateTime(f.firstSeenAt)}</Td>
                      <Td>{formatDateTime(f.lastSeenAt)}</Td>
                      <Td>{f.closedAt ? `closed ${formatDateTime(f.closedAt)}` : "open"}</Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
              <nav aria-label="Pages" className="flex items-center gap-3 text-sm">
                {page.page > 1 && (
                  <Link href={pageHref(filters, page.page - 1)} className={buttonClasses("secondary")}>
                    Previous page
                  </Link>
                )}
                <span>
                  Page {page.page} of {page.pages}
                </span>
                {page.page < page.pages && (
                  <Link href={pageHref(filters, page.page + 1)} className={buttonClasses("secondary")}>
                    Next page
                  </Link>
                )}
              </nav>
            </>
          )}
        </div>
      </>
    );
  },
);
