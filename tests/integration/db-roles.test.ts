// [DB-ROLES]: the role the portal and its workers connect as can neither rewrite the audit trail nor switch off what
// protects it, while a superuser (the attacker the keyed chain is for) could.
import { describe, expect, it } from "vitest";
import { Client } from "pg";
import { db } from "@/lib/db/client";
import { recordStandaloneAuditEvent } from "@/lib/audit/record-event";

async function asApp<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe("[DB-ROLES]: the app's database role", () => {
  it("is neither superuser nor owner of any table, and cannot create in public", async () => {
    const [role] = await db.$queryRaw<{ rolsuper: boolean; rolcreaterole: boolean; rolcreatedb: boolean }[]>`
      SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user`;
    expect(role).toEqual({ rolsuper: false, rolcreaterole: false, rolcreatedb: false });
    const owned = await db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user`;
    expect(Number(owned[0].n)).toBe(0);
    const [create] = await db.$queryRaw<{ ok: boolean }[]>`SELECT has_schema_privilege('public', 'CREATE') AS ok`;
    expect(create.ok).toBe(false);
  });

  it("may INSERT and SELECT audit_events but not UPDATE, DELETE or TRUNCATE them", async () => {
    await recordStandaloneAuditEvent({
      actor: { kind: "system", name: "test" },
      action: "test.recorded",
      entityType: "test",
      entityId: "roles",
      correlationId: "roles-1",
    });
    expect(await db.auditEvent.count({ where: { entityId: "roles" } })).toBe(1);
    await asApp(async (app) => {
      await expect(app.query("UPDATE audit_events SET action = 'x.changed'")).rejects.toThrow(/permission denied/);
      await expect(app.query("DELETE FROM audit_events")).rejects.toThrow(/permission denied/);
      await expect(app.query("TRUNCATE audit_events")).rejects.toThrow(/permission denied/);
    });
  });

  it("cannot switch off triggers, replication checks or reach the server's shell", async () => {
    await asApp(async (app) => {
      await expect(app.query("SET session_replication_role = replica")).rejects.toThrow(/permission denied/);
      await expect(app.query("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete")).rejects.toThrow(
        /must be owner/,
      );
      await expect(app.query("ALTER TABLE audit_events DISABLE TRIGGER ALL")).rejects.toThrow(/must be owner/);
      await expect(app.query("COPY (SELECT 1) TO PROGRAM 'true'")).rejects.toThrow(/pg_execute_server_program/);
      await expect(app.query("COPY audit_events TO '/tmp/atrium-audit.csv'")).rejects.toThrow(/pg_write_server_files/);
      await expect(app.query("CREATE TABLE public.sneaky (id int)")).rejects.toThrow(/permission denied/);
    });
  });

  it("reads and writes every other application table, including ones added by later migrations", async () => {
    const rows = await db.$queryRaw<{ table_name: string; ok: boolean }[]>`
      SELECT table_name,
        has_table_privilege(quote_ident(table_name), 'SELECT, INSERT, UPDATE, DELETE') AS ok
      FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
        AND table_name NOT IN ('audit_events', '_prisma_migrations')`;
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.filter((r) => !r.ok).map((r) => r.table_name)).toEqual([]);
    // Default privileges: a table the owner creates later (as a migration would) is usable at once.
    const owner = new Client({ connectionString: process.env.SUPERUSER_DATABASE_URL });
    await owner.connect();
    try {
      await owner.query("CREATE TABLE later_feature (id int primary key, note text)");
    } finally {
      await owner.end();
    }
    await asApp(async (app) => {
      await app.query("INSERT INTO later_feature VALUES (1, 'a')");
      await app.query("UPDATE later_feature SET note = 'b'");
      expect((await app.query("DELETE FROM later_feature")).rowCount).toBe(1);
    });
  });

  it("owns pg-boss's schema (queues are partition tables created at run time)", async () => {
    const [row] = await db.$queryRaw<{ owner: string; me: string }[]>`
      SELECT nspowner::regrole::text AS owner, current_user::text AS me FROM pg_namespace WHERE nspname = 'pgboss'`;
    expect(row.owner).toBe(row.me);
  });
});
