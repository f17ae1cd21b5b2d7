// npm run seed:scale [-- --requests 100000 --audit-events 1000000]
// Adds a large history (requests over two years and every team, approvals, runs, workspaces, notifications
// and a valid hash-chained audit trail) to the database in DATABASE_URL, which must be migrated and seeded.
import "dotenv/config";
import { Client } from "pg";
import { seedScale } from "../prisma/seed/scale";

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer`);
  return value;
}

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error(
      "DATABASE_URL is not set. Point it at a migrated, seeded database (e.g. postgresql://postgres@127.0.0.1:5432/atrium).",
    );
    process.exit(2);
  }
  const requests = option("requests", 100_000);
  const auditEvents = option("audit-events", 1_000_000);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    console.log(
      `Adding ${requests.toLocaleString("en-US")} requests and ${auditEvents.toLocaleString("en-US")} audit events…`,
    );
    const result = await seedScale(client, { requests, auditEvents, log: (m) => console.log(m) });
    console.log(
      `Done in ${(result.ms / 1000).toFixed(1)} s: ${result.requests} requests, ${result.auditEvents} audit events, ${result.approvals} approvals, ` +
        `${result.runs} provisioning runs, ${result.workspaces} workspaces, ${result.notifications} notifications.`,
    );
  } finally {
    await client.end();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
