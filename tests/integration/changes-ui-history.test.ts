// [HISTORY / CHANGES]: stakeholders filter the history by what a request did (new set, change, decommission) and see
// lead times per change kind; both keep the history's visibility rule (a requester of another team sees nothing).
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { leadTimesByChangeKind } from "@/lib/history/change-metrics";
import { historyQueryString, parseHistoryFilters, parseHistoryQuery } from "@/lib/history/filters";
import { listHistory } from "@/lib/history/queries";

const HOUR = 3_600_000;
const stakeholder = { id: "usr-hannah", roles: ["STAKEHOLDER" as const], teamIds: [] as string[] };
let fraudRequester: { id: string; roles: "REQUESTER"[]; teamIds: string[] };
let insightsRequester: { id: string; roles: "REQUESTER"[]; teamIds: string[] };
const changeIds: string[] = [];

/** A settled change request of the fraud team, submitted `at`, approved and applied after the given hours. */
async function change(
  changeKinds: string[],
  at: Date,
  approveHours: number | null,
  applyHours: number,
  kind: "NEW" | "CHANGE" = "CHANGE",
) {
  const fraud = await db.team.findUniqueOrThrow({ where: { slug: "fraud" } });
  const approvedAt = approveHours === null ? at : new Date(at.getTime() + approveHours * HOUR);
  const row = await db.workspaceRequest.create({
    data: {
      kind,
      status: "PROVISIONED",
      requesterId: "usr-amara",
      pattern: "TEAM",
      teamId: fraud.id,
      scopeSlug: "fraud",
      environments: ["DEV", "TEST"],
      region: "westeurope",
      costCenter: "CC-4100",
      changeKinds,
      baseVersion: kind === "NEW" ? null : 1,
      submittedAt: at,
      approvedAt,
      provisioningAt: approvedAt,
      provisionedAt: new Date(approvedAt.getTime() + applyHours * HOUR),
    },
    select: { id: true },
  });
  if (kind === "CHANGE") changeIds.push(row.id);
}

beforeAll(async () => {
  const [fraud, insights] = await Promise.all([
    db.team.findUniqueOrThrow({ where: { slug: "fraud" } }),
    db.team.findUniqueOrThrow({ where: { slug: "insights" } }),
  ]);
  fraudRequester = { id: "usr-ben", roles: ["REQUESTER"], teamIds: [fraud.id] };
  insightsRequester = { id: "usr-chen", roles: ["REQUESTER"], teamIds: [insights.id] };
  const day = new Date(Date.now() - 2 * 86_400_000);
  await change(["addMember"], day, 2, 1);
  await change(["addMember", "addDevCluster"], new Date(day.getTime() + HOUR), 4, 1);
  await change(["removeMember"], new Date(day.getTime() + 2 * HOUR), null, 0.5);
  // The integration database holds the organisation only: one new workspace set of the fraud team too.
  await change([], new Date(day.getTime() - 24 * HOUR), 6, 1, "NEW");
});

describe("[HISTORY / CHANGES]: the kind filter", () => {
  it("lists only changes with kind=change, only new sets with kind=new", async () => {
    const changes = await listHistory(stakeholder, parseHistoryFilters({ kind: "change" }), 100);
    expect(changes.rows.map((r) => r.id).sort()).toEqual([...changeIds].sort());
    expect(changes.rows.every((r) => r.kind === "CHANGE")).toBe(true);
    const created = await listHistory(stakeholder, parseHistoryFilters({ kind: "new" }), 100);
    expect(created.rows.length).toBeGreaterThan(0);
    expect(created.rows.every((r) => r.kind === "NEW")).toBe(true);
    expect(created.rows.some((r) => changeIds.includes(r.id))).toBe(false);
  });

  it("keeps visibility: the fraud team sees its changes, another team's requester none", async () => {
    const own = await listHistory(fraudRequester, parseHistoryFilters({ kind: "change" }), 100);
    expect(own.rows).toHaveLength(3);
    const other = await listHistory(insightsRequester, parseHistoryFilters({ kind: "change" }), 100);
    expect(other.rows).toHaveLength(0);
    expect(await leadTimesByChangeKind(insightsRequester, parseHistoryFilters({ kind: "change" }))).toEqual([]);
  });

  it("drops an unknown kind (All) and keeps the kind in shared links", () => {
    const parsed = parseHistoryQuery({ kind: "bogus" });
    expect(parsed.ok && parsed.data.kind).toBe(undefined);
    expect(historyQueryString(parseHistoryFilters({ kind: "change", team: "fraud" }))).toBe("?team=fraud&kind=change");
  });
});

describe("[HISTORY / CHANGES]: lead times per change kind", () => {
  it("counts a change in every kind it makes, with percentiles of its own timestamps", async () => {
    const rows = await leadTimesByChangeKind(stakeholder, parseHistoryFilters({ kind: "change" }));
    const byKind = new Map(rows.map((r) => [r.kind, r]));
    expect([...byKind.keys()]).toEqual(["addMember", "addDevCluster", "removeMember"]);
    const add = byKind.get("addMember")!;
    expect(add).toMatchObject({ submitted: 2, applied: 2, failed: 0 });
    expect(add.approveP50).toBeCloseTo(3, 6); // 2 h and 4 h
    expect(add.applyP50).toBeCloseTo(1, 6);
    expect(add.endToEndP95).toBeCloseTo(4.9, 6); // 3 h and 5 h
    const remove = byKind.get("removeMember")!;
    expect(remove.approveP50).toBeCloseTo(0, 6); // applied at once: approved when submitted
    expect(remove.endToEndP50).toBeCloseTo(0.5, 6);
  });

  it("puts new workspace sets in their own row, first", async () => {
    const rows = await leadTimesByChangeKind(stakeholder, parseHistoryFilters({}));
    expect(rows[0].kind).toBe("new");
    expect(rows.find((r) => r.kind === "addMember")?.submitted).toBe(2);
  });
});
