// For command-line tools: DATABASE_URL, or else the embedded PostgreSQL of `npm start` (used if it is
// running, started here if not). Tools connect as the app's role, like the portal. Returns how to stop what was started.
import { Client } from "pg";
import { env, reloadEnv } from "@/lib/env";
import { embeddedAppUrl, embeddedCheckpointDir, startEmbeddedPostgres } from "@/lib/db/embedded";

async function reachable(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function connectCliDatabase(): Promise<{ url: string; stop: () => Promise<void> }> {
  const e = env();
  if (e.DATABASE_URL) return { url: e.DATABASE_URL, stop: async () => undefined };
  let url = embeddedAppUrl({ dir: e.EMBEDDED_PG_DIR, port: e.EMBEDDED_PG_PORT, database: e.EMBEDDED_PG_DATABASE });
  let stop: () => Promise<void> = async () => undefined;
  if (!url || !(await reachable(url))) {
    const embedded = await startEmbeddedPostgres({
      dir: e.EMBEDDED_PG_DIR,
      port: e.EMBEDDED_PG_PORT,
      database: e.EMBEDDED_PG_DATABASE,
    });
    url = embedded.url;
    stop = embedded.stop;
    // Not started by the launcher: bring schema and grants up to date as the launcher would.
    const { deployDatabase } = await import("@/lib/db/deploy");
    await deployDatabase(embedded.ownerUrl, embedded.url);
  }
  process.env.DATABASE_URL = url;
  process.env.AUDIT_CHECKPOINT_DIR ??= embeddedCheckpointDir(e.EMBEDDED_PG_DIR);
  reloadEnv();
  return { url, stop };
}

/**
 * Migration folders not yet applied to `url` (an empty list when `_prisma_migrations` says the schema is
 * current). Read with one plain query, so a tool run in parallel with others takes no advisory lock
 * when there is nothing to migrate: the migration engine's lock is held by a pooled session that
 * outlives the migration, and a second run would wait for it.
 */
export async function pendingMigrations(url: string): Promise<string[]> {
  const { migrationFolders } = await import("@/lib/db/migrations");
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const applied = new Set(rows.map((r) => r.name));
    return migrationFolders().filter((name) => !applied.has(name));
  } catch (error) {
    // A database never migrated has no `_prisma_migrations` table: everything is pending.
    if ((error as { code?: string }).code === "42P01") return migrationFolders();
    // The app's least-privilege role cannot read the history: migrating is the owner's (DATABASE_MIGRATION_URL) job.
    if ((error as { code?: string }).code === "42501") return [];
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}
