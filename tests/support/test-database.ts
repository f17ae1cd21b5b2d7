// Creates a fresh, migrated, seeded database for one test run, on DATABASE_URL's server or an embedded one.
// Deployed as production is: the server's superuser is the owner that migrates; `appUrl` signs in as the app's
// least-privilege role (lib/db/roles.ts), which the integration tests use for everything the product does.
import { randomBytes } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/generated/prisma/client";
import { deployDatabase } from "@/lib/db/deploy";
import { dropDatabase, ensureDatabase, startEmbeddedPostgres, EMBEDDED_APP_ROLE } from "@/lib/db/embedded";
import { ensureAppRole } from "@/lib/db/roles";
import { seedOrganisation } from "@/prisma/seed/organisation";

export type TestDatabase = {
  /** The server's superuser on this database (owner of its tables). */
  url: string;
  /** The app's role on this database. */
  appUrl: string;
  adminUrl: string;
  name: string;
  dispose: () => Promise<void>;
};

// On a shared server every test run uses the same role and password (roles are cluster-wide; runs overlap).
const TEST_APP_PASSWORD = "atrium-app-tests-only";

function onDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function createTestDatabase(prefix = "atrium_test"): Promise<TestDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  let adminUrl: string;
  let appServerUrl: string;
  let stopServer = async () => {};
  // Inside an integration test file DATABASE_URL is the app's role; the server's superuser is SUPERUSER_DATABASE_URL.
  const serverUrl = process.env.SUPERUSER_DATABASE_URL ?? process.env.DATABASE_URL;
  if (serverUrl) {
    adminUrl = onDatabase(serverUrl, "postgres");
    await ensureAppRole(adminUrl, EMBEDDED_APP_ROLE, TEST_APP_PASSWORD);
    const app = new URL(adminUrl);
    app.username = EMBEDDED_APP_ROLE;
    app.password = TEST_APP_PASSWORD;
    appServerUrl = app.toString();
  } else {
    const port = Number(process.env.TEST_EMBEDDED_PG_PORT ?? 5489);
    const server = await startEmbeddedPostgres({ dir: ".data/test-postgres", port, database: "postgres" });
    adminUrl = server.adminUrl;
    stopServer = server.stop;
    // The same test password as on a shared server: a test file that makes a database of its own (inside a run,
    // where SUPERUSER_DATABASE_URL points at this cluster) re-asserts the role with it, and every file's URL must match.
    await ensureAppRole(adminUrl, EMBEDDED_APP_ROLE, TEST_APP_PASSWORD);
    const app = new URL(server.url);
    app.password = TEST_APP_PASSWORD;
    appServerUrl = app.toString();
  }
  await ensureDatabase(adminUrl, name);
  const url = onDatabase(adminUrl, name);
  const appUrl = onDatabase(appServerUrl, name);
  await deployDatabase(url, appUrl);
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  await seedOrganisation(prisma);
  await prisma.$disconnect();
  return {
    url,
    appUrl,
    adminUrl,
    name,
    dispose: async () => {
      await dropDatabase(adminUrl, name);
      await stopServer();
    },
  };
}
