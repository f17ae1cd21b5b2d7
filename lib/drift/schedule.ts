/**
 * When sets are scanned. Every `scanIntervalMinutes` is one cycle; within a cycle the active sets (ordered by id) get
 * evenly spaced start times, so hundreds of sets never start at once. A tick (the `drift-tick` cron job, once a minute
 * across every instance) inserts the scan rows whose start time has come or comes within the minute — one row per
 * set and cycle, enforced by a unique index, so several workers or a late tick never scan a set twice in a cycle — and
 * enqueues their jobs in the same transaction, to start at their time.
 */
import "server-only";
import { db } from "@/lib/db/client";
import { enqueueDriftScan } from "./queue";

export const TICK_LOOKAHEAD_MS = 60_000;

export async function driftIntervalMinutes(): Promise<number> {
  const s = await db.driftSettings.findUnique({ where: { id: 1 }, select: { scanIntervalMinutes: true } });
  return s?.scanIntervalMinutes ?? 1440;
}

/** The start times of one cycle for `count` sets: evenly spaced over the interval (pure). */
export function cycleSlots(now: number, intervalMs: number, count: number): { cycle: number; slots: number[] } {
  const cycle = Math.floor(now / intervalMs);
  const start = cycle * intervalMs;
  return {
    cycle,
    slots: Array.from({ length: count }, (_, i) => start + Math.floor((i * intervalMs) / Math.max(1, count))),
  };
}

/** Plans the scans that are due by `now` + the look-ahead in the current cycle. Returns how many were enqueued. */
export async function scheduleDueScans(now = Date.now(), intervalMinutes?: number): Promise<number> {
  const intervalMs = (intervalMinutes ?? (await driftIntervalMinutes())) * 60_000;
  const sets = await db.workspaceSet.findMany({
    where: { status: "ACTIVE" },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  const { cycle, slots } = cycleSlots(now, intervalMs, sets.length);
  const due = sets.map((s, i) => ({ setId: s.id, at: slots[i] })).filter((d) => d.at <= now + TICK_LOOKAHEAD_MS);
  if (due.length === 0) return 0;
  return db.$transaction(async (tx) => {
    const rows = await tx.driftScan.createManyAndReturn({
      data: due.map((d) => ({ workspaceSetId: d.setId, cycle, trigger: "SCHEDULED" })),
      skipDuplicates: true,
      select: { id: true, workspaceSetId: true },
    });
    const at = new Map(due.map((d) => [d.setId, d.at]));
    for (const r of rows) {
      const when = at.get(r.workspaceSetId) ?? now;
      await enqueueDriftScan(tx, { scanId: r.id }, when > now ? new Date(when) : undefined);
    }
    return rows.length;
  });
}
