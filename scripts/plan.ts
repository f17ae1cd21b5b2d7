// `npm run -s plan -- <request.json>`: prints a request's provisioning plan as JSON on stdout, for
// platform engineers and automation. Members are given by e-mail and everything is resolved against
// the database (DATABASE_URL, or the embedded default that `npm start` uses).
//
// Output: {planHash, steps: [{id, environment, kind, name, resourceId, apiVersion, dependsOn, body}], cost: {monthlyTotal, byEnvironment}}
// Invalid input: exit code 2 and the wizard's field-level messages on stderr ("<field>: <message>").
import { config } from "dotenv";
import { readFileSync } from "node:fs";

config({ quiet: true });

// Keep stdout for the plan alone: anything a library logs goes to stderr.
const writeOut = process.stdout.write.bind(process.stdout);
console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);

const CLI_META = { requestId: "00000000-0000-0000-0000-000000000000", requestNumber: 0, requestedBy: "atrium-cli" };

function fail(code: number, lines: string[]): never {
  for (const line of lines) process.stderr.write(`${line}\n`);
  process.exit(code);
}

/** DATABASE_URL, else the embedded PostgreSQL (already running under `npm start`, or started here), migrated and seeded. */
async function connectDatabase(): Promise<() => Promise<void>> {
  const { connectCliDatabase } = await import("../lib/db/cli-database");
  const { url, stop } = await connectCliDatabase();
  const { deployMigrations } = await import("../lib/db/migrations");
  await deployMigrations(url);
  const { db } = await import("../lib/db/client");
  const { isSeeded } = await import("../lib/db/seed");
  if (!(await isSeeded(db))) {
    const { seedDatabase } = await import("../lib/db/seed-all");
    await seedDatabase(db, { demoHistory: false });
  }
  return stop;
}

async function main() {
  const file = process.argv[2];
  if (!file) fail(64, ["Usage: npm run -s plan -- <request.json>"]);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    fail(2, [`${file}: not a readable file (${(error as Error).message})`]);
  }
  // The same safe decoder as the portal's actions and API: no prototype keys, capped sizes, no control characters.
  const { decodeJson } = await import("../lib/validation/decode");
  const decoded = decodeJson(text);
  if (!decoded.ok) {
    fail(
      2,
      Object.entries(decoded.fieldErrors).flatMap(([field, messages]) => messages.map((m) => `${field || file}: ${m}`)),
    );
  }
  const raw = decoded.data;
  const stop = await connectDatabase();
  try {
    const { planRequest } = await import("../lib/requests/plan-context");
    const outcome = await planRequest(raw, CLI_META, { requesterTeamSlugs: null });
    if (!outcome.ok) {
      const lines = Object.entries(outcome.fieldErrors).flatMap(([field, messages]) =>
        messages.map((m) => `${field || "request"}: ${m}`),
      );
      process.exitCode = 2;
      for (const line of lines) process.stderr.write(`${line}\n`);
      return;
    }
    const output = {
      planHash: outcome.planHash,
      steps: outcome.plan.steps.map((s) => ({
        id: s.id,
        environment: s.environment,
        kind: s.kind,
        name: s.name,
        resourceId: s.resourceId,
        apiVersion: s.apiVersion,
        dependsOn: s.dependsOn,
        body: s.body,
      })),
      cost: { monthlyTotal: outcome.cost.monthlyTotal, byEnvironment: outcome.cost.byEnvironment },
    };
    writeOut(`${JSON.stringify(output, null, 2)}\n`);
  } finally {
    const { db } = await import("../lib/db/client");
    await db.$disconnect().catch(() => undefined);
    await stop();
  }
}

main().catch((error) => {
  fail(1, [`plan: ${(error as Error).message ?? String(error)}`]);
});
