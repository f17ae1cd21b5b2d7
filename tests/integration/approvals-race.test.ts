// [APPROVALS]: every transition is one atomic check-and-act. Real concurrency against real Postgres: each
// call runs the domain function in its own transaction on its own pooled connection.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/generated/prisma/client";
import { db } from "@/lib/db/client";
import { createSubmittedRequest, type RequestSpec } from "@/lib/db/request-fixtures";
import { approveRequest, type DecisionActor } from "@/lib/approvals/mutations";
import { cancelRequest } from "@/lib/requests/mutations";
import { isAppError } from "@/lib/errors";
import { stopProducer } from "@/lib/jobs/queue";
import type { SessionUser } from "@/lib/auth/session";

const REPETITIONS = 200;
const CONCURRENCY = 20;

// A pool wide enough for 20 concurrent transactions (the portal's default is 10), for this file only.
const globalForDb = globalThis as unknown as { atriumDb?: PrismaClient };

const ADMINS: DecisionActor[] = [
  { id: "usr-fatima", name: "Fatima Khan", roles: ["ADMIN"] },
  { id: "usr-george", name: "George Mensah", roles: ["ADMIN", "REQUESTER"] },
  { id: "usr-isabel", name: "Isabel Costa", roles: ["STAKEHOLDER", "ADMIN"] },
];

const SPEC: RequestSpec = {
  requesterId: "usr-amara",
  pattern: "TEAM",
  team: "fraud",
  environments: ["DEV", "TEST"],
  visibility: "PUBLIC",
  restriction: "RESTRICTED",
  region: "westeurope",
  members: [{ userId: "usr-ben", role: "DATA_SCIENTIST" }],
  costCenter: "CC-4100",
  justification: "Race test: concurrent approvals of one request.",
};

type Outcome = "ok" | "conflict" | "other";

async function outcome(p: Promise<unknown>): Promise<Outcome> {
  try {
    await p;
    return "ok";
  } catch (error) {
    return isAppError(error) && error.code === "CONFLICT" ? "conflict" : "other";
  }
}

async function countsPerRequest(sql: string, ids: string[]) {
  const rows = await db.$queryRawUnsafe<{ id: string; n: bigint }[]>(sql, ids);
  return new Map(rows.map((r) => [r.id, Number(r.n)]));
}

describe("[APPROVALS]: races", () => {
  beforeAll(async () => {
    await globalForDb.atriumDb?.$disconnect();
    globalForDb.atriumDb = new PrismaClient({
      adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL!, max: CONCURRENCY + 5 }),
    });
  });
  afterAll(async () => {
    await stopProducer();
    await globalForDb.atriumDb?.$disconnect();
    globalForDb.atriumDb = undefined;
  });

  // 4,000 approvals: well under a minute on a quiet machine, so a budget for a loaded one (CI runs files in parallel).
  it(
    `${CONCURRENCY} concurrent approvals of one request, ${REPETITIONS} times: exactly one transition, one audit event, one job`,
    { timeout: 180_000 },
    async () => {
      const requests = [];
      for (let i = 0; i < REPETITIONS; i++) requests.push(await createSubmittedRequest(db, SPEC));
      const started = performance.now();
      for (const req of requests) {
        const results = await Promise.all(
          Array.from({ length: CONCURRENCY }, (_, i) =>
            outcome(
              approveRequest(
                ADMINS[i % ADMINS.length],
                "ADMIN",
                { requestId: req.id, version: req.version, planHash: req.planHash },
                `race-${req.id}-${i}`,
              ),
            ),
          ),
        );
        expect(results.filter((r) => r === "ok")).toHaveLength(1);
        expect(results.filter((r) => r === "conflict")).toHaveLength(CONCURRENCY - 1);
      }
      const elapsedMs = performance.now() - started;
      console.log(
        JSON.stringify({
          test: "approve-race",
          repetitions: REPETITIONS,
          concurrency: CONCURRENCY,
          elapsedMs: Math.round(elapsedMs),
          perRepetitionMs: Math.round(elapsedMs / REPETITIONS),
        }),
      );

      const ids = requests.map((r) => r.id);
      const statuses = await db.workspaceRequest.groupBy({ by: ["status"], where: { id: { in: ids } }, _count: true });
      expect(statuses).toEqual([{ status: "APPROVED", _count: REPETITIONS }]);
      const versions = await db.workspaceRequest.findMany({ where: { id: { in: ids } }, select: { version: true } });
      expect(new Set(versions.map((v) => v.version))).toEqual(new Set([requests[0].version + 1]));
      for (const [label, sql] of [
        [
          "approvals",
          `SELECT request_id::text AS id, count(*) AS n FROM approvals WHERE request_id::text = ANY($1) GROUP BY 1`,
        ],
        [
          "audit",
          `SELECT request_id::text AS id, count(*) AS n FROM audit_events WHERE action = 'request.approved' AND request_id::text = ANY($1) GROUP BY 1`,
        ],
        [
          "runs",
          `SELECT request_id::text AS id, count(*) AS n FROM provisioning_runs WHERE request_id::text = ANY($1) GROUP BY 1`,
        ],
        [
          "jobs",
          `SELECT singleton_key AS id, count(*) AS n FROM pgboss.job WHERE name = 'provision-request' AND singleton_key = ANY($1) GROUP BY 1`,
        ],
      ] as const) {
        const counts = await countsPerRequest(sql, ids);
        expect(
          ids.map((id) => counts.get(id) ?? 0),
          label,
        ).toEqual(ids.map(() => 1));
      }
    },
  );

  it("an approval racing the requester's cancel: never both a cancelled request and a queued provisioning job", async () => {
    const requester = {
      id: "usr-amara",
      name: "Amara Okafor",
      email: "amara.okafor@contoso.com",
      roles: ["REQUESTER"],
      entraObjectId: null,
      teamIds: [],
      sessionId: "race",
    } satisfies SessionUser;
    const tally = { approved: 0, cancelled: 0, both: 0 };
    for (let i = 0; i < 50; i++) {
      const req = await createSubmittedRequest(db, SPEC);
      const [approved, cancelled] = await Promise.all([
        outcome(
          approveRequest(
            ADMINS[0],
            "ADMIN",
            { requestId: req.id, version: req.version, planHash: req.planHash },
            `race-cancel-${i}`,
          ),
        ),
        outcome(cancelRequest(requester, { id: req.id })),
      ]);
      expect([approved, cancelled]).not.toContain("other");
      expect([approved, cancelled]).toContain("ok");
      const row = await db.workspaceRequest.findUniqueOrThrow({ where: { id: req.id }, select: { status: true } });
      const [jobs] = await db.$queryRawUnsafe<{ n: bigint }[]>(
        `SELECT count(*) AS n FROM pgboss.job WHERE name = 'provision-request' AND singleton_key = $1 AND state IN ('created', 'retry', 'active')`,
        req.id,
      );
      const liveRuns = await db.provisioningRun.count({
        where: { requestId: req.id, status: { in: ["QUEUED", "RUNNING"] } },
      });
      if (row.status === "CANCELLED") {
        expect(Number(jobs.n), `request ${i} was cancelled but has a live job`).toBe(0);
        expect(liveRuns).toBe(0);
        tally.cancelled += 1;
      } else {
        expect(row.status).toBe("APPROVED");
        expect(approved).toBe("ok");
        expect(cancelled).toBe("conflict");
        expect(Number(jobs.n)).toBe(1);
        tally.approved += 1;
      }
      if (approved === "ok" && cancelled === "ok") tally.both += 1;
    }
    console.log(JSON.stringify({ test: "approve-vs-cancel", ...tally }));
  });
});
