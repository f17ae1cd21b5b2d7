import "server-only";
import { z } from "zod";
import { Prisma, type PrismaClient } from "@/generated/prisma/client";
import { db } from "@/lib/db/client";
import { csvLine, type CsvValue } from "@/lib/history/csv";
import { isoDateSchema, uuidSchema } from "@/lib/access/params";
import { type HistoryFilters } from "@/lib/history/filters";
import { historyWhere } from "@/lib/history/queries";
import { type HistoryActor } from "@/lib/history/scope";

// Exports are streamed: a pull-based ReadableStream fetches one keyset-paginated batch per pull, so only a
// batch or two is ever in memory however large the export, and a slow client slows the reads (backpressure).
// The first batch is small so the first bytes leave quickly, and batches then double up to BATCH: a client that
// stops reading early (or disconnects) costs a few hundred rows of work, not the thousands a full-size second
// batch would have fetched and formatted before the disconnect is noticed.

export type ExportFormat = "csv" | "json";
const FIRST_BATCH = 200;
const BATCH = 2000;

type Source<Row, Cursor> = {
  columns: string[];
  fetch: (cursor: Cursor | null, limit: number) => Promise<Row[]>;
  cursorOf: (row: Row) => Cursor;
  values: (row: Row) => CsvValue[];
  json: (row: Row) => Record<string, unknown>;
};

function exportStream<Row, Cursor>(source: Source<Row, Cursor>, format: ExportFormat): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: Cursor | null = null;
  let first = true;
  let limit = FIRST_BATCH;
  let done = false;
  let cancelled = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (done || cancelled) return;
        const rows = await source.fetch(cursor, limit);
        if (cancelled) return; // the client went away while the batch was being read: don't format it
        let text = "";
        if (first) text += format === "csv" ? csvLine(source.columns) : "[";
        for (let i = 0; i < rows.length; i++) {
          if (format === "csv") text += csvLine(source.values(rows[i]));
          else text += `${first && i === 0 ? "\n" : ",\n"}${JSON.stringify(source.json(rows[i]))}`;
        }
        first = false;
        const last = rows.length < limit;
        limit = Math.min(BATCH, limit * 2);
        if (rows.length) cursor = source.cursorOf(rows[rows.length - 1]);
        if (last) {
          if (format === "json") text += "\n]\n";
          done = true;
        }
        if (text) controller.enqueue(encoder.encode(text));
        if (done) controller.close();
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 1 },
  );
}

// ---------------------------------------------------------------------------------------------------------
// History (the filtered request list)

// Timestamps arrive as the ISO text a JavaScript Date would print (UTC, milliseconds truncated like pg's Date
// parsing); lead times come from Date.parse of that text. No Date object per cell, which was the bulk of an
// export's CPU (pg-types date parsing, Prisma value mapping, toISOString) — about 30-40 % of it.
type HistoryExportRow = {
  id: string;
  number: number;
  status: string;
  teamSlug: string | null;
  projectSlug: string | null;
  scopeSlug: string | null;
  environments: string[];
  region: string | null;
  requesterId: string;
  requesterName: string;
  submittedAt: string;
  approvedAt: string | null;
  provisionedAt: string | null;
  closedAt: string | null;
  estimatedMonthlyUsd: number | null;
  planHash: string | null;
  /** The keyset position, in full (microsecond) precision. */
  cursorAt: string;
};

const isoText = (column: Prisma.Sql) =>
  Prisma.sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export const HISTORY_EXPORT_COLUMNS = [
  "request",
  "id",
  "status",
  "team",
  "project",
  "scope",
  "environments",
  "region",
  "requester_id",
  "requester",
  "submitted_at",
  "approved_at",
  "provisioned_at",
  "closed_at",
  "submitted_to_approved_hours",
  "approved_to_provisioned_hours",
  "end_to_end_hours",
  "estimated_monthly_usd",
  "plan_hash",
];

const hours = (from: string | null, to: string | null) =>
  from && to ? Math.round(((Date.parse(to) - Date.parse(from)) / 3_600_000) * 100) / 100 : null;

export function historyExportStream(
  actor: HistoryActor,
  filters: HistoryFilters,
  format: ExportFormat,
  client: PrismaClient = db,
) {
  const where = historyWhere(actor, filters);
  return exportStream<HistoryExportRow, { at: string; id: string }>(
    {
      columns: HISTORY_EXPORT_COLUMNS,
      fetch: (cursor, limit) =>
        client.$queryRaw<HistoryExportRow[]>`
          SELECT r.id::text AS "id", r.number, r.status::text AS "status", t.slug AS "teamSlug", p.slug AS "projectSlug", r.scope_slug AS "scopeSlug",
            r.environments::text[] AS "environments", r.region, r.requester_id AS "requesterId", u.name AS "requesterName",
            ${isoText(Prisma.sql`r.submitted_at`)} AS "submittedAt", ${isoText(Prisma.sql`r.approved_at`)} AS "approvedAt",
            ${isoText(Prisma.sql`r.provisioned_at`)} AS "provisionedAt", ${isoText(Prisma.sql`r.closed_at`)} AS "closedAt",
            r.estimated_monthly_usd::float8 AS "estimatedMonthlyUsd", r.plan_hash AS "planHash", r.submitted_at::text AS "cursorAt"
          FROM workspace_requests r
          LEFT JOIN teams t ON t.id = r.team_id
          LEFT JOIN projects p ON p.id = r.project_id
          JOIN users u ON u.id = r.requester_id
          WHERE ${where} ${cursor ? Prisma.sql`AND (r.submitted_at, r.id) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)` : Prisma.empty}
          ORDER BY r.submitted_at DESC, r.id DESC
          LIMIT ${limit}`,
      cursorOf: (row) => ({ at: row.cursorAt, id: row.id }),
      values: (r) => [
        `REQ-${String(r.number).padStart(5, "0")}`,
        r.id,
        r.status,
        r.teamSlug,
        r.projectSlug,
        r.scopeSlug,
        r.environments.join(";"),
        r.region,
        r.requesterId,
        r.requesterName,
        r.submittedAt,
        r.approvedAt,
        r.provisionedAt,
        r.closedAt,
        hours(r.submittedAt, r.approvedAt),
        hours(r.approvedAt, r.provisionedAt),
        hours(r.submittedAt, r.provisionedAt),
        r.estimatedMonthlyUsd,
        r.planHash,
      ],
      json: (r) => ({
        request: `REQ-${String(r.number).padStart(5, "0")}`,
        id: r.id,
        status: r.status,
        team: r.teamSlug,
        project: r.projectSlug,
        scope: r.scopeSlug,
        environments: r.environments,
        region: r.region,
        requesterId: r.requesterId,
        requester: r.requesterName,
        submittedAt: r.submittedAt,
        approvedAt: r.approvedAt,
        provisionedAt: r.provisionedAt,
        closedAt: r.closedAt,
        submittedToApprovedHours: hours(r.submittedAt, r.approvedAt),
        approvedToProvisionedHours: hours(r.approvedAt, r.provisionedAt),
        endToEndHours: hours(r.submittedAt, r.provisionedAt),
        estimatedMonthlyUsd: r.estimatedMonthlyUsd,
        planHash: r.planHash,
      }),
    },
    format,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Audit trail

const empty = (v: unknown) => (v === "" || v === null ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(empty, schema.optional());

/** The export format asked for; anything but `json` means CSV, the default download. */
export const exportFormatSchema = z.preprocess(empty, z.enum(["csv", "json"]).default("csv"));

/**
 * The audit export's query, refused (400) rather than silently widened when a value cannot be used: an export
 * of "everything" because `from=2024-13-45` was ignored would be a wrong document with the right name.
 */
export const auditExportFiltersSchema = z.object({
  from: optional(isoDateSchema),
  to: optional(isoDateSchema),
  action: optional(
    z
      .string()
      .max(100)
      .regex(/^[a-z_]+(\.[a-z_]+)*\.?$/, "Use an action name such as request.approved, or a prefix such as request."),
  ),
  request: optional(uuidSchema),
  format: exportFormatSchema,
});
export type AuditExportFilters = Omit<z.infer<typeof auditExportFiltersSchema>, "format">;

type AuditExportRow = {
  id: bigint;
  occurredAt: Date;
  actorId: string | null;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string;
  requestId: string | null;
  correlationId: string;
  before: unknown;
  after: unknown;
  prevHash: string;
  hash: string;
};

export const AUDIT_EXPORT_COLUMNS = [
  "id",
  "occurred_at",
  "actor_id",
  "actor_label",
  "action",
  "entity_type",
  "entity_id",
  "request_id",
  "correlation_id",
  "before",
  "after",
  "prev_hash",
  "hash",
];

/** The audit trail in time order ((occurred_at, id) keyset on audit_events_occurred_at_id_idx), with each event's hash. */
export function auditExportStream(filters: AuditExportFilters, format: ExportFormat, client: PrismaClient = db) {
  const conditions: Prisma.Sql[] = [];
  if (filters.from) conditions.push(Prisma.sql`a.occurred_at >= ${new Date(`${filters.from}T00:00:00Z`)}::timestamptz`);
  if (filters.to)
    conditions.push(
      Prisma.sql`a.occurred_at < ${new Date(Date.parse(`${filters.to}T00:00:00Z`) + 86_400_000)}::timestamptz`,
    );
  if (filters.action) {
    conditions.push(
      filters.action.endsWith(".")
        ? Prisma.sql`a.action LIKE ${`${filters.action}%`}`
        : Prisma.sql`a.action = ${filters.action}`,
    );
  }
  if (filters.request) conditions.push(Prisma.sql`a.request_id = ${filters.request}::uuid`);
  return exportStream<AuditExportRow, { at: Date; id: bigint }>(
    {
      columns: AUDIT_EXPORT_COLUMNS,
      fetch: (cursor, limit) => {
        const all = cursor
          ? [
              ...conditions,
              Prisma.sql`(a.occurred_at, a.id) > (${cursor.at}::timestamptz, ${cursor.id.toString()}::bigint)`,
            ]
          : conditions;
        return client.$queryRaw<AuditExportRow[]>`
          SELECT a.id, a.occurred_at AS "occurredAt", a.actor_id AS "actorId", a.actor_label AS "actorLabel", a.action, a.entity_type AS "entityType",
            a.entity_id AS "entityId", a.request_id::text AS "requestId", a.correlation_id AS "correlationId", a.before, a.after,
            a.prev_hash AS "prevHash", a.hash
          FROM audit_events a
          ${all.length ? Prisma.sql`WHERE ${Prisma.join(all, " AND ")}` : Prisma.empty}
          ORDER BY a.occurred_at, a.id
          LIMIT ${limit}`;
      },
      cursorOf: (row) => ({ at: row.occurredAt, id: row.id }),
      values: (r) => [
        r.id.toString(),
        r.occurredAt,
        r.actorId,
        r.actorLabel,
        r.action,
        r.entityType,
        r.entityId,
        r.requestId,
        r.correlationId,
        r.before === null ? null : JSON.stringify(r.before),
        r.after === null ? null : JSON.stringify(r.after),
        r.prevHash,
        r.hash,
      ],
      json: (r) => ({ ...r, id: r.id.toString() }),
    },
    format,
  );
}

/**
 * Reads the first chunk of an export before anything is promised: a failure there (a database error, an
 * impossible filter) throws here, before the export is recorded as done and before a 200 goes out. The
 * returned stream replays that chunk and then continues where the original left off.
 */
export async function startExport(stream: ReadableStream<Uint8Array>): Promise<ReadableStream<Uint8Array>> {
  const reader = stream.getReader();
  const first = await reader.read();
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (first.done) controller.close();
        else controller.enqueue(first.value);
      },
      async pull(controller) {
        const next = await reader.read();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

export function exportHeaders(kind: "history" | "audit", format: ExportFormat): HeadersInit {
  const day = new Date().toISOString().slice(0, 10);
  return {
    "Content-Type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
    "Content-Disposition": `attachment; filename="atrium-${kind}-${day}.${format}"`,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  };
}
