// [AUDIT]: the trail is append-only in the database and tamper-evident through its hash chain.
import { describe, expect, it } from "vitest";
import { Client } from "pg";
import { db } from "@/lib/db/client";
import { recordStandaloneAuditEvent } from "@/lib/audit/record-event";
import { sealPendingAuditEvents } from "@/lib/audit/sequencer";
import { verifyAuditChain } from "@/lib/audit/verify";

async function appendSome(n: number) {
  for (let i = 0; i < n; i++) {
    await recordStandaloneAuditEvent({
      actor: { kind: "system", name: "test" },
      action: "test.recorded",
      entityType: "test",
      entityId: String(i),
      before: { b: i, a: [1, { z: 1, y: 2 }] },
      after: { when: new Date(0), n: i },
      correlationId: `corr-${i}`,
    });
  }
  // Sealed as the background sequencer would within its interval: what follows tampers with sealed events.
  await sealPendingAuditEvents({ waitMs: 5000 });
}

describe("[AUDIT]: append-only, hash-chained audit trail", () => {
  it("refuses UPDATE, DELETE and TRUNCATE, even through raw SQL and even to a superuser (triggers)", async () => {
    await appendSome(2);
    await expect(db.$executeRawUnsafe(`UPDATE audit_events SET action = 'x.changed'`)).rejects.toThrow(
      /permission denied/,
    );
    const superuser = new Client({ connectionString: process.env.SUPERUSER_DATABASE_URL });
    await superuser.connect();
    try {
      await expect(superuser.query(`UPDATE audit_events SET action = 'x.changed'`)).rejects.toThrow(/append-only/);
      await expect(superuser.query(`DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
      await expect(superuser.query(`TRUNCATE audit_events`)).rejects.toThrow(/append-only/);
    } finally {
      await superuser.end();
    }
  });

  it("chains concurrent writers linearly and verifies intact", async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => appendSome(1 + (i % 2))));
    const result = await verifyAuditChain(7);
    expect(result).toMatchObject({ intact: true });
  });

  it("catches a row edited behind the application's back by a superuser", async () => {
    await appendSome(3);
    const target = await db.auditEvent.findFirstOrThrow({
      where: { action: "test.recorded" },
      orderBy: { id: "desc" },
      skip: 1,
    });
    const superuser = new Client({ connectionString: process.env.SUPERUSER_DATABASE_URL });
    await superuser.connect();
    const setAfter = async (value: unknown) => {
      await superuser.query("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete");
      await superuser.query("UPDATE audit_events SET after = $2 WHERE id = $1", [
        target.id.toString(),
        JSON.stringify(value),
      ]);
      await superuser.query("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete");
    };
    try {
      await setAfter({ n: 999 });
      expect(await verifyAuditChain()).toMatchObject({ intact: false, brokenAt: target.id.toString() });
      // Restoring the original content restores the chain (the shared test database stays intact).
      await setAfter(target.after);
      expect(await verifyAuditChain()).toMatchObject({ intact: true });
    } finally {
      await superuser.end();
    }
  });
});
