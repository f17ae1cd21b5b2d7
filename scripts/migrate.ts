// npm run db:migrate | db:migrate:create -- <name> | db:migrate:status
import "dotenv/config";
import { createMigration, deployMigrations, migrationStatus } from "../lib/db/migrations";

async function main() {
  const [command, name] = process.argv.slice(2);
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error(
      "DATABASE_URL is not set. Set it to the PostgreSQL server to migrate (npm start sets it for the embedded database).",
    );
    process.exit(2);
  }
  if (command === "create") {
    const folder = await createMigration(name ?? "change", url);
    console.log(folder ? `Created prisma/migrations/${folder}` : "No schema changes; nothing created.");
    return;
  }
  if (command === "status") {
    console.log(JSON.stringify(await migrationStatus(url), null, 2));
    return;
  }
  const applied = await deployMigrations(url);
  console.log(
    applied.length ? `Applied ${applied.length} migration(s): ${applied.join(", ")}` : "Database is up to date.",
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
