// `npm run -s plan -- <request.json>`: prints a request's provisioning plan as JSON on stdout, for
// platform engineers and automation. Members are given by e-mail and everything is resolved against
// the database (DATABASE_URL, or the embedded default that `npm start` uses).
//
// Output: {planHash, steps: [{id, environment, kind, name, resourceId, apiVersion, dependsOn, body}], cost: {monthlyTotal, byEnvironment}}
//
// `npm run -s plan -- --from current.json desired.json`: the change plan between two documents of one
// workspace set (its desired state now and after a change):
// {planHash, steps: [{op, id, environment, kind, name, resourceId, apiVersion, dependsOn, body}], costDelta,
//  changes, approval, warnings}
//
// Invalid input: exit code 2 and the wizard's field-level messages on stderr ("<field>: <message>", prefixed
// with the file in --from mode). Input is checked before the database is touched, and a database whose
// schema is current is not migrated, so runs in parallel never wait on each other's migration lock.
import { config } from "dotenv";
import { readFileSync } from "node:fs";
import type { PlanMeta, PlanOutcome } from "../lib/requests/plan-context";
import type { WorkspaceRequestInput } from "../lib/requests/schemas";

config({ quiet: true });

// Keep stdout for the plan alone: anything a library logs goes to stderr.
const writeOut = process.stdout.write.bind(process.stdout);
console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);

const CLI_META: PlanMeta = {
  requestId: "00000000-0000-0000-0000-000000000000",
  requestNumber: 0,
  requestedBy: "atrium-cli",
};
const USAGE = "Usage: npm run -s plan -- <request.json>  |  npm run -s plan -- --from <current.json> <desired.json>";

class InvalidInput extends Error {
  constructor(public readonly lines: string[]) {
    super(lines.join("\n"));
  }
}

const fieldLines = (errors: Record<string, string[]>, fallback: string, prefix = "") =>
  Object.entries(errors).flatMap(([field, messages]) => messages.map((m) => `${prefix}${field || fallback}: ${m}`));

/** Reads, decodes (the portal's safe decoder) and schema-checks one request document; no database. */
async function readRequest(file: string, prefix: string): Promise<{ raw: unknown; input: WorkspaceRequestInput }> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new InvalidInput([`${file}: not a readable file (${(error as Error).message})`]);
  }
  const { decodeJson } = await import("../lib/validation/decode");
  const decoded = decodeJson(text);
  if (!decoded.ok) throw new InvalidInput(fieldLines(decoded.fieldErrors, file, prefix));
  const { parseWith } = await import("../lib/validation/field-errors");
  const { workspaceRequestSchema } = await import("../lib/requests/schemas");
  const parsed = parseWith(workspaceRequestSchema, decoded.data);
  if (!parsed.ok) throw new InvalidInput(fieldLines(parsed.fieldErrors, "request", prefix));
  return { raw: decoded.data, input: parsed.data };
}

/** DATABASE_URL, else the embedded PostgreSQL (already running under `npm start`, or started here), migrated and seeded. */
async function connectDatabase(): Promise<() => Promise<void>> {
  const { connectCliDatabase, pendingMigrations } = await import("../lib/db/cli-database");
  const { url, stop } = await connectCliDatabase();
  // Migrations run as the owner role when one is configured. The migration engine takes a session advisory
  // lock: only ask for it when there is something to apply.
  const ownerUrl = process.env.DATABASE_MIGRATION_URL || url;
  if ((await pendingMigrations(ownerUrl)).length > 0) {
    const { deployMigrations } = await import("../lib/db/migrations");
    await deployMigrations(ownerUrl);
  }
  const { db } = await import("../lib/db/client");
  const { isSeeded } = await import("../prisma/seed/organisation");
  if (!(await isSeeded(db))) {
    const { seedDatabase } = await import("../prisma/seed/all");
    await seedDatabase(db, { demoHistory: false });
  }
  return stop;
}

async function withDatabase<T>(work: () => Promise<T>): Promise<T> {
  const stop = await connectDatabase();
  try {
    return await work();
  } finally {
    const { db } = await import("../lib/db/client");
    await db.$disconnect().catch(() => undefined);
    await stop();
  }
}

async function plan(raw: unknown, prefix: string): Promise<Extract<PlanOutcome, { ok: true }>> {
  const { planRequest } = await import("../lib/requests/plan-context");
  // The set's own workspaces would fail "one workspace per scope" in --from mode, so the rules run only for a new request.
  const outcome = await planRequest(raw, CLI_META, { requesterTeamSlugs: null, checkRules: prefix === "" });
  if (!outcome.ok) throw new InvalidInput(fieldLines(outcome.fieldErrors, "request", prefix));
  return outcome;
}

async function requestPlan(file: string) {
  const { raw } = await readRequest(file, "");
  const outcome = await withDatabase(() => plan(raw, ""));
  return {
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
}

async function changePlan(currentFile: string, desiredFile: string) {
  const [current, desired] = [
    await readRequest(currentFile, `${currentFile}: `),
    await readRequest(desiredFile, `${desiredFile}: `),
  ];
  const { buildChangePlan, ChangeValidationError, identityErrors } = await import("../lib/plan/change-request");
  const identity = (r: WorkspaceRequestInput) => ({
    pattern: r.pattern,
    team: r.team,
    project: r.pattern === "project" ? (r.project ?? null) : null,
    region: r.region,
    environments: r.environments,
  });
  const refused = identityErrors(identity(current.input), identity(desired.input));
  if (Object.keys(refused).length > 0) throw new InvalidInput(fieldLines(refused, "request", `${desiredFile}: `));
  const [a, b] = await withDatabase(async () => [
    await plan(current.raw, `${currentFile}: `),
    await plan(desired.raw, `${desiredFile}: `),
  ]);
  try {
    const change = buildChangePlan(a.planInput, b.planInput);
    return {
      planHash: change.planHash,
      steps: change.steps.map((s) => ({
        op: s.op,
        id: s.id,
        environment: s.environment,
        kind: s.kind,
        name: s.name,
        resourceId: s.resourceId,
        apiVersion: s.apiVersion,
        dependsOn: s.dependsOn,
        body: s.body,
        ...(s.deleteParameters ? { deleteParameters: s.deleteParameters } : {}),
        ...(s.warning ? { warning: s.warning } : {}),
      })),
      costDelta: change.costDelta,
      changes: change.changes,
      approval: { need: change.approval.need, appliedAtOnce: change.approval.appliedAtOnce },
      warnings: change.warnings,
    };
  } catch (error) {
    if (error instanceof ChangeValidationError)
      throw new InvalidInput(fieldLines(error.fieldErrors, "request", `${desiredFile}: `));
    throw error;
  }
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args[0] === "--from" ? args.length !== 3 : args.length !== 1) {
    process.stderr.write(`${USAGE}\n`);
    return 64;
  }
  try {
    const output = args[0] === "--from" ? await changePlan(args[1], args[2]) : await requestPlan(args[0]);
    writeOut(`${JSON.stringify(output, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof InvalidInput)) throw error;
    for (const line of error.lines) process.stderr.write(`${line}\n`);
    return 2;
  }
}

// Exit as soon as the answer is out: a pool or timer a library leaves behind must not keep the process
// (and, before this, the migration lock its session held) alive for seconds after the work is done.
main().then(
  (code) => process.stdout.write("", () => process.exit(code)),
  (error) => {
    process.stderr.write(`plan: ${(error as Error).message ?? String(error)}\n`);
    process.exit(1);
  },
);
