// Creates a fresh, migrated, seeded database for one test run, on DATABASE_URL's server or an embedded one.
import { randomBytes } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/generated/prisma/client";
import { deployMigrations } from "@/lib/db/migrations";
import { dropDatabase, ensureDatabase, startEmbeddedPostgres } from "@/lib/db/embedded";
import { seedOrganisation } from "@/lib/db/seed";

export type TestDatabase = { url: string; adminUrl: string; name: string; dispose: () => Promise<void> };

export async function createTestDatabase(prefix = "atrium_test"): Promise<TestDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  let adminUrl: string;
  let stopServer = async () => {};
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = "/postgres";
    adminUrl = url.toString();
  } else {
    const port = Number(process.env.TEST_EMBEDDED_PG_PORT ?? 5489);
    const server = await startEmbeddedPostgres({ dir: ".data/test-postgres", port, database: "postgres" });
    adminUrl = server.adminUrl;
    stopServer = server.stop;
  }
  await ensureDatabase(adminUrl, name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await deployMigrations(url.toString());
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url.toString() }) });
  await seedOrganisation(prisma);
  await prisma.$disconnect();
  return {
    url: url.toString(),
    adminUrl,
    name,
    dispose: async () => {
      await dropDatabase(adminUrl, name);
      await stopServer();
    },
  };
}
