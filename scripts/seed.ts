// npm run db:seed — idempotent. Adds the demo organisation (and, outside production, the demo history).
import "dotenv/config";
import { env } from "../lib/env";

async function main() {
  const e = env();
  if (!e.DATABASE_URL) {
    console.error(
      "DATABASE_URL is not set. `npm start` seeds the embedded database by itself; set DATABASE_URL to seed another server.",
    );
    process.exit(2);
  }
  const { db } = await import("../lib/db/client");
  const { seedDatabase } = await import("../prisma/seed/all");
  await seedDatabase(db, { demoHistory: e.NODE_ENV !== "production" && e.ATRIUM_DEMO_SEED !== false });
  await db.$disconnect();
  console.log("Seeded.");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
