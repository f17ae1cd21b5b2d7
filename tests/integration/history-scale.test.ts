// [HISTORY]: at scale, the history and timeline queries use their indexes (no sequential scan of the audit
// table) and exports stream with bounded memory.
//
// Runs in a database of its own (dropped afterwards) so the shared test database stays small. CI gets
// 20,000 requests and 300,000 hash-chained audit events — a million takes ~2.5 min to seed on the 2-core
// machine, too long for every CI run; `npm run seed:scale` + `npm run bench:web` exercise the full million.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { Prisma, PrismaClient } from "@/generated/prisma/client";
import { auditExportStream, historyExportStream } from "@/lib/history/export";
import { encodeCursor, HISTORY_PAGE_SIZE, parseHistoryFilters } from "@/lib/history/filters";
import { historyPageSql, type HistoryRow } from "@/lib/history/queries";
import { seedScale } from "@/prisma/seed/scale";
import { timelineAuditSql } from "@/lib/history/timeline";
import v8 from "node:v8";
import vm from "node:vm";
import { createTestDatabase, type TestDatabase } from "../support/test-database";

const REQUESTS = 20_000;
const AUDIT_EVENTS = 300_000;

let database: TestDatabase;
let prisma: PrismaClient;
const stakeholder = { id: "usr-hannah", roles: ["STAKEHOLDER" as const], teamIds: [] as string[] };
let requester: { id: string; roles: "REQUESTER"[]; teamIds: string[] };

type PlanNode = { "Node Type": string; "Relation Name"?: string; "Index Name"?: string; Plans?: PlanNode[] };

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

async function explain(sql: Prisma.Sql): Promise<PlanNode[]> {
  const rows = await prisma.$queryRaw<{ "QUERY PLAN": [{ Plan: PlanNode }] }[]>(
    Prisma.sql`EXPLAIN (FORMAT JSON) ${sql}`,
  );
  return nodes(rows[0]["QUERY PLAN"][0].Plan);
}

const scansOf = (plan: PlanNode[], relation: string) =>
  plan.filter((n) => n["Relation Name"] === relation && /Scan/.test(n["Node Type"]));
const indexesOf = (plan: PlanNode[]) => plan.map((n) => n["Index Name"]).filter(Boolean);

beforeAll(async () => {
  database = await createTestDatabase("atrium_history_scale");
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    const result = await seedScale(client, { requests: REQUESTS, auditEvents: AUDIT_EVENTS });
    expect(result).toMatchObject({ requests: REQUESTS, auditEvents: AUDIT_EVENTS });
  } finally {
    await client.end();
  }
  prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: database.url }) });
  const fraud = await prisma.team.findUniqueOrThrow({ where: { slug: "fraud" } });
  requester = { id: "usr-amara", roles: ["REQUESTER"], teamIds: [fraud.id] };
}, 600_000);

afterAll(async () => {
  await prisma?.$disconnect();
  await database?.dispose();
});

describe("[HISTORY]: query plans at scale", () => {
  const cases: [string, Record<string, string>][] = [
    ["unfiltered, newest first", {}],
    ["one team and environment", { team: "fraud", env: "PROD" }],
    ["one project", { project: "churn" }],
    ["one status", { status: "FAILED" }],
    ["one requester and a date range", { requester: "usr-ben", from: "2025-01-01", to: "2025-06-30" }],
    ["sorted by number, ascending", { sort: "number", dir: "asc" }],
  ];
  for (const [name, params] of cases) {
    it(`history page (${name}) reads workspace_requests through an index`, async () => {
      const plan = await explain(historyPageSql(stakeholder, parseHistoryFilters(params)));
      const scans = scansOf(plan, "workspace_requests");
      expect(scans.length).toBeGreaterThan(0);
      expect(scans.map((s) => s["Node Type"])).not.toContain("Seq Scan");
      expect(indexesOf(plan).some((i) => /^history_requests_|workspace_requests_number_key/.test(i!))).toBe(true);
    });
  }

  it("a requester's history (their teams only) reads through an index", async () => {
    const plan = await explain(historyPageSql(requester, parseHistoryFilters({})));
    expect(scansOf(plan, "workspace_requests").map((s) => s["Node Type"])).not.toContain("Seq Scan");
  });

  it("the next page (keyset cursor) reads through an index", async () => {
    const first = await prisma.$queryRaw<HistoryRow[]>(
      historyPageSql(stakeholder, parseHistoryFilters({ team: "supply" })),
    );
    expect(first.length).toBe(HISTORY_PAGE_SIZE + 1);
    const edge = first[HISTORY_PAGE_SIZE - 1];
    const after = encodeCursor({ v: edge.submittedAt.toISOString(), id: edge.id });
    const plan = await explain(historyPageSql(stakeholder, parseHistoryFilters({ team: "supply", after })));
    expect(scansOf(plan, "workspace_requests").map((s) => s["Node Type"])).not.toContain("Seq Scan");
  });

  it("a request's timeline reads audit_events through audit_events_request_id_id_idx, never a sequential scan", async () => {
    const [{ id }] = await prisma.$queryRaw<
      { id: string }[]
    >`SELECT id::text FROM workspace_requests WHERE status = 'PROVISIONED' LIMIT 1`;
    const plan = await explain(timelineAuditSql(id));
    const scans = scansOf(plan, "audit_events");
    expect(scans.length).toBeGreaterThan(0);
    expect(scans.map((s) => s["Node Type"])).not.toContain("Seq Scan");
    expect(indexesOf(plan)).toContain("audit_events_request_id_id_idx");
  });
});

describe("[HISTORY]: exports stream with bounded memory", () => {
  // Measures what the export retains, not garbage waiting for a lazy collector (which depends on machine load):
  // a full collection before each sample.
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;

  async function drain(stream: ReadableStream<Uint8Array>) {
    const reader = stream.getReader();
    gc();
    const baseline = process.memoryUsage();
    let peakHeap = baseline.heapUsed;
    let peakRss = baseline.rss;
    let bytes = 0;
    let newlines = 0;
    let chunks = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      chunks++;
      for (let i = 0; i < value.length; i++) if (value[i] === 10) newlines++;
      if (chunks % 25 === 0) {
        gc();
        const m = process.memoryUsage();
        peakHeap = Math.max(peakHeap, m.heapUsed);
        peakRss = Math.max(peakRss, m.rss);
      }
    }
    return { bytes, newlines, chunks, heapGrowth: peakHeap - baseline.heapUsed, rssGrowth: peakRss - baseline.rss };
  }

  it(`exports all ${AUDIT_EVENTS.toLocaleString("en-US")} audit events as CSV while heap and RSS growth stay far below the export's size`, async () => {
    const total = Number((await prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM audit_events`)[0].n);
    const result = await drain(auditExportStream({}, "csv", prisma));
    expect(result.newlines).toBe(total + 1); // header + one line per event (JSON cells carry no raw newlines)
    expect(result.chunks).toBeGreaterThan(100);
    const MB = 1024 * 1024;
    expect(result.bytes).toBeGreaterThan(100 * MB);
    expect(result.heapGrowth).toBeLessThan(64 * MB);
    expect(result.rssGrowth).toBeLessThan(128 * MB);
  }, 300_000);

  it("exports the whole history as JSON in batches", async () => {
    const result = await drain(historyExportStream(stakeholder, parseHistoryFilters({}), "json", prisma));
    const submitted = Number(
      (
        await prisma.$queryRaw<
          { n: bigint }[]
        >`SELECT count(*) AS n FROM workspace_requests WHERE submitted_at IS NOT NULL`
      )[0].n,
    );
    expect(result.newlines).toBe(submitted + 2); // "[", one line per request, "]"
    expect(result.chunks).toBeGreaterThan(5);
  }, 120_000);
});
