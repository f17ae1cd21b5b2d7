// [AUDIT]: denials without amplification. A burst of refusals writes a bounded number of audit events and never
// queues on the audit chain's lock, yet every refusal is counted; client correlation ids are recorded only when safe.
import { Client } from "pg";
import { afterEach, describe, expect, it } from "vitest";
import {
  AUDITED_PER_WINDOW,
  countedDenials,
  DENIAL_WINDOW_MS,
  flushDenialWindows,
  recordDenial,
} from "@/lib/audit/denials";
import { AUDIT_CHAIN_LOCK } from "@/lib/audit/record-event";
import { verifyAuditChain } from "@/lib/audit/verify";
import { approveRequestAction } from "@/lib/approvals/actions";
import { db } from "@/lib/db/client";
import { actAnonymously } from "../support/act-as";
import { requestContext } from "../support/request-context";

const REQUEST_ID = "00000000-0000-4000-8000-000000000000";
const windowSums = async (permission: string) => {
  const rows = await db.auditDenialWindow.findMany({ where: { permission } });
  return {
    windows: rows.length,
    denials: rows.reduce((n, r) => n + r.count, 0),
    audited: rows.reduce((n, r) => n + Math.min(r.count, AUDITED_PER_WINDOW), 0),
    overflowing: rows.filter((r) => r.count > AUDITED_PER_WINDOW).length,
  };
};

afterEach(() => requestContext.setHeaders({}));

describe("[AUDIT]: denials are counted, not amplified", () => {
  it("50 anonymous refusals in a burst: a few audit events per window, every refusal counted", async () => {
    actAnonymously();
    const eventsBefore = await db.auditEvent.count({ where: { action: "authz.denied" } });
    const countedBefore = await countedDenials();
    const results = await Promise.all(
      Array.from({ length: 50 }, () => approveRequestAction(REQUEST_ID, null, new FormData())),
    );
    expect(results.every((r) => (r as { ok: boolean }).ok === false)).toBe(true);

    const { windows, denials, audited, overflowing } = await windowSums("request.approve");
    expect(denials).toBe(50);
    // The first few of the window are audited one by one, the rest only counted (one window, or two if the burst
    // straddled a minute boundary): never one event per refusal.
    expect(await db.auditEvent.count({ where: { action: "authz.denied" } })).toBe(eventsBefore + audited);
    expect(windows).toBeLessThanOrEqual(2);
    expect(audited).toBeLessThanOrEqual(2 * AUDITED_PER_WINDOW);
    expect(await countedDenials()).toBe(countedBefore + 50);

    // Once the window has closed, its repeats become one event carrying the count.
    expect(await flushDenialWindows(new Date(Date.now() + 2 * DENIAL_WINDOW_MS))).toBe(overflowing);
    const flushed = await db.auditEvent.findMany({ where: { action: "authz.denied_repeatedly" } });
    const repeats = flushed.map((e) => e.after as { denials: number; counted: number; permission: string });
    expect(repeats.every((r) => r.permission === "request.approve")).toBe(true);
    expect(repeats.reduce((n, r) => n + r.counted, 0) + audited).toBe(50);
    // A window is flushed once, whoever runs the next pass.
    expect(await flushDenialWindows(new Date(Date.now() + 3 * DENIAL_WINDOW_MS))).toBe(0);
    expect(await countedDenials()).toBe(countedBefore + 50);
    expect(await verifyAuditChain()).toMatchObject({ intact: true });
  });

  it("repeats never wait for the audit chain's lock", async () => {
    const now = new Date();
    const denial = { userId: null, permission: "audit.read", correlationId: "lock-test" };
    for (let i = 1; i <= AUDITED_PER_WINDOW; i++) expect(await recordDenial(denial, now)).toBe(i);
    // Another session holds the chain's lock (as a long business transaction would); repeats still complete.
    const holder = new Client({ connectionString: process.env.SUPERUSER_DATABASE_URL });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock($1::bigint)", [AUDIT_CHAIN_LOCK]);
      const counts = await Promise.all(Array.from({ length: 20 }, () => recordDenial(denial, now)));
      expect(Math.max(...counts)).toBe(AUDITED_PER_WINDOW + 20);
    } finally {
      await holder.query("SELECT pg_advisory_unlock($1::bigint)", [AUDIT_CHAIN_LOCK]);
      await holder.end();
    }
  });

  it("records a safe client correlation id and replaces a hostile one", async () => {
    actAnonymously();
    const recorded = async (permissionSuffix: string, sent: string) => {
      requestContext.setHeaders({ "x-correlation-id": sent });
      await recordDenial({
        userId: null,
        permission: `test.${permissionSuffix}`,
        correlationId: await (await import("@/lib/correlation")).getCorrelationId(),
      });
      const event = await db.auditEvent.findFirstOrThrow({
        where: { action: "authz.denied", entityId: `test.${permissionSuffix}` },
      });
      return event.correlationId;
    };
    expect(await recorded("safe", "req-2026_12.03")).toBe("req-2026_12.03");
    for (const [i, hostile] of [
      "x' OR 1=1 --",
      "a".repeat(65),
      "<script>alert(1)</script>",
      "id:with:colons",
    ].entries()) {
      const id = await recorded(`hostile${i}`, hostile);
      expect(id).not.toBe(hostile);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
