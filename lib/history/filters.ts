/**
 * The history filters as they live in the URL (so a view can be shared), parsed and re-serialised.
 * Pure module: the page, the export routes, the benchmark and the tests all use it.
 */
import { z } from "zod";
import {
  INT4_MAX,
  isoDateSchema,
  uuidSchema,
  parseSearchParams,
  type ParamsResult,
  type SearchParamsLike,
} from "@/lib/access/params";
import { AppError } from "@/lib/errors";

export const HISTORY_STATUSES = [
  "SUBMITTED",
  "APPROVED",
  "STAKEHOLDER_APPROVED",
  "PROVISIONING",
  "PROVISIONED",
  "FAILED",
  "REJECTED",
  "CANCELLED",
] as const;
export type HistoryStatus = (typeof HISTORY_STATUSES)[number];

export const HISTORY_ENVIRONMENTS = ["DEV", "TEST", "PROD"] as const;

/** What a request did: asked for a new workspace set, changed a live one, or decommissioned one. */
export const HISTORY_KINDS = ["new", "change", "decommission"] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];
export const HISTORY_KIND_LABELS: Record<HistoryKind, string> = {
  new: "New workspace sets",
  change: "Changes to a set",
  decommission: "Decommissions",
};
/** The database's RequestKind for a kind filter value. */
export const REQUEST_KIND_OF: Record<HistoryKind, "NEW" | "CHANGE" | "DECOMMISSION"> = {
  new: "NEW",
  change: "CHANGE",
  decommission: "DECOMMISSION",
};
export const HISTORY_SORTS = ["submitted", "number"] as const;
export type HistorySort = (typeof HISTORY_SORTS)[number];
export const HISTORY_PAGE_SIZE = 25;

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/);
const empty = (v: unknown) => (v === "" || v === null ? undefined : Array.isArray(v) ? v[0] : v);
const opt = <T extends z.ZodType>(schema: T) => z.preprocess(empty, schema.optional()).catch(undefined);
const strict = <T extends z.ZodType>(schema: T) => z.preprocess(empty, schema.optional());
const cursorText = z.string().max(200, "This page link is not valid.");

/**
 * Values picked from a list (team, project, environment, status, requester, sort) that are unknown are
 * dropped: a hand-edited URL still shows a page, with "All" selected. Values the query would have to
 * interpret (dates, page cursors) are refused with a message instead: silently ignoring `from=2024-13-45`
 * would show a wrong answer, and a forged cursor must never reach a database cast.
 */
export const historyFiltersSchema = z
  .object({
    team: opt(slug),
    project: opt(slug),
    env: opt(z.enum(HISTORY_ENVIRONMENTS)),
    kind: opt(z.enum(HISTORY_KINDS)),
    status: opt(z.enum(HISTORY_STATUSES)),
    requester: opt(z.string().min(1).max(100)),
    from: strict(isoDateSchema),
    to: strict(isoDateSchema),
    sort: z.preprocess(empty, z.enum(HISTORY_SORTS).default("submitted")).catch("submitted"),
    dir: z.preprocess(empty, z.enum(["asc", "desc"]).default("desc")).catch("desc"),
    after: strict(cursorText),
    before: strict(cursorText),
  })
  .superRefine((f, ctx) => {
    for (const key of ["after", "before"] as const) {
      const text = f[key];
      if (text !== undefined && !decodeCursor(text, f.sort))
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: "This page link is not valid. Start from the first page.",
        });
    }
  });
export type HistoryFilters = z.infer<typeof historyFiltersSchema>;

/** The history filters of a URL, or the message a 400 shows (bad date, forged or stale cursor). */
export function parseHistoryQuery(params: SearchParamsLike): ParamsResult<HistoryFilters> {
  return parseSearchParams(historyFiltersSchema, params);
}

/** As parseHistoryQuery, for callers that only pass known-good values (scripts, tests); throws when invalid. */
export function parseHistoryFilters(params: SearchParamsLike): HistoryFilters {
  const result = parseHistoryQuery(params);
  if (!result.ok) throw new AppError("INVALID", result.message, result.fieldErrors);
  return result.data;
}

const FILTER_KEYS = ["team", "project", "env", "kind", "status", "requester", "from", "to"] as const;

/** The query string for these filters; `overrides` replace values (undefined removes one). */
export function historyQueryString(
  filters: Partial<HistoryFilters>,
  overrides: Partial<Record<keyof HistoryFilters, string | undefined>> = {},
) {
  const merged: Record<string, string | undefined> = {};
  for (const key of FILTER_KEYS) merged[key] = filters[key];
  if (filters.sort && filters.sort !== "submitted") merged.sort = filters.sort;
  if (filters.dir && filters.dir !== "desc") merged.dir = filters.dir;
  merged.after = filters.after;
  merged.before = filters.before;
  Object.assign(merged, overrides);
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(merged)) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** Only the filters (no sort, no cursor): what an export or a metrics link carries. */
export function filterOnlyQueryString(filters: Partial<HistoryFilters>) {
  return historyQueryString({ ...filters, sort: "submitted", dir: "desc", after: undefined, before: undefined });
}

export function hasActiveFilters(filters: HistoryFilters) {
  return FILTER_KEYS.some((k) => filters[k] !== undefined);
}

// Keyset cursor: the sort value and the id of the row at a page edge, opaque in the URL.
export type HistoryCursor = { v: string; id: string };

export function encodeCursor(cursor: HistoryCursor): string {
  return Buffer.from(JSON.stringify([cursor.v, cursor.id])).toString("base64url");
}

const cursorSchema = z.tuple([z.string().max(64), uuidSchema]);
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/**
 * The cursor in `text`, or null when it cannot be one: not base64url JSON, not [value, uuid], or a value that
 * does not fit the sort it pages (an instant for "submitted", a request number within int4 for "number").
 */
export function decodeCursor(text: string | undefined, sort: HistorySort = "submitted"): HistoryCursor | null {
  if (!text) return null;
  try {
    const [v, id] = cursorSchema.parse(JSON.parse(Buffer.from(text, "base64url").toString("utf8")));
    const fits =
      sort === "number"
        ? /^\d{1,10}$/.test(v) && BigInt(v) <= INT4_MAX
        : ISO_INSTANT.test(v) && Number.isFinite(Date.parse(v));
    return fits ? { v, id } : null;
  } catch {
    return null;
  }
}

/** A date filter as an instant: `from` is the start of that UTC day, `to` the end of it (exclusive next day). */
export function dateRange(filters: Pick<HistoryFilters, "from" | "to">): {
  from: Date | null;
  toExclusive: Date | null;
} {
  const from = filters.from ? new Date(`${filters.from}T00:00:00.000Z`) : null;
  const toExclusive = filters.to ? new Date(Date.parse(`${filters.to}T00:00:00.000Z`) + 86_400_000) : null;
  return { from, toExclusive };
}
