// [HISTORY]: authorisation in the query, keyset pagination, timelines and the export routes.
import { beforeAll, describe, expect, it } from "vitest";
import { Client } from "pg";
import { NextRequest } from "next/server";
import { db } from "@/lib/db/client";
import { parseCsv } from "@/lib/history/csv";
import { HISTORY_EXPORT_COLUMNS } from "@/lib/history/export";
import { parseHistoryFilters } from "@/lib/history/filters";
import { getHistoryRequest, listHistory } from "@/lib/history/queries";
import { seedScale } from "@/prisma/seed/scale";
import { getRequestTimeline } from "@/lib/history/timeline";
import { GET as exportHistory } from "@/app/(portal)/history/export/route";
import { GET as exportAudit } from "@/app/(portal)/history/export/audit/route";
import { actAnonymously, actAs } from "../support/act-as";

const stakeholder = { id: "usr-hannah", roles: ["STAKEHOLDER" as const], teamIds: [] as string[] };
let requester: { id: string; roles: "REQUESTER"[]; teamIds: string[] };
let fraudId: string;
let otherTeamRequestId: string;
let ownTeamRequestId: string;

const get = (path: string) => new NextRequest(new URL(path, "http://127.0.0.1:3000"));

beforeAll(async () => {
  // Only settled history ending a year ago, so no other test's queue or worker ever sees these requests.
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    await seedScale(client, {
      requests: 240,
      auditEvents: 2400,
      end: new Date(Date.now() - 365 * 86_400_000),
      seed: 7,
    });
  } finally {
    await client.end();
  }
  fraudId = (await db.team.findUniqueOrThrow({ where: { slug: "fraud" } })).id;
  requester = { id: "usr-amara", roles: ["REQUESTER"], teamIds: [fraudId] };
  otherTeamRequestId = (
    await db.workspaceRequest.findFirstOrThrow({ where: { team: { slug: "insights" }, status: "PROVISIONED" } })
  ).id;
  ownTeamRequestId = (await db.workspaceRequest.findFirstOrThrow({ where: { teamId: fraudId, status: "PROVISIONED" } }))
    .id;
}, 120_000);

async function walk(actor: typeof stakeholder | typeof requester, params: Record<string, string>, limit: number) {
  const seen: string[] = [];
  let after: string | undefined;
  for (let page = 0; page < 100; page++) {
    const result = await listHistory(actor, parseHistoryFilters({ ...params, ...(after ? { after } : {}) }), limit);
    seen.push(...result.rows.map((r) => r.id));
    if (!result.next) break;
    after = result.next;
  }
  return seen;
}

describe("[HISTORY]: list, authorisation and pagination", () => {
  it("a stakeholder sees every team's submitted requests; a requester only their team's, enforced in the query", async () => {
    const all = await walk(stakeholder, {}, 37);
    const submitted = await db.workspaceRequest.count({ where: { submittedAt: { not: null } } });
    expect(all.length).toBe(submitted);
    expect(new Set(all).size).toBe(all.length);

    const mine = await walk(requester, {}, 37);
    const teamCount = await db.workspaceRequest.count({ where: { submittedAt: { not: null }, teamId: fraudId } });
    expect(mine.length).toBe(teamCount);
    expect(mine.length).toBeLessThan(all.length);
    // Asking for another team through the filter does not widen what a requester sees.
    expect((await listHistory(requester, parseHistoryFilters({ team: "insights" }))).rows).toEqual([]);
  });

  it("filters by team and environment, and pages forwards and back by keyset without gaps or repeats", async () => {
    const ids = await walk(stakeholder, { team: "fraud", env: "PROD" }, 10);
    const expected = await db.workspaceRequest.findMany({
      where: { submittedAt: { not: null }, teamId: fraudId, environments: { has: "PROD" } },
      orderBy: [{ submittedAt: "desc" }, { id: "desc" }],
      select: { id: true },
    });
    expect(ids).toEqual(expected.map((r) => r.id));

    const first = await listHistory(stakeholder, parseHistoryFilters({ team: "fraud", env: "PROD" }), 10);
    const second = await listHistory(
      stakeholder,
      parseHistoryFilters({ team: "fraud", env: "PROD", after: first.next! }),
      10,
    );
    expect(second.previous).not.toBeNull();
    const back = await listHistory(
      stakeholder,
      parseHistoryFilters({ team: "fraud", env: "PROD", before: second.previous! }),
      10,
    );
    expect(back.rows.map((r) => r.id)).toEqual(first.rows.map((r) => r.id));
    expect(back.previous).toBeNull();
  });

  it("sorts by request number in both directions", async () => {
    const asc = await listHistory(stakeholder, parseHistoryFilters({ sort: "number", dir: "asc" }), 20);
    const numbers = asc.rows.map((r) => r.number);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    const next = await listHistory(
      stakeholder,
      parseHistoryFilters({ sort: "number", dir: "asc", after: asc.next! }),
      20,
    );
    expect(next.rows[0].number).toBeGreaterThan(numbers[numbers.length - 1]);
  });

  it("a requester cannot open another team's request or its timeline", async () => {
    expect(await getHistoryRequest(requester, otherTeamRequestId)).toBeNull();
    expect(await getRequestTimeline(requester, otherTeamRequestId)).toBeNull();
    expect(await getHistoryRequest(requester, ownTeamRequestId)).not.toBeNull();
  });
});

describe("[HISTORY]: timeline", () => {
  it("tells one ordered story: submission, approvals with plan hash, provisioning attempts, notifications", async () => {
    const timeline = (await getRequestTimeline(stakeholder, ownTeamRequestId))!;
    const times = timeline.map((e) => e.at.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(timeline.some((e) => e.kind === "audit" && e.title === "Request submitted")).toBe(true);
    const approval = timeline.find((e) => e.kind === "approval")!;
    expect(approval.title).toMatch(/^Approved — admin stage/);
    const request = await db.workspaceRequest.findUniqueOrThrow({ where: { id: ownTeamRequestId } });
    expect(approval.facts).toContainEqual({ label: "Plan hash", value: request.planHash });
    // The approval's own audit event is folded into the approval entry rather than told twice.
    expect(timeline.some((e) => e.kind === "audit" && e.title === "Request approved")).toBe(false);
    expect(timeline.some((e) => e.kind === "run")).toBe(true);
    expect(timeline.some((e) => e.kind === "notification")).toBe(true);
  });
});

describe("[HISTORY]: export routes", () => {
  it("refuse anonymous callers and people without history.export", async () => {
    actAnonymously();
    expect((await exportHistory(get("/history/export?format=csv"))).status).toBe(401);
    await actAs("amara.okafor@contoso.com");
    expect((await exportHistory(get("/history/export?format=csv"))).status).toBe(403);
    await actAs("fatima.khan@contoso.com"); // admin: reads the history in the portal, does not export it
    expect((await exportHistory(get("/history/export?format=csv"))).status).toBe(403);
    expect((await exportAudit(get("/history/export/audit?format=csv"))).status).toBe(403);
  });

  it("stream the filtered history as CSV whose rows match the filter, and audit the export", async () => {
    await actAs("hannah.schmidt@contoso.com");
    const response = await exportHistory(get("/history/export?team=fraud&env=PROD&format=csv"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(response.headers.get("content-disposition")).toMatch(/attachment; filename="atrium-history-/);
    const [header, ...rows] = parseCsv(await response.text());
    expect(header).toEqual(HISTORY_EXPORT_COLUMNS);
    const expected = await db.workspaceRequest.count({
      where: { submittedAt: { not: null }, teamId: fraudId, environments: { has: "PROD" } },
    });
    expect(rows.length).toBe(expected);
    for (const row of rows) {
      expect(row[header.indexOf("team")]).toBe("fraud");
      expect(row[header.indexOf("environments")].split(";")).toContain("PROD");
    }
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { action: "history.exported" },
      orderBy: { id: "desc" },
    });
    expect(audit).toMatchObject({ actorId: "usr-hannah" });
  });

  it("stream the history as JSON and the audit trail of one request with each event's hash", async () => {
    await actAs("hannah.schmidt@contoso.com");
    const json = (await (await exportHistory(get("/history/export?team=supply&format=json"))).json()) as {
      team: string;
    }[];
    expect(json.length).toBeGreaterThan(0);
    expect(json.every((r) => r.team === "supply")).toBe(true);

    const response = await exportAudit(get(`/history/export/audit?request=${ownTeamRequestId}&format=csv`));
    expect(response.status).toBe(200);
    const [header, ...rows] = parseCsv(await response.text());
    const events = await db.auditEvent.findMany({
      where: { requestId: ownTeamRequestId },
      orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
    });
    expect(rows.map((r) => r[header.indexOf("hash")])).toEqual(events.map((e) => e.hash));
  });
});
