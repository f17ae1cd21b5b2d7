// Least-privilege database roles. The OWNER (whoever runs the migrations) owns every table; the APP role the web
// processes and workers connect as is neither superuser nor owner: it reads and writes the application's tables,
// may only INSERT and SELECT `audit_events` (and fill an unsealed event's seal columns once: lib/audit/sequencer.ts,
// enforced by the table's trigger), owns nothing in `public`, cannot set session_replication_role, disable
// triggers or COPY ... TO PROGRAM (those need superuser or ownership). Grants are applied at deploy time by the owner,
// for whatever role DATABASE_URL names, with default privileges so tables added by later migrations are covered too.
// Infrastructure for the launcher, scripts and tests; not imported by the web app.
import { Client } from "pg";
import { getConstructionPlans } from "pg-boss";

/** pg-boss's schema (the same name as lib/jobs/queue.ts's BOSS_SCHEMA, which imports server-only code). */
const BOSS_SCHEMA = "pgboss";

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * Creates (or re-asserts) the app's login role with a cluster administrator's connection. Safe when several
 * processes do it at once (test runs on a shared server): a concurrent CREATE ROLE is taken as "exists".
 */
export async function ensureAppRole(adminUrl: string, role: string, password: string) {
  const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${literal(password)}`;
  await withClient(adminUrl, async (client) => {
    try {
      await client.query(`CREATE ROLE ${ident(role)} ${attributes}`);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== "42710" && code !== "23505") throw error; // duplicate_object / unique_violation: it exists
    }
    // Two ALTERs of the same role at once fail with "tuple concurrently updated"; the other one did the same work.
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`ALTER ROLE ${ident(role)} ${attributes}`);
        return;
      } catch (error) {
        if (attempt >= 4 || (error as { code?: string }).code !== "XX000") throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
      }
    }
  });
}

/** The role a connection URL signs in as. */
export function roleOf(url: string): string {
  return decodeURIComponent(new URL(url).username) || "postgres";
}

/**
 * Run by the owner after the migrations: gives `appUrl`'s role exactly what the app needs, and hands it pg-boss's
 * schema (pg-boss creates one partition table per queue at run time, which only the owner of its tables may do).
 */
export async function grantAppRole(ownerUrl: string, appUrl: string) {
  const app = ident(roleOf(appUrl));
  await withClient(ownerUrl, async (client) => {
    await client.query("BEGIN");
    // Serialises concurrent deploys (several launchers starting at once) on this database.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('atrium.grant_app_role'))");
    await client.query(`
      REVOKE CREATE ON SCHEMA public FROM PUBLIC;
      GRANT USAGE ON SCHEMA public TO ${app};
      GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${app};
      GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${app};
      REVOKE ALL ON TABLE _prisma_migrations FROM ${app};
      REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE audit_events FROM ${app};
      GRANT UPDATE (seq, prev_hash, hash, mac, sealed_at) ON TABLE audit_events TO ${app};
      ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app};
      ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${app};
      CREATE SCHEMA IF NOT EXISTS ${BOSS_SCHEMA} AUTHORIZATION ${app};`);
    await client.query(handOverSchemaSql(BOSS_SCHEMA, roleOf(appUrl)));
    await client.query("COMMIT");
  });
  // pg-boss installs its tables as the app role (so the role owns them); its own CREATE SCHEMA would need the
  // database-wide CREATE privilege, hence the schema made above and createSchema: false.
  await withClient(appUrl, async (client) => {
    const { rows } = await client.query("SELECT to_regclass($1) IS NOT NULL AS installed", [`${BOSS_SCHEMA}.version`]);
    if (!rows[0].installed) await client.query(getConstructionPlans(BOSS_SCHEMA, { createSchema: false }));
  });
}

/**
 * Databases created before the roles existed have pg-boss's schema owned by the superuser that ran it: hand the
 * schema and everything in it to the app role (a no-op once done).
 */
function handOverSchemaSql(schema: string, role: string): string {
  return `DO $$
DECLARE r record; target oid := (SELECT oid FROM pg_roles WHERE rolname = ${literal(role)});
BEGIN
  IF (SELECT nspowner FROM pg_namespace WHERE nspname = ${literal(schema)}) <> target THEN
    EXECUTE format('ALTER SCHEMA %I OWNER TO %I', ${literal(schema)}, ${literal(role)});
  END IF;
  FOR r IN SELECT c.oid::regclass AS obj FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${literal(schema)} AND c.relkind IN ('r', 'p', 'v', 'm') AND c.relowner <> target LOOP
    EXECUTE format('ALTER TABLE %s OWNER TO %I', r.obj, ${literal(role)});
  END LOOP;
  FOR r IN SELECT c.oid::regclass AS obj FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${literal(schema)} AND c.relkind = 'S' AND c.relowner <> target LOOP
    EXECUTE format('ALTER SEQUENCE %s OWNER TO %I', r.obj, ${literal(role)});
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS obj FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = ${literal(schema)} AND p.proowner <> target LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO %I', r.obj, ${literal(role)});
  END LOOP;
  FOR r IN SELECT t.oid::regtype AS obj FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = ${literal(schema)} AND t.typtype IN ('e', 'd') AND t.typowner <> target LOOP
    EXECUTE format('ALTER TYPE %s OWNER TO %I', r.obj, ${literal(role)});
  END LOOP;
END $$;`;
}
