// npm run db:migrate | db:migrate:create -- <name> | db:migrate:status
// Migrations run as the owner role: DATABASE_MIGRATION_URL, or DATABASE_URL when there is only one role. When both
// are set, `db:migrate` then grants DATABASE_URL's role exactly what the app needs (lib/db/roles.ts).
import "dotenv/config";
import { createMigration, migrationStatus } from "../lib/db/migrations";
import { deployDatabase } from "../lib/db/deploy";

async function main() {
  const [command, name] = process.argv.slice(2);
  const appUrl = process.env.DATABASE_URL;
  const url = process.env.DATABASE_MIGRATION_URL || appUrl;
  if (!url) {
    console.error(
      "DATABASE_URL is not set. Set it to the PostgreSQL server to migrate (npm start sets it for the embedded database); " +
        "with least-privilege roles, DATABASE_MIGRATION_URL is the owner that migrates and DATABASE_URL the app's role.",
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
  const { applied, appRole } = await deployDatabase(url, appUrl ?? url);
  console.log(
    applied.length ? `Applied ${applied.length} migration(s): ${applied.join(", ")}` : "Database is up to date.",
  );
  if (appRole) console.log(`Granted the app role ${appRole} its privileges.`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
