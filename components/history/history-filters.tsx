import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/field";
import {
  HISTORY_ENVIRONMENTS,
  HISTORY_KIND_LABELS,
  HISTORY_KINDS,
  HISTORY_STATUSES,
  type HistoryFilters,
} from "@/lib/history/filters";
import { ENVIRONMENT_LABELS, STATUS_LABELS } from "@/lib/history/format";

export type FilterOptionsDto = {
  teams: { slug: string; name: string }[];
  projects: { slug: string; name: string; teamSlug: string }[];
  requesters: { id: string; name: string }[];
};

const labelClasses = "block text-xs font-medium text-slate-700";

/**
 * A plain GET form: the filters become the URL's query string, so a view can be bookmarked and
 * shared, and the form works without JavaScript. Applying filters starts again at the first page.
 */
export function HistoryFiltersForm({
  action,
  filters,
  options,
  showSort = true,
  scopeOnly = false,
}: {
  action: string;
  filters: HistoryFilters;
  options: FilterOptionsDto;
  showSort?: boolean;
  /** Only team, project and environment (the cost report). */
  scopeOnly?: boolean;
}) {
  return (
    <form
      method="get"
      action={action}
      aria-label="Filter the history"
      className="mb-4 rounded-lg bg-white p-4 shadow-xs ring-1 ring-slate-200"
    >
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4 xl:grid-cols-8">
        <div>
          <label htmlFor="f-team" className={labelClasses}>
            Team
          </label>
          <Select id="f-team" name="team" defaultValue={filters.team ?? ""}>
            <option value="">All teams</option>
            {options.teams.map((t) => (
              <option key={t.slug} value={t.slug}>
                {t.name}
              </option>
            ))}
          </Select>
        </div>
        <div>
          <label htmlFor="f-project" className={labelClasses}>
            Project
          </label>
          <Select id="f-project" name="project" defaultValue={filters.project ?? ""}>
            <option value="">All projects</option>
            {options.projects.map((p) => (
              <option key={p.slug} value={p.slug}>
                {p.name}
              </option>
            ))}
          </Select>
        </div>
        <div>
          <label htmlFor="f-env" className={labelClasses}>
            Environment
          </label>
          <Select id="f-env" name="env" defaultValue={filters.env ?? ""}>
            <option value="">All environments</option>
            {HISTORY_ENVIRONMENTS.map((e) => (
              <option key={e} value={e}>
                {ENVIRONMENT_LABELS[e]}
              </option>
            ))}
          </Select>
        </div>
        {!scopeOnly && (
          <>
            <div>
              <label htmlFor="f-kind" className={labelClasses}>
                Kind
              </label>
              <Select id="f-kind" name="kind" defaultValue={filters.kind ?? ""}>
                <option value="">New and changes</option>
                {HISTORY_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {HISTORY_KIND_LABELS[k]}
                  </option>
                ))}
              </Select>
            </div>
            <div>
              <label htmlFor="f-status" className={labelClasses}>
                Status
              </label>
              <Select id="f-status" name="status" defaultValue={filters.status ?? ""}>
                <option value="">Any status</option>
                {HISTORY_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {STATUS_LABELS[s]}
                  </option>
                ))}
              </Select>
            </div>
            <div>
              <label htmlFor="f-requester" className={labelClasses}>
                Requester
              </label>
              <Select id="f-requester" name="requester" defaultValue={filters.requester ?? ""}>
                <option value="">Anyone</option>
                {options.requesters.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name}
                  </option>
                ))}
              </Select>
            </div>
            <div>
              <label htmlFor="f-from" className={labelClasses}>
                Submitted from
              </label>
              <Input id="f-from" name="from" type="date" defaultValue={filters.from ?? ""} />
            </div>
            <div>
              <label htmlFor="f-to" className={labelClasses}>
                Submitted until
              </label>
              <Input id="f-to" name="to" type="date" defaultValue={filters.to ?? ""} />
            </div>
          </>
        )}
      </div>
      {showSort && filters.sort !== "submitted" && <input type="hidden" name="sort" value={filters.sort} />}
      {showSort && filters.dir !== "desc" && <input type="hidden" name="dir" value={filters.dir} />}
      <div className="mt-3 flex flex-wrap gap-2">
        <button type="submit" className={buttonClasses("primary")}>
          Apply filters
        </button>
        <Link href={action} className={buttonClasses("secondary")}>
          Clear
        </Link>
      </div>
    </form>
  );
}
