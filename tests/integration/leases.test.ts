// [LEASES] A dev set provisioned through the real worker against the ARM simulator, then its lease driven by the
// scheduler's tick with a test clock: reminders at each offset exactly once (also with two sweeps at once), extension
// within the maximum (at once, audited) and beyond it (a change request for the admins, applied once approved),
// expiry → compute stopped and clusters at 0 nodes exactly once with two workers, and after the grace period a
// decommission change request started by itself.
import { describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { extendLease } from "@/lib/leases/leases";
import { DAY_MS } from "@/lib/leases/rules";
import { leaseTick } from "@/lib/leases/worker";
import { createApprovedRequest } from "@/tests/support/provisioning-fixtures";
import { FAST_EXECUTOR, simulatedEngineForSuite, simulatorFactory, waitForRuns } from "./provisioning-support";

const engine = simulatedEngineForSuite({ jobs: 2 });
const MINUTE = 60_000;

async function actor(email: string): Promise<SessionUser> {
  const u = await db.user.findUniqueOrThrow({
    where: { email },
    include: { teamMemberships: { select: { teamId: true } } },
  });
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    roles: u.roles,
    teamIds: u.teamMemberships.map((m) => m.teamId),
  } as unknown as SessionUser;
}

const tick = (now: Date) =>
  leaseTick({
    factory: simulatorFactory(engine.sim),
    now,
    pollIntervalMs: FAST_EXECUTOR.pollIntervalMs,
    log: () => {},
  });

async function provisionedDevSet(scope: string) {
  const created = await createApprovedRequest({ scope, environments: ["dev"] });
  const statuses = await waitForRuns([created.runId]);
  expect(Object.values(statuses)).toEqual(["SUCCEEDED"]);
  const set = await db.workspaceSet.findUniqueOrThrow({ where: { originRequestId: created.requestId } });
  return { created, set };
}

describe("[LEASES] reminders, extension, expiry", () => {
  it("leases a dev set, reminds at each offset exactly once, extends within and beyond the maximum", async () => {
    const { created, set } = await provisionedDevSet("lsrem");
    // The scheduler gives the set its lease (dev: 30 days by default).
    await tick(new Date());
    const lease = await db.lease.findUniqueOrThrow({ where: { workspaceSetId: set.id } });
    expect(lease.status).toBe("ACTIVE");
    expect(Math.round((lease.expiresAt.getTime() - set.createdAt.getTime()) / DAY_MS)).toBe(30);

    const expiresAt = lease.expiresAt;
    const at = (minutesBefore: number) => new Date(expiresAt.getTime() - minutesBefore * MINUTE + MINUTE);
    const owner = created.input.members[0].userId;
    const reminders = () => db.notification.count({ where: { userId: owner, kind: "lease.reminder" } });

    expect((await tick(at(7 * 1440 + 60))).remindersSent).toBe(0);
    expect((await tick(at(7 * 1440))).remindersSent).toBe(1);
    expect((await tick(at(7 * 1440))).remindersSent).toBe(0);
    // Two workers sweeping at the same time send the 1-day reminder once.
    const both = await Promise.all([tick(at(1440)), tick(at(1440))]);
    expect(both.map((b) => b.remindersSent).sort()).toEqual([0, 1]);
    expect((await tick(at(120))).remindersSent).toBe(1);
    expect(await reminders()).toBe(3);
    expect(
      (await db.leaseReminder.findMany({ where: { leaseId: lease.id } }))
        .map((r) => r.offsetMinutes)
        .sort((a, b) => a - b),
    ).toEqual([120, 1440, 10080]);

    // Within the maximum (90 days from now): applied at once, audited, reminders re-armed for the new expiry.
    const amara = await actor("amara.okafor@contoso.com");
    const now = at(60);
    const within = await extendLease(amara, set.id, { days: 10 }, "test-extend", { now });
    expect(within.applied).toBe(true);
    const extended = await db.lease.findUniqueOrThrow({ where: { id: lease.id } });
    expect(extended.expiresAt.getTime()).toBe(expiresAt.getTime() + 10 * DAY_MS);
    expect(await db.auditEvent.count({ where: { action: "lease.extended", entityId: set.id } })).toBe(1);

    // Beyond the maximum: a change request for the admins with no Azure step; applied once approved.
    const beyond = await extendLease(amara, set.id, { days: 200 }, "test-extend-beyond", { now });
    expect(beyond.applied).toBe(false);
    if (beyond.applied) return;
    const change = await db.workspaceRequest.findUniqueOrThrow({ where: { id: beyond.requestId } });
    expect(change).toMatchObject({ kind: "CHANGE", status: "SUBMITTED", changeKinds: ["extendLease"] });
    expect((change.plan as { steps: unknown[] }).steps).toEqual([]);
    await expect(extendLease(amara, set.id, { days: 200 }, "again", { now })).rejects.toThrow(/already waits/);
    await db.workspaceRequest.update({ where: { id: beyond.requestId }, data: { status: "APPROVED" } });
    const applied = await tick(now);
    expect(applied.extensionsApplied).toBe(1);
    expect((await db.lease.findUniqueOrThrow({ where: { id: lease.id } })).expiresAt.getTime()).toBe(
      beyond.requestedExpiresAt.getTime(),
    );
    expect((await tick(now)).extensionsApplied).toBe(0);
  });

  it("expires once with two workers: compute instances stopped, clusters at 0 nodes, owners told; then decommissions", async () => {
    const { set } = await provisionedDevSet("lsexp");
    await tick(new Date());
    const lease = await db.lease.findUniqueOrThrow({ where: { workspaceSetId: set.id } });
    const after = new Date(lease.expiresAt.getTime() + MINUTE);
    const [a, b] = await Promise.all([tick(after), tick(after)]);
    expect([...a.expired, ...b.expired].filter((id) => id === set.id)).toEqual([set.id]);
    const expired = await db.lease.findUniqueOrThrow({ where: { id: lease.id } });
    expect(expired.status).toBe("EXPIRED");
    expect(await db.auditEvent.count({ where: { action: "lease.expired", entityId: set.id } })).toBe(1);

    const computes = engine.sim
      .resources()
      .filter((r) => /\/workspaces\/[^/]+\/computes\//i.test(r.id) && r.id.includes("lsexp"));
    expect(computes.length).toBeGreaterThan(0);
    for (const c of computes) {
      const props = (c.resource as { properties: { computeType: string; properties: Record<string, unknown> } })
        .properties;
      if (props.computeType === "ComputeInstance") expect(props.properties.state).toBe("Stopped");
      else expect(props.properties.scaleSettings).toMatchObject({ minNodeCount: 0, maxNodeCount: 0 });
    }
    const stops = engine.sim
      .requestLog()
      .filter((r) => r.method === "POST" && /\/stop$/i.test(r.path) && r.path.includes("lsexp"));
    expect(stops).toHaveLength(computes.filter((c) => /\/ci-/i.test(c.id)).length);

    // After the grace period (dev: 7 days) a decommission change request starts by itself, once.
    const graceOver = new Date(expired.decommissionAfter!.getTime() + MINUTE);
    const [c, d] = await Promise.all([tick(graceOver), tick(graceOver)]);
    expect([...c.failures, ...d.failures]).toEqual([]);
    expect([...c.decommissionsStarted, ...d.decommissionsStarted]).toEqual([set.id]);
    const decommission = await db.workspaceRequest.findMany({
      where: { workspaceSetId: set.id, kind: "DECOMMISSION" },
    });
    expect(decommission).toHaveLength(1);
    expect(decommission[0].status).toBe("SUBMITTED");
    expect((await db.lease.findUniqueOrThrow({ where: { id: lease.id } })).decommissionRequestId).toBe(
      decommission[0].id,
    );
  });
});
