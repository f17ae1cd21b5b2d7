import { Suspense } from "react";
import Link from "next/link";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { buttonClasses } from "@/components/ui/button";
import { HistoryFiltersForm } from "@/components/history/history-filters";
import { HistoryTable, KeysetPagination } from "@/components/history/history-table";
import type { SessionUser } from "@/lib/auth/session";
import { mayExportHistory } from "@/lib/access/visibility";
import { guardedPage } from "@/lib/auth/page-guard";
import { InvalidQuery } from "../_components/invalid-query";
import { SectionLoading } from "../_components/section-loading";
import { filterOnlyQueryString, hasActiveFilters, parseHistoryQuery, type HistoryFilters } from "@/lib/history/filters";
import { listHistory, listHistoryFilterOptions } from "@/lib/history/queries";
import { HISTORY_PAGE_ACCESS, readsAllHistory } from "@/lib/history/scope";

export const metadata = { title: "History" };

export default guardedPage(
  HISTORY_PAGE_ACCESS,
  async function HistoryPage(
    user,
    { searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> },
  ) {
    const query = parseHistoryQuery(await searchParams);
    if (!query.ok) return <InvalidQuery title="History" message={query.message} resetHref="/history" />;
    const filters = query.data;
    const options = await listHistoryFilterOptions(user);
    const exportQuery = filterOnlyQueryString(filters);
    const mayExport = mayExportHistory(user);
    return (
      <>
        <PageHeader
          title="History"
          description={
            readsAllHistory(user)
              ? "Every submitted workspace request: who asked, who decided, what was created. Open a request for its full timeline."
              : "The submitted workspace requests of your teams, and those you asked for or are named on. Open a request for its full timeline."
          }
          actions={
            <>
              <Link href={`/history/metrics${exportQuery}`} className={buttonClasses("secondary")}>
                Lead times and rates
              </Link>
              {mayExport && (
                <>
                  <a
                    href={`/history/export${exportQuery ? `${exportQuery}&` : "?"}format=csv`}
                    className={buttonClasses("secondary")}
                    download
                  >
                    Export CSV
                  </a>
                  <a
                    href={`/history/export${exportQuery ? `${exportQuery}&` : "?"}format=json`}
                    className={buttonClasses("secondary")}
                    download
                  >
                    Export JSON
                  </a>
                </>
              )}
            </>
          }
        />
        <HistoryFiltersForm action="/history" filters={filters} options={options} />
        <Suspense key={JSON.stringify(filters)} fallback={<SectionLoading label="Loading the history…" rows={8} />}>
          <HistoryResults user={user} filters={filters} />
        </Suspense>
      </>
    );
  },
);

async function HistoryResults({ user, filters }: { user: SessionUser; filters: HistoryFilters }) {
  const page = await listHistory(user, filters);
  if (page.rows.length === 0)
    return (
      <EmptyState title={hasActiveFilters(filters) ? "No request matches these filters" : "No requests yet"}>
        {hasActiveFilters(filters)
          ? "Widen the filters or clear them."
          : "Submitted workspace requests will appear here."}
      </EmptyState>
    );
  return (
    <>
      <HistoryTable rows={page.rows} filters={filters} basePath="/history" />
      <KeysetPagination filters={filters} next={page.next} previous={page.previous} basePath="/history" />
    </>
  );
}
