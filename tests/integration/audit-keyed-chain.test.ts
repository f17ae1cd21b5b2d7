// [AUDIT]: a database superuser cannot silently rewrite the trail. Events are keyed with an HMAC whose key lives
// outside the database, and checkpoints of the chain head are published outside it too; every attack below is one
// a superuser can carry out (triggers off, chain recomputed with the public SHA-256 rule), and verify reports it.
import { execFile } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { Client } from "pg";
import { describe, expect, it } from "vitest";
import { checkpointDir, writeCheckpoint } from "@/lib/audit/checkpoints";
import { auditEventHash, GENESIS_HASH } from "@/lib/audit/hash";
import { recordStandaloneAuditEvent } from "@/lib/audit/record-event";
import { sealPendingAuditEvents } from "@/lib/audit/sequencer";
import { verifyAuditChain } from "@/lib/audit/verify";
import { db } from "@/lib/db/client";

type RawEvent = {
  id: string;
  occurred_at: Date;
  actor_id: string | null;
  actor_label: string;
  action: string;
  entity_type: string;
  entity_id: string;
  request_id: string | null;
  before: unknown;
  after: unknown;
  correlation_id: string;
  prev_hash: string;
  hash: string;
  mac: string | null;
};

const hashOf = (prev: string, e: RawEvent) =>
  auditEventHash(prev, {
    occurredAt: e.occurred_at,
    actorId: e.actor_id,
    actorLabel: e.actor_label,
    action: e.action,
    entityType: e.entity_type,
    entityId: e.entity_id,
    requestId: e.request_id,
    before: e.before,
    after: e.after,
    correlationId: e.correlation_id,
  });

/** The attacker: the database's superuser, with triggers and replication checks switched off. */
async function asSuperuser<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: process.env.SUPERUSER_DATABASE_URL });
  await client.connect();
  try {
    await client.query("SET session_replication_role = replica");
    return await fn(client);
  } finally {
    await client.end();
  }
}

const allEvents = () =>
  asSuperuser(async (c) => (await c.query<RawEvent>("SELECT * FROM audit_events ORDER BY id")).rows);

/** Rewrites every event from `fromId` on with a recomputed (unkeyed) chain, as an attacker without the key can. */
async function rehashFrom(c: Client, fromId: string, macOf: (e: RawEvent) => string | null = (e) => e.mac) {
  const rows = (await c.query<RawEvent>("SELECT * FROM audit_events ORDER BY id")).rows;
  let prev = GENESIS_HASH;
  for (const row of rows) {
    if (BigInt(row.id) >= BigInt(fromId)) {
      const hash = hashOf(prev, row);
      await c.query("UPDATE audit_events SET prev_hash = $2, hash = $3, mac = $4 WHERE id = $1", [
        row.id,
        prev,
        hash,
        macOf(row),
      ]);
      prev = hash;
    } else prev = row.hash;
  }
}

/** Puts the trail back exactly as it was (the file's later tests start from an intact chain). */
async function restore(snapshot: RawEvent[]) {
  await asSuperuser(async (c) => {
    await c.query("DELETE FROM audit_events");
    for (const e of snapshot) {
      await c.query(
        `INSERT INTO audit_events (id, occurred_at, actor_id, actor_label, action, entity_type, entity_id, request_id,
           before, after, correlation_id, prev_hash, hash, mac) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
        [
          e.id,
          e.occurred_at,
          e.actor_id,
          e.actor_label,
          e.action,
          e.entity_type,
          e.entity_id,
          e.request_id,
          e.before === null ? null : JSON.stringify(e.before),
          e.after === null ? null : JSON.stringify(e.after),
          e.correlation_id,
          e.prev_hash,
          e.hash,
          e.mac,
        ],
      );
    }
  });
  expect(await verifyAuditChain()).toMatchObject({ intact: true });
}

async function appendKeyed(n: number, tag: string) {
  for (let i = 0; i < n; i++) {
    await recordStandaloneAuditEvent({
      actor: { kind: "system", name: "test" },
      action: "test.recorded",
      entityType: "test",
      entityId: `${tag}-${i}`,
      after: { n: i, tag },
      correlationId: `corr-${tag}-${i}`,
    });
  }
  // Sealed as the background sequencer would within its interval: what follows tampers with sealed events.
  await sealPendingAuditEvents({ waitMs: 5000 });
}

/** Events as they were written before the key existed: the same chain rule, no MAC. */
async function appendLegacy(n: number) {
  for (let i = 0; i < n; i++) {
    const last = await db.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { hash: true } });
    const prevHash = last?.hash ?? GENESIS_HASH;
    const content = {
      occurredAt: new Date(),
      actorId: null,
      actorLabel: "system:legacy",
      action: "legacy.recorded",
      entityType: "test",
      entityId: `legacy-${i}`,
      requestId: null,
      before: null,
      after: { i },
      correlationId: `legacy-${i}`,
    };
    await db.auditEvent.create({
      data: { ...content, before: undefined, prevHash, hash: auditEventHash(prevHash, content), mac: null },
    });
  }
}

describe("[AUDIT]: keyed chain and checkpoints outside the database", () => {
  it("keys every new event; events from before the key stay verifiable and are covered by the first keyed hash", async () => {
    expect(await db.auditEvent.count({ where: { mac: { not: null } } })).toBe(0);
    await appendLegacy(3);
    await appendKeyed(3, "a");
    const result = await verifyAuditChain();
    expect(result).toMatchObject({ intact: true, keyed: 3 });
    // A superuser rewrites a pre-key event and recomputes the whole unkeyed chain: the first keyed MAC no longer fits.
    const snapshot = await allEvents();
    const legacy = snapshot.find((e) => e.action === "legacy.recorded")!;
    const firstKeyed = snapshot.find((e) => e.mac !== null)!;
    await asSuperuser(async (c) => {
      await c.query(`UPDATE audit_events SET after = '{"i": 999}' WHERE id = $1`, [legacy.id]);
      await rehashFrom(c, legacy.id);
    });
    expect(await verifyAuditChain()).toMatchObject({ intact: false, brokenAt: firstKeyed.id, reason: /keyed MAC/ });
    await restore(snapshot);
  });

  it("reports a keyed event rewritten by a superuser with triggers off and the SHA-256 chain recomputed", async () => {
    await appendKeyed(4, "b");
    const snapshot = await allEvents();
    const target = snapshot.filter((e) => e.entity_id.startsWith("b-"))[1];
    await asSuperuser(async (c) => {
      await c.query(`UPDATE audit_events SET after = '{"n": 999, "tag": "b"}' WHERE id = $1`, [target.id]);
      await rehashFrom(c, target.id);
    });
    expect(await verifyAuditChain()).toMatchObject({ intact: false, brokenAt: target.id, reason: /keyed MAC/ });
    // `npm run audit:verify` says so too, naming the event, with exit code 1.
    const cli = await promisify(execFile)(
      process.execPath,
      [path.resolve("node_modules/tsx/dist/cli.mjs"), "--conditions=react-server", "scripts/audit-verify.ts"],
      { env: { ...process.env, NODE_ENV: "test" } },
    ).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`BROKEN at event #${target.id} (test.recorded by system:test`);
    await restore(snapshot);
  });

  it("with a published checkpoint, also catches stripped MACs, removed events and forged checkpoints", async () => {
    await appendKeyed(3, "c");
    const checkpoint = (await writeCheckpoint())!;
    expect(checkpoint).toMatchObject({ eventId: expect.any(String), keyedFrom: expect.any(String) });
    expect(await verifyAuditChain()).toMatchObject({ intact: true, checkpoints: 1 });
    const snapshot = await allEvents();

    // Strip every MAC and recompute: without the checkpoint this would pass as a pre-key chain.
    await asSuperuser((c) => rehashFrom(c, snapshot[0].id, () => null));
    expect(await verifyAuditChain()).toMatchObject({
      intact: false,
      brokenAt: checkpoint.keyedFrom,
      reason: /no keyed MAC/,
    });
    await restore(snapshot);

    // Remove the newest events (a clean cut leaves a chain that links and MACs correctly).
    await asSuperuser((c) => c.query("DELETE FROM audit_events WHERE id > $1", [snapshot.at(-3)!.id]));
    expect(await verifyAuditChain()).toMatchObject({
      intact: false,
      brokenAt: checkpoint.eventId,
      reason: /events were removed/,
    });
    await restore(snapshot);

    // A checkpoint edited to agree with a rewritten database no longer carries the key's MAC.
    const file = path.join(checkpointDir(), readdirSync(checkpointDir())[0]);
    const original = readFileSync(file, "utf8");
    writeFileSync(file, original.replace(checkpoint.hash, "f".repeat(64)));
    expect(await verifyAuditChain()).toMatchObject({ intact: false, reason: /not signed with the audit key/ });
    writeFileSync(file, original);
    expect(await verifyAuditChain()).toMatchObject({ intact: true, checkpoints: 1 });
  });

  it("writes a checkpoint once per head and never rewrites one", async () => {
    const first = await writeCheckpoint();
    expect(await writeCheckpoint()).toEqual(first);
    await appendKeyed(1, "d");
    const second = (await writeCheckpoint())!;
    expect(BigInt(second.eventId)).toBeGreaterThan(BigInt(first!.eventId));
    expect(second.keyedFrom).toBe(first!.keyedFrom);
    expect(readdirSync(checkpointDir())).toHaveLength(2);
  });
});
