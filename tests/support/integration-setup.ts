// Runs before every integration test file: gives the file its own database (cloned from the run's migrated
// and seeded template, dropped after the file), and stands in for the parts of a Next.js request that
// server actions read (headers, cookies, revalidation).
import { randomBytes } from "node:crypto";
import { afterAll, inject, vi } from "vitest";
import { Client } from "pg";
import { requestContext } from "./request-context";

const adminUrl = inject("adminDatabaseUrl");
const template = inject("templateDatabase");
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
const url = new URL(adminUrl);
url.pathname = `/${name}`;
process.env.DATABASE_URL = url.toString();
process.env.BETTER_AUTH_SECRET ??= "integration-tests-secret-0123456789abcdef";
process.env.ATRIUM_LOCAL_PERSONAS ??= "1";

afterAll(async () => {
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
