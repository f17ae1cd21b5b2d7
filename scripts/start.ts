// `npm start` (production build) and `npm run dev` (next dev): the whole portal on its embedded defaults.
// Starts PostgreSQL (unless DATABASE_URL is set), applies migrations, seeds once, starts the ARM simulator
// (unless AZURE_MODE=azure) and the provisioning worker in this process, then the Next.js server.
// Ctrl-C stops everything cleanly.
import "dotenv/config";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync, statSync, readdirSync } from "node:fs";
import path from "node:path";
import { env, EnvError, localPersonasEnabled, localPersonasPermitted, portalUrl, reloadEnv } from "../lib/env";

const args = new Set(process.argv.slice(2));
const devMode = args.has("--dev");
const log = (message: string) => console.log(`[atrium] ${message}`);
const cleanups: Array<() => Promise<void> | void> = [];
let nextProcess: ChildProcess | undefined;
let stopping = false;

function localSecret(): string {
  const file = path.resolve(".data/auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function buildIsStale(distDir: string): boolean {
  const buildId = path.join(distDir, "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  return ["app", "components", "lib"].some((d) => newestMtime(d) > built);
}

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  log("Stopping…");
  if (nextProcess && nextProcess.exitCode === null) {
    nextProcess.kill("SIGTERM");
    await new Promise((resolve) => nextProcess!.once("exit", resolve));
  }
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      console.error(error);
    }
  }
  process.exit(code);
}

async function main() {
  let e = env();
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", CHECKPOINT_DISABLE: "1" };

  // Migrations run as the owner; the portal and its workers connect as the app's least-privilege role.
  let ownerUrl = e.DATABASE_MIGRATION_URL ?? e.DATABASE_URL;
  const ownDatabase = !!e.DATABASE_URL;
  if (!e.DATABASE_URL) {
    const { embeddedCheckpointDir, startEmbeddedPostgres } = await import("../lib/db/embedded");
    log(`Starting embedded PostgreSQL on 127.0.0.1:${e.EMBEDDED_PG_PORT} (data in ${e.EMBEDDED_PG_DIR})`);
    const embedded = await startEmbeddedPostgres({
      dir: e.EMBEDDED_PG_DIR,
      port: e.EMBEDDED_PG_PORT,
      database: e.EMBEDDED_PG_DATABASE,
      notice: log,
    });
    cleanups.push(() => embedded.stop());
    ownerUrl = embedded.ownerUrl;
    process.env.DATABASE_URL = childEnv.DATABASE_URL = embedded.url;
    if (!process.env.AUDIT_CHECKPOINT_DIR)
      process.env.AUDIT_CHECKPOINT_DIR = childEnv.AUDIT_CHECKPOINT_DIR = embeddedCheckpointDir(e.EMBEDDED_PG_DIR);
    // The embedded default on this machine is local mode: personas are on, also for the production build, but
    // only where lib/auth/local-personas.ts finds them harmless (no Entra ID, loopback http URL and listen address).
    if (process.env.ATRIUM_LOCAL_PERSONAS === undefined && localPersonasPermitted(e))
      process.env.ATRIUM_LOCAL_PERSONAS = childEnv.ATRIUM_LOCAL_PERSONAS = "1";
  } else {
    log("Using the PostgreSQL server in DATABASE_URL.");
  }
  if (!process.env.BETTER_AUTH_SECRET) {
    if (e.NODE_ENV === "production" && process.env.ATRIUM_LOCAL_PERSONAS !== "1") {
      throw new EnvError("BETTER_AUTH_SECRET must be set (32+ random characters) outside the embedded default.");
    }
    process.env.BETTER_AUTH_SECRET = childEnv.BETTER_AUTH_SECRET = localSecret();
  }
  // The audit key must live outside the database (lib/audit/README.md): configured, or generated into .data/ beside
  // the embedded database; a production deployment on its own server must bring it (e.g. from Key Vault).
  if (!process.env.AUDIT_HMAC_KEY) {
    if (e.NODE_ENV === "production" && ownDatabase && process.env.ATRIUM_LOCAL_PERSONAS !== "1") {
      throw new EnvError(
        "AUDIT_HMAC_KEY must be set (32+ random characters, e.g. from Key Vault) outside the embedded default.",
      );
    }
    const { ensureLocalAuditKey, LOCAL_AUDIT_KEY_FILE } = await import("../lib/audit/key");
    process.env.AUDIT_HMAC_KEY = childEnv.AUDIT_HMAC_KEY = ensureLocalAuditKey();
    log(`Audit key: ${LOCAL_AUDIT_KEY_FILE} (local default; use AUDIT_HMAC_KEY from a vault in production).`);
  }
  // Re-read configuration now that the launcher filled in what it owns.
  e = reloadEnv();

  const { deployDatabase } = await import("../lib/db/deploy");
  const { applied, appRole } = await deployDatabase(ownerUrl!, e.DATABASE_URL!);
  log(applied.length ? `Applied migrations: ${applied.join(", ")}` : "Database schema is up to date.");
  log(
    appRole
      ? `The portal connects as the least-privilege role ${appRole}.`
      : "Warning: migrations and the portal use the same database role; set DATABASE_MIGRATION_URL (see README, Security).",
  );

  const { db } = await import("../lib/db/client");
  const { isSeeded } = await import("../prisma/seed/organisation");
  if (!(await isSeeded(db))) {
    const { seedDatabase } = await import("../prisma/seed/all");
    log("First start: seeding the demo organisation and sample history.");
    await seedDatabase(db, { demoHistory: e.ATRIUM_DEMO_SEED !== false });
  }

  const { startAuditHousekeeping } = await import("../lib/audit/housekeeping");
  cleanups.push(startAuditHousekeeping(log));
  const { checkpointDir } = await import("../lib/audit/checkpoints");
  log(`Audit checkpoints are published to ${checkpointDir(e)} every minute.`);

  const { startPlatformServices } = await import("../lib/platform/services");
  const services = await startPlatformServices({ log, childEnv });
  cleanups.push(() => services.stop());

  const distDir = process.env.NEXT_DIST_DIR || ".next";
  const nextBin = path.resolve("node_modules/.bin/next");
  if (!devMode && (args.has("--build") || (!args.has("--no-build") && buildIsStale(distDir)))) {
    log("Building the portal (first start or changed sources)…");
    const build = spawnSync(nextBin, ["build"], { stdio: "inherit", env: { ...childEnv, NODE_ENV: "production" } });
    if (build.status !== 0) throw new Error("next build failed");
  }
  const host = process.env.HOST ?? "127.0.0.1";
  const processes = devMode ? 1 : e.WEB_CONCURRENCY;
  // WEB_CONCURRENCY > 1: several Next.js server processes behind one port (node:cluster), see scripts/serve-cluster.mjs.
  const [command, commandArgs] =
    processes > 1
      ? [process.execPath, [path.resolve("scripts/serve-cluster.mjs"), String(e.PORT), host, String(processes)]]
      : [nextBin, [devMode ? "dev" : "start", "-p", String(e.PORT), "-H", host]];
  nextProcess = spawn(command, commandArgs, {
    stdio: "inherit",
    env: { ...childEnv, NODE_ENV: devMode ? "development" : "production" },
  });
  nextProcess.once("exit", (code) => {
    if (!stopping) {
      log(`Next.js exited (${code}).`);
      void shutdown(code ?? 1);
    }
  });
  log(
    localPersonasEnabled({ ...e, NODE_ENV: devMode ? "development" : "production" })
      ? "Local personas are on (local mode): sign in as any seeded person, without a password."
      : "Local personas are off.",
  );
  log(
    `Atrium is starting at ${portalUrl(e)} — ${services.azureLabel}${processes > 1 ? `, ${processes} web processes` : ""}. Press Ctrl-C to stop.`,
  );
}

process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

main().catch(async (error) => {
  console.error(error instanceof EnvError ? error.message : error);
  await shutdown(1);
});
