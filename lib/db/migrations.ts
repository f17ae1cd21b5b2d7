// Applies and creates Prisma migrations offline, through Prisma's published WASM schema engine.
// Keeps Prisma's standard layout (prisma/migrations/<timestamp>_<name>/migration.sql, migration_lock.toml)
// and the standard `_prisma_migrations` table, so `prisma migrate deploy` works where the native engine exists.
// Infrastructure for scripts and the launcher; not imported by the web app.
import { readFileSync, readdirSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

const root = process.cwd();
const schemaPath = path.join(root, "prisma", "schema.prisma");
const migrationsDir = path.join(root, "prisma", "migrations");
const SNAPSHOT = "schema.snapshot.prisma";
const filters = { externalTables: [], externalEnums: [] };

type Engine = {
  applyMigrations(input: unknown): Promise<{ appliedMigrationNames: string[] }>;
  diagnoseMigrationHistory(input: unknown): Promise<Record<string, unknown>>;
  diff(input: unknown): Promise<{ exitCode: number; stdout: string | null }>;
  free(): void;
};

async function loadEngine(databaseUrl: string): Promise<Engine> {
  const glue = await import("@prisma/schema-engine-wasm/schema_engine_bg");
  const require = createRequire(import.meta.url);
  const wasmPath = path.join(path.dirname(require.resolve("@prisma/schema-engine-wasm")), "schema_engine_bg.wasm");
  const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasmPath)), {
    "./schema_engine_bg.js": glue as unknown as WebAssembly.ModuleImports,
  });
  const exports = instance.exports as unknown as { __wbindgen_start: () => void };
  (glue as unknown as { __wbg_set_wasm: (e: unknown) => void }).__wbg_set_wasm(instance.exports);
  exports.__wbindgen_start();
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString: databaseUrl }));
  const schemaText = readFileSync(schemaPath, "utf8");
  return (await (glue as unknown as { SchemaEngine: { new: (...a: unknown[]) => Promise<Engine> } }).SchemaEngine.new(
    { datamodels: [[schemaPath, schemaText]] },
    () => {},
    adapter,
  )) as Engine;
}

export function migrationFolders(): string[] {
  if (!existsSync(migrationsDir)) return [];
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(migrationsDir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort();
}

function migrationsList() {
  const lockPath = path.join(migrationsDir, "migration_lock.toml");
  return {
    baseDir: migrationsDir,
    lockfile: { path: "migration_lock.toml", content: existsSync(lockPath) ? readFileSync(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: migrationFolders().map((name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: { tag: "ok", value: readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8") },
      },
    })),
  };
}

/** Applies every pending migration; returns the names applied now. */
export async function deployMigrations(databaseUrl: string): Promise<string[]> {
  const engine = await loadEngine(databaseUrl);
  try {
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList: migrationsList(), filters });
    return appliedMigrationNames;
  } finally {
    engine.free();
  }
}

export async function migrationStatus(databaseUrl: string) {
  const engine = await loadEngine(databaseUrl);
  try {
    return await engine.diagnoseMigrationHistory({
      migrationsList: migrationsList(),
      optInToShadowDatabase: false,
      filters,
    });
  } finally {
    engine.free();
  }
}

/**
 * Writes a new migration with the SQL that takes the previous migration's schema snapshot to the current
 * schema. Returns the folder name, or null when the schema has not changed.
 */
export async function createMigration(name: string, databaseUrl: string): Promise<string | null> {
  // The engine opens a connection on start-up even though a snapshot diff never queries it.
  const engine = await loadEngine(databaseUrl);
  try {
    const folders = migrationFolders();
    const previous = folders.length ? path.join(migrationsDir, folders[folders.length - 1], SNAPSHOT) : null;
    const current = readFileSync(schemaPath, "utf8");
    const from =
      previous && existsSync(previous)
        ? { tag: "schemaDatamodel", files: [{ path: schemaPath, content: readFileSync(previous, "utf8") }] }
        : { tag: "empty" };
    const result = await engine.diff({
      from,
      to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content: current }] },
      script: true,
      exitCode: null,
      filters,
    });
    const sql = (result.stdout ?? "").trim();
    if (!sql || sql === "-- This is an empty migration.") return null;
    const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
    const folder = `${stamp}_${name.replace(/[^a-z0-9_]/gi, "_").toLowerCase()}`;
    mkdirSync(path.join(migrationsDir, folder), { recursive: true });
    writeFileSync(path.join(migrationsDir, folder, "migration.sql"), sql + "\n");
    writeFileSync(path.join(migrationsDir, folder, SNAPSHOT), current);
    const lock = path.join(migrationsDir, "migration_lock.toml");
    if (!existsSync(lock)) {
      writeFileSync(
        lock,
        '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n',
      );
    }
    return folder;
  } finally {
    engine.free();
  }
}
