// [AUDIT]: events are appended without a global lock and sealed afterwards by one sequencer at a time, in sealing
// order: a transaction that commits out of id order is sealed after the ones that committed before it, a rolled-back
// transaction's event is never sealed, writers never wait for the sealer, and the database lets an unsealed event be
// sealed exactly once and nothing else.
import { Client } from "pg";
import { describe, expect, it } from "vitest";
import { recordAuditEvent, AUDIT_CHAIN_LOCK } from "@/lib/audit/record-event";
import { sealPendingAuditEvents } from "@/lib/audit/sequencer";
import { verifyAuditChain } from "@/lib/audit/verify";
import { db } from "@/lib/db/client";

const event = (entityId: string) => ({
  actor: { kind: "system" as const, name: "test" },
  action: "test.recorded" as const,
  entityType: "test",
  entityId,
  after: { entityId },
  correlationId: `corr-${entityId}`,
});

/** A transaction that appends one event and then waits until `release` is called before committing. */
function openTransaction(entityId: string) {
  let release!: (commit: boolean) => void;
  let inserted!: (id: bigint) => void;
  const decided = new Promise<boolean>((resolve) => (release = resolve));
  const insertedId = new Promise<bigint>((resolve) => (inserted = resolve));
  const done = db
    .$transaction(
      async (tx) => {
        const row = await recordAuditEvent(tx, event(entityId));
        inserted(row.id);
        if (!(await decided)) throw new Error("rolled back on purpose");
      },
      { timeout: 30_000 },
    )
    .then(
      () => "committed",
      () => "rolled back",
    );
  return { insertedId, commit: () => release(true), rollback: () => release(false), done };
}

async function asClient<T>(url: string | undefined, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe("[AUDIT]: the sequencer", () => {
  it("seals in sealing order when transactions commit out of id order, and never seals a rolled-back event", async () => {
    await sealPendingAuditEvents({ waitMs: 5000 });
    const early = openTransaction("early"); // takes the lower id, commits last
    const earlyId = await early.insertedId;
    const doomed = openTransaction("doomed");
    await doomed.insertedId;
    const late = openTransaction("late");
    const lateId = await late.insertedId;
    expect(lateId).toBeGreaterThan(earlyId);

    late.commit();
    expect(await late.done).toBe("committed");
    doomed.rollback();
    expect(await doomed.done).toBe("rolled back");
    // Only the committed event is visible and sealed; the open transaction's event waits, unseen.
    expect(await sealPendingAuditEvents({ waitMs: 5000 })).toMatchObject({ sealed: 1 });
    early.commit();
    expect(await early.done).toBe("committed");
    expect(await sealPendingAuditEvents({ waitMs: 5000 })).toMatchObject({ sealed: 1 });

    const rows = await db.auditEvent.findMany({
      where: { entityId: { in: ["early", "late", "doomed"] } },
      select: { entityId: true, seq: true, hash: true, prevHash: true },
    });
    expect(rows.map((r) => r.entityId).sort()).toEqual(["early", "late"]);
    const byName = Object.fromEntries(rows.map((r) => [r.entityId, r]));
    expect(byName.early.seq).toBeGreaterThan(byName.late.seq);
    expect(byName.early.prevHash).toBe(byName.late.hash);
    expect(await verifyAuditChain()).toMatchObject({ intact: true, pending: 0 });
  });

  it("never makes a writer wait: appends commit while another session holds the sealer's lock", async () => {
    await asClient(process.env.SUPERUSER_DATABASE_URL, async (holder) => {
      await holder.query("SELECT pg_advisory_lock($1::bigint)", [AUDIT_CHAIN_LOCK]);
      try {
        await Promise.all(
          Array.from({ length: 10 }, (_, i) => db.$transaction((tx) => recordAuditEvent(tx, event(`held-${i}`)))),
        );
        // A background pass skips while another process seals.
        expect(await sealPendingAuditEvents()).toBeNull();
        expect(await db.auditEvent.count({ where: { entityId: { startsWith: "held-" }, hash: null } })).toBe(10);
      } finally {
        await holder.query("SELECT pg_advisory_unlock($1::bigint)", [AUDIT_CHAIN_LOCK]);
      }
    });
    expect(await sealPendingAuditEvents()).toMatchObject({ sealed: 10 });
    expect(await verifyAuditChain()).toMatchObject({ intact: true, pending: 0 });
  });

  it("stays one linear chain with many writers and several sequencers racing", async () => {
    const writers = Array.from({ length: 40 }, (_, i) =>
      db.$transaction((tx) => recordAuditEvent(tx, event(`race-${i}`))),
    );
    const sealers = Array.from({ length: 4 }, () => sealPendingAuditEvents({ batchSize: 7 }));
    await Promise.all([...writers, ...sealers]);
    await sealPendingAuditEvents({ waitMs: 5000, batchSize: 7 });
    expect(await db.auditEvent.count({ where: { hash: null } })).toBe(0);
    expect(await verifyAuditChain(9)).toMatchObject({ intact: true, pending: 0 });
  });

  it("lets the app role seal an unsealed event once and change nothing else", async () => {
    const unsealed = await db.$transaction((tx) => recordAuditEvent(tx, event("privileges")));
    await asClient(process.env.DATABASE_URL, async (app) => {
      // Content is not the app's to change, sealed or not.
      await expect(
        app.query("UPDATE audit_events SET action = 'x.changed' WHERE id = $1", [unsealed.id.toString()]),
      ).rejects.toThrow(/permission denied/);
      // A seal must be complete.
      await expect(
        app.query("UPDATE audit_events SET hash = 'h' WHERE id = $1", [unsealed.id.toString()]),
      ).rejects.toThrow(/append-only/);
    });
    await sealPendingAuditEvents({ waitMs: 5000 });
    await asClient(process.env.DATABASE_URL, async (app) => {
      // Once sealed, the seal is final.
      await expect(
        app.query("UPDATE audit_events SET hash = 'f', prev_hash = 'f', sealed_at = now() WHERE id = $1", [
          unsealed.id.toString(),
        ]),
      ).rejects.toThrow(/append-only/);
    });
    // Not even the owner may slip a content change into a seal (only triggers off would, which verify then reports).
    const another = await db.$transaction((tx) => recordAuditEvent(tx, event("owner")));
    await asClient(process.env.SUPERUSER_DATABASE_URL, async (owner) => {
      await expect(
        owner.query(
          "UPDATE audit_events SET hash = 'h', prev_hash = 'p', sealed_at = now(), entity_id = 'other' WHERE id = $1",
          [another.id.toString()],
        ),
      ).rejects.toThrow(/append-only/);
    });
    expect(await verifyAuditChain()).toMatchObject({ intact: true, pending: 0 });
  });
});
