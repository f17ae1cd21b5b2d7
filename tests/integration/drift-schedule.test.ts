// [DRIFT] The schedule is safe with several workers: two ticks at once plan each set once per cycle (the unique
// scan row, not the job queue, decides), a later tick in the same cycle plans nothing, the next cycle plans them again;
// and the read pacer holds every process together to its rate.
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { getProducer, stopProducer } from "@/lib/jobs/queue";
import { databaseReadPacer } from "@/lib/drift/pacer";
import { DRIFT_SCAN_QUEUE } from "@/lib/drift/queue";
import { scheduleDueScans } from "@/lib/drift/schedule";
import { provisionedSetOf } from "@/tests/support/drift-fixtures";
import { createApprovedRequestRow } from "@/tests/support/provisioning-fixtures";

afterAll(() => stopProducer());

describe("[DRIFT] schedule and read budget", () => {
  it("plans each active set once per cycle, however many workers tick", async () => {
    const sets = [];
    for (const scope of ["dsched1", "dsched2", "dsched3"])
      sets.push(await provisionedSetOf(await createApprovedRequestRow({ scope })));
    const active = await db.workspaceSet.count({ where: { status: "ACTIVE" } });
    const minute = 60_000;
    const now = Math.floor(Date.now() / minute) * minute + 1_000;
    const [a, b] = await Promise.all([scheduleDueScans(now, 1), scheduleDueScans(now, 1)]);
    expect(a + b).toBe(active);
    const rows = await db.driftScan.groupBy({ by: ["workspaceSetId", "cycle"], _count: true });
    expect(rows.every((r) => r._count === 1)).toBe(true);
    for (const s of sets) expect(rows.filter((r) => r.workspaceSetId === s.id)).toHaveLength(1);
    const boss = await getProducer();
    const jobs = await boss.findJobs(DRIFT_SCAN_QUEUE);
    expect(new Set(jobs.map((j) => (j.data as { scanId: string }).scanId)).size).toBe(active);

    expect(await scheduleDueScans(now + 30_000, 1)).toBe(0);
    expect(await scheduleDueScans(now + minute, 1)).toBe(active);
  });

  it("lets all processes together take at most the pacer's rate of reads per subscription", async () => {
    const rate = 50;
    const workers = [databaseReadPacer(rate), databaseReadPacer(rate)];
    const sub = `bench-${Date.now()}`;
    const started = Date.now();
    await Promise.all(workers.map((gate) => Promise.all(Array.from({ length: 15 }, () => gate.take(sub)))));
    // 30 reads at 50/s without a burst: the last one no sooner than 29/50 s after the first.
    expect(Date.now() - started).toBeGreaterThanOrEqual((29 / rate) * 1000 - 5);
  });
});
