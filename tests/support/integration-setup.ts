// Runs before every integration test file: gives the file its own database (cloned from the run's migrated
// and seeded template, dropped after the file), and stands in for the parts of a Next.js request that
// server actions read (headers, cookies, revalidation).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, inject, vi } from "vitest";
import { Client } from "pg";
import { requestContext } from "./request-context";

const adminUrl = inject("adminDatabaseUrl");
const template = inject("templateDatabase");
const appUrl = inject("appDatabaseUrl");
const name = `${template}_f${randomBytes(3).toString("hex")}`;

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
// The product connects as the app's least-privilege role, as it does in production; tests that must act as the
// database's superuser (to prove what the app role cannot do, or to tamper like an attacker) use SUPERUSER_DATABASE_URL.
const onClone = (base: string) => {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
};
process.env.DATABASE_URL = onClone(appUrl);
process.env.SUPERUSER_DATABASE_URL = onClone(adminUrl);
process.env.BETTER_AUTH_SECRET ??= "integration-tests-secret-0123456789abcdef";
process.env.ATRIUM_LOCAL_PERSONAS ??= "1";
// The audit key lives outside the database, as in production; checkpoints go to this file's own folder.
process.env.AUDIT_HMAC_KEY ??= "integration-tests-audit-key-0123456789abcdef";
const checkpointDir = mkdtempSync(path.join(tmpdir(), "atrium-audit-checkpoints-"));
process.env.AUDIT_CHECKPOINT_DIR = checkpointDir;

afterAll(async () => {
  // Any event enqueues notification deliveries, which opens this process's pg-boss producer: close it before the
  // database is dropped, or its pool logs the forced disconnects.
  const { stopProducer } = await import("@/lib/jobs/queue");
  await stopProducer();
  rmSync(checkpointDir, { recursive: true, force: true });
  await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
});

vi.mock("next/headers", () => ({
  headers: async () => requestContext.headers(),
  cookies: async () => requestContext.cookies(),
}));

vi.mock("next/cache", () => ({
  revalidatePath: () => {},
  revalidateTag: () => {},
  updateTag: () => {},
  refresh: () => {},
}));
