// A seed script, over 600 lines on purpose: one generator per table of one consistent story, sharing the same random
// stream and clock; split apart they would have to pass that state around.
//
// `npm run seed:scale` (and the history tests): adds a large, realistic history — requests spread over two
// years and every team, their approvals, provisioning runs, workspaces, notifications and a hash-chained
// audit trail — with set-based inserts (unnest of arrays), never row by row.
//
// Audit events are appended in time order through a min-heap (a request's events span days, so events of
// consecutive requests interleave) and written in batches. Each batch takes the audit sequencer's advisory lock,
// reads the chain's last hash, reserves its ids from the sequence and inserts its rows in chain order, so the
// chain stays valid (`npm run audit:verify`) even while the portal writes events at the same time.
// Infrastructure for scripts and tests; not imported by the web app.
import { createHash, randomUUID } from "node:crypto";
import type { ClientBase } from "pg";
import { auditEventHash, auditEventMac, GENESIS_HASH } from "@/lib/audit/hash";
import { auditKey } from "@/lib/audit/key";
import { createPrng } from "@/lib/azure/simulator/prng";

// The same lock as lib/audit/sequencer.ts (not imported from there: that module is server-only and the Playwright
// journeys import this file).
const AUDIT_CHAIN_LOCK = 0x41_75_64_69; // the sequencer's lock (lib/audit/sequencer.ts): the seed seals as it writes
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export type ScaleSeedOptions = {
  requests: number;
  auditEvents: number;
  /** The history ends here (default: an hour ago) and starts `days` earlier (default: two years). */
  end?: Date;
  days?: number;
  seed?: number;
  requestBatch?: number;
  auditBatch?: number;
  log?: (message: string) => void;
};

export type ScaleSeedResult = {
  requests: number;
  auditEvents: number;
  approvals: number;
  runs: number;
  workspaces: number;
  notifications: number;
  ms: number;
};

type Org = {
  teams: {
    id: string;
    slug: string;
    costCenter: string;
    projects: { id: string; slug: string; costCenter: string }[];
    requesters: string[];
    mlops: string[];
  }[];
  admins: string[];
  stakeholders: string[];
  subscriptions: Record<string, string>;
  regions: string[];
};

type Outcome =
  "PROVISIONED" | "RETRIED" | "FAILED" | "REJECTED" | "CANCELLED" | "SUBMITTED" | "APPROVED" | "PROVISIONING";
type Env = "DEV" | "TEST" | "PROD";

type PlannedEvent = {
  at: number;
  actorId: string | null;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string; // "$request" / "$run1" / "$run2" / "$ws:<ENV>" placeholders resolved in pass 2
  before: unknown;
  after: unknown;
};

type PlannedRequest = {
  index: number;
  teamIndex: number;
  projectIndex: number | null;
  pattern: "TEAM" | "PROJECT";
  envs: Env[];
  region: string;
  requesterId: string;
  adminId: string;
  stakeholderId: string;
  retrierId: string;
  outcome: Outcome;
  createdAt: number;
  submittedAt: number;
  approvedAt: number | null;
  stakeholderAt: number | null;
  provisioningAt: number | null;
  provisionedAt: number | null;
  closedAt: number | null;
  costByEnv: Partial<Record<Env, number>>;
  events: PlannedEvent[];
};

function gauss(rand: () => number) {
  return Math.sqrt(-2 * Math.log(rand() || 1e-9)) * Math.cos(2 * Math.PI * rand());
}

const pick = <T>(rand: () => number, items: T[]): T => items[Math.floor(rand() * items.length)];
const TEAM_SPEED = [1, 1.6, 0.7, 1.2, 0.9];

// Only settled outcomes: generated requests must never wait in an approval queue or a provisioning worker
// (they carry no plan to approve or run). The in-flight outcomes stay in the type for partial histories.
function settledOutcome(u: number): Outcome {
  if (u < 0.06) return "REJECTED";
  if (u < 0.1) return "CANCELLED";
  if (u < 0.13) return "FAILED";
  if (u < 0.21) return "RETRIED";
  return "PROVISIONED";
}

function planRequest(
  i: number,
  n: number,
  start: number,
  span: number,
  end: number,
  org: Org,
  seed: number,
): PlannedRequest {
  const rand = createPrng(seed * 7919 + i * 104_729);
  const teamIndex = Math.floor(rand() * org.teams.length);
  const team = org.teams[teamIndex];
  const pattern = team.projects.length && rand() < 0.6 ? "PROJECT" : "TEAM";
  const projectIndex = pattern === "PROJECT" ? Math.floor(rand() * team.projects.length) : null;
  const envRoll = rand();
  const envs: Env[] =
    envRoll < 0.35
      ? ["DEV"]
      : envRoll < 0.6
        ? ["DEV", "TEST"]
        : envRoll < 0.85
          ? ["DEV", "TEST", "PROD"]
          : ["TEST", "PROD"];
  const region = pick(rand, org.regions);
  const requesterId = pick(rand, team.requesters);
  const admins = org.admins.filter((a) => a !== requesterId);
  const adminId = pick(rand, admins.length ? admins : org.admins);
  const stakeholders = org.stakeholders.filter((s) => s !== requesterId && s !== adminId);
  const stakeholderId = pick(rand, stakeholders.length ? stakeholders : org.stakeholders);
  const retrierId = pick(rand, team.mlops.length ? team.mlops : admins.length ? admins : org.admins);
  const submittedAt = Math.floor(start + ((i + rand()) / n) * span);
  const createdAt = submittedAt - Math.floor((0.2 + rand() * 48) * HOUR);
  const speed = TEAM_SPEED[teamIndex % TEAM_SPEED.length];
  const prod = envs.includes("PROD");

  const outcome = settledOutcome(rand());

  const costByEnv: Partial<Record<Env, number>> = {};
  for (const env of envs) {
    const base = env === "DEV" ? 180 + rand() * 520 : env === "TEST" ? 90 + rand() * 260 : 220 + rand() * 900;
    costByEnv[env] = Math.round(base * 100) / 100;
  }

  const requester = { actorId: requesterId, actorLabel: `user:${requesterId}` };
  const system = { actorId: null, actorLabel: "system:provisioner" };
  const events: PlannedEvent[] = [];
  const ev = (
    at: number,
    who: { actorId: string | null; actorLabel: string },
    action: string,
    entityType: string,
    entityId: string,
    before: unknown,
    after: unknown,
  ) => events.push({ at: Math.min(at, end), ...who, action, entityType, entityId, before, after });

  ev(createdAt, requester, "request.created", "request", "$request", null, { status: "DRAFT" });
  ev(submittedAt, requester, "request.submitted", "request", "$request", { status: "DRAFT" }, { status: "SUBMITTED" });

  let t = submittedAt;
  let approvedAt: number | null = null;
  let stakeholderAt: number | null = null;
  let provisioningAt: number | null = null;
  let provisionedAt: number | null = null;
  let closedAt: number | null = null;
  const decisionDelay = () => Math.max(0.1, Math.exp(Math.log(5 * speed) + 0.9 * gauss(rand))) * HOUR;

  if (outcome === "CANCELLED") {
    t += decisionDelay();
    closedAt = t;
    ev(t, requester, "request.cancelled", "request", "$request", { status: "SUBMITTED" }, { status: "CANCELLED" });
  } else if (outcome === "REJECTED") {
    t += decisionDelay();
    closedAt = t;
    ev(
      t,
      { actorId: adminId, actorLabel: `user:${adminId}` },
      "request.rejected",
      "request",
      "$request",
      { status: "SUBMITTED" },
      { status: "REJECTED", stage: "ADMIN" },
    );
  } else if (outcome !== "SUBMITTED") {
    t += decisionDelay();
    approvedAt = t;
    ev(
      t,
      { actorId: adminId, actorLabel: `user:${adminId}` },
      "request.approved",
      "request",
      "$request",
      { status: "SUBMITTED" },
      { status: "APPROVED", stage: "ADMIN" },
    );
    if (prod) {
      t += decisionDelay();
      stakeholderAt = t;
      approvedAt = t; // the request is approved when its last required approval is given
      ev(
        t,
        { actorId: stakeholderId, actorLabel: `user:${stakeholderId}` },
        "request.stakeholder_approved",
        "request",
        "$request",
        { status: "APPROVED" },
        { status: "STAKEHOLDER_APPROVED", stage: "STAKEHOLDER" },
      );
    }
    if (outcome !== "APPROVED") {
      t += (1 + rand() * 4) * 60_000;
      provisioningAt = t;
      ev(t, system, "request.provisioning_started", "provisioning_run", "$run1", null, { attempt: 1 });
      const steps: { key: string; env: Env }[] = [];
      for (const env of envs) {
        steps.push({ key: `${env.toLowerCase()}/resourceGroup`, env }, { key: `${env.toLowerCase()}/workspace`, env });
        if (env === "DEV") steps.push({ key: "dev/computeCluster", env });
      }
      const failAt = outcome === "FAILED" || outcome === "RETRIED" ? Math.floor(rand() * steps.length) : -1;
      let run = "$run1";
      for (let s = 0; s < steps.length; s++) {
        if (outcome === "PROVISIONING" && s >= steps.length / 2) break;
        t += (1 + rand() * 6) * 60_000 * speed;
        if (s === failAt) {
          ev(
            t,
            system,
            "provisioning.step_failed",
            "provisioning_step",
            steps[s].key,
            { status: "RUNNING" },
            { status: "FAILED", errorCode: "QuotaExceeded", runAttempt: 1 },
          );
          ev(
            t + 1000,
            system,
            "request.failed",
            "request",
            "$request",
            { status: "PROVISIONING" },
            { status: "FAILED", failedStep: steps[s].key },
          );
          if (outcome === "FAILED") {
            closedAt = t + 1000;
            break;
          }
          t += Math.max(0.2, Math.exp(Math.log(3 * speed) + gauss(rand))) * HOUR;
          ev(
            t,
            { actorId: retrierId, actorLabel: `user:${retrierId}` },
            "request.retried",
            "request",
            "$request",
            { status: "FAILED" },
            { status: "PROVISIONING", attempt: 2 },
          );
          run = "$run2";
          ev(t + 2000, system, "request.provisioning_started", "provisioning_run", run, null, { attempt: 2 });
          t += (1 + rand() * 6) * 60_000 * speed;
        }
        ev(
          t,
          system,
          "provisioning.step_succeeded",
          "provisioning_step",
          steps[s].key,
          { status: "RUNNING" },
          { status: "SUCCEEDED", runAttempt: run === "$run1" ? 1 : 2 },
        );
      }
      if (outcome === "PROVISIONED" || outcome === "RETRIED") {
        t += (1 + rand() * 3) * 60_000;
        provisionedAt = t;
        closedAt = t;
        ev(
          t,
          system,
          "request.provisioned",
          "request",
          "$request",
          { status: "PROVISIONING" },
          { status: "PROVISIONED" },
        );
      }
    }
  }
  for (const e of events) if (e.at > end) e.at = end;
  const clamp = (v: number | null) => (v === null ? null : Math.min(v, end));
  return {
    index: i,
    teamIndex,
    projectIndex,
    pattern,
    envs,
    region,
    requesterId,
    adminId,
    stakeholderId,
    retrierId,
    outcome,
    createdAt,
    submittedAt,
    approvedAt: clamp(approvedAt),
    stakeholderAt: clamp(stakeholderAt),
    provisioningAt: clamp(provisioningAt),
    provisionedAt: clamp(provisionedAt),
    closedAt: clamp(closedAt),
    costByEnv,
    events,
  };
}

const STATUS_OF: Record<Outcome, string> = {
  PROVISIONED: "PROVISIONED",
  RETRIED: "PROVISIONED",
  FAILED: "FAILED",
  REJECTED: "REJECTED",
  CANCELLED: "CANCELLED",
  SUBMITTED: "SUBMITTED",
  APPROVED: "APPROVED",
  PROVISIONING: "PROVISIONING",
};

type Column = { name: string; type: string; cast?: string };

async function insertUnnest(client: ClientBase, table: string, columns: Column[], rows: unknown[][]) {
  if (rows.length === 0) return;
  const params = columns.map((_, c) => rows.map((r) => r[c]));
  const unnest = columns.map((col, c) => `$${c + 1}::${col.type}[]`).join(", ");
  const aliases = columns.map((_, c) => `c${c}`).join(", ");
  const exprs = columns.map((col, c) => (col.cast ? `c${c}::${col.cast}` : `c${c}`)).join(", ");
  await client.query(
    `INSERT INTO ${table} (${columns.map((c) => `"${c.name}"`).join(", ")}) SELECT ${exprs} FROM unnest(${unnest}) AS u(${aliases})`,
    params,
  );
}

class MinHeap<T extends { at: number; seq: number }> {
  private items: T[] = [];
  get size() {
    return this.items.length;
  }
  peek(): T | undefined {
    return this.items[0];
  }
  push(item: T) {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.less(a[i], a[p])) {
        [a[i], a[p]] = [a[p], a[i]];
        i = p;
      } else break;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l], a[m])) m = l;
        if (r < a.length && this.less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
  private less(x: T, y: T) {
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }
}

type ReadyEvent = {
  at: number;
  seq: number;
  actorId: string | null;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string;
  requestId: string;
  before: unknown;
  after: unknown;
  correlationId: string;
};

async function loadOrg(client: ClientBase): Promise<Org> {
  const teams = (
    await client.query<{ id: string; slug: string; cost_center: string }>(
      `SELECT id::text, slug, cost_center FROM teams ORDER BY slug`,
    )
  ).rows;
  if (teams.length === 0) throw new Error("The database has no teams: seed the organisation first (npm run db:seed).");
  const projects = (
    await client.query<{ id: string; slug: string; cost_center: string; team_id: string }>(
      `SELECT id::text, slug, cost_center, team_id::text FROM projects ORDER BY slug`,
    )
  ).rows;
  const members = (
    await client.query<{ user_id: string; team_id: string; roles: string[] }>(
      `SELECT m.user_id, m.team_id::text, u.roles::text[] AS roles FROM team_memberships m JOIN users u ON u.id = m.user_id WHERE NOT u.disabled ORDER BY m.user_id`,
    )
  ).rows;
  const people = (
    await client.query<{ id: string; roles: string[] }>(
      `SELECT id, roles::text[] AS roles FROM users WHERE NOT disabled ORDER BY id`,
    )
  ).rows;
  const subs = (
    await client.query<{ environment: string; subscription_id: string }>(
      `SELECT environment::text, subscription_id FROM environment_subscriptions`,
    )
  ).rows;
  const settings = (
    await client.query<{ allowed_regions: string[] }>(`SELECT allowed_regions FROM portal_settings WHERE id = 1`)
  ).rows[0];
  const admins = people.filter((p) => p.roles.includes("ADMIN")).map((p) => p.id);
  const stakeholders = people.filter((p) => p.roles.includes("STAKEHOLDER")).map((p) => p.id);
  if (!admins.length || !stakeholders.length)
    throw new Error("Seeding at scale needs at least one admin and one stakeholder.");
  return {
    teams: teams
      .map((t) => ({
        id: t.id,
        slug: t.slug,
        costCenter: t.cost_center,
        projects: projects
          .filter((p) => p.team_id === t.id)
          .map((p) => ({ id: p.id, slug: p.slug, costCenter: p.cost_center })),
        requesters: members.filter((m) => m.team_id === t.id && m.roles.includes("REQUESTER")).map((m) => m.user_id),
        mlops: members.filter((m) => m.team_id === t.id && m.roles.includes("MLOPS")).map((m) => m.user_id),
      }))
      .filter((t) => t.requesters.length > 0),
    admins,
    stakeholders,
    subscriptions: Object.fromEntries(subs.map((s) => [s.environment, s.subscription_id])),
    regions: settings?.allowed_regions?.length ? settings.allowed_regions : ["westeurope"],
  };
}

export async function seedScale(client: ClientBase, options: ScaleSeedOptions): Promise<ScaleSeedResult> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const n = options.requests;
  const end = (options.end ?? new Date(Date.now() - HOUR)).getTime();
  const span = (options.days ?? 730) * DAY;
  const start = end - span;
  const seed = options.seed ?? 42;
  const requestBatch = options.requestBatch ?? 2000;
  const auditBatch = options.auditBatch ?? 10_000;
  const org = await loadOrg(client);
  // Scope slugs (and so workspace names and ARM ids) stay unique when a database is seeded more than once.
  const runTag = randomUUID().slice(0, 4);
  if (org.teams.length === 0)
    throw new Error("No team has a requester: seed the organisation first (npm run db:seed).");

  // Pass 1: count the events the requests imply; the rest of the target becomes periodic verification
  // events (the provisioner's drift checks) of provisioned workspace sets, so the total is exact.
  let base = 0;
  let provisioned = 0;
  for (let i = 0; i < n; i++) {
    const p = planRequest(i, n, start, span, end, org, seed);
    base += p.events.length;
    if (p.provisionedAt !== null) provisioned++;
  }
  const deficit = Math.max(0, options.auditEvents - base);
  const extraEach = provisioned ? Math.floor(deficit / provisioned) : 0;
  const extraRemainder = provisioned ? deficit % provisioned : 0;
  if (options.auditEvents < base)
    log(`Requests imply ${base} audit events, more than the ${options.auditEvents} asked for; writing ${base}.`);

  const result: ScaleSeedResult = {
    requests: 0,
    auditEvents: 0,
    approvals: 0,
    runs: 0,
    workspaces: 0,
    notifications: 0,
    ms: 0,
  };
  const heap = new MinHeap<ReadyEvent>();
  let seq = 0;
  let pendingAudit: ReadyEvent[] = [];

  const flushAudit = async (events: ReadyEvent[]) => {
    if (events.length === 0) return;
    await client.query("BEGIN");
    try {
      await client.query("SELECT pg_advisory_xact_lock($1::bigint)", [AUDIT_CHAIN_LOCK]);
      const last = await client.query<{ hash: string }>(
        "SELECT hash FROM audit_events WHERE hash IS NOT NULL ORDER BY seq DESC LIMIT 1",
      );
      let prev = last.rows[0]?.hash ?? GENESIS_HASH;
      const ids = (
        await client.query<{ id: string }>(
          `SELECT nextval(pg_get_serial_sequence('audit_events', 'id'))::text AS id FROM generate_series(1, $1::int)`,
          [events.length],
        )
      ).rows
        .map((r) => BigInt(r.id))
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const rows: unknown[][] = [];
      const key = auditKey();
      for (let k = 0; k < events.length; k++) {
        const e = events[k];
        const occurredAt = new Date(e.at);
        const hash = auditEventHash(prev, {
          occurredAt,
          actorId: e.actorId,
          actorLabel: e.actorLabel,
          action: e.action,
          entityType: e.entityType,
          entityId: e.entityId,
          requestId: e.requestId,
          before: e.before,
          after: e.after,
          correlationId: e.correlationId,
        });
        rows.push([
          ids[k].toString(),
          occurredAt,
          e.actorId,
          e.actorLabel,
          e.action,
          e.entityType,
          e.entityId,
          e.requestId,
          e.before === null ? null : JSON.stringify(e.before),
          e.after === null ? null : JSON.stringify(e.after),
          e.correlationId,
          prev,
          hash,
          key ? auditEventMac(key.bytes, hash) : null,
          ids[k].toString(),
          occurredAt,
        ]);
        prev = hash;
      }
      await insertUnnest(
        client,
        "audit_events",
        [
          { name: "id", type: "bigint" },
          { name: "occurred_at", type: "timestamptz" },
          { name: "actor_id", type: "text" },
          { name: "actor_label", type: "text" },
          { name: "action", type: "text" },
          { name: "entity_type", type: "text" },
          { name: "entity_id", type: "text" },
          { name: "request_id", type: "uuid" },
          { name: "before", type: "jsonb" },
          { name: "after", type: "jsonb" },
          { name: "correlation_id", type: "text" },
          { name: "prev_hash", type: "text" },
          { name: "hash", type: "text" },
          { name: "mac", type: "text" },
          // Sealed as written (the seed holds the sequencer's lock): chain position = id.
          { name: "seq", type: "bigint" },
          { name: "sealed_at", type: "timestamptz" },
        ],
        rows,
      );
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    }
    result.auditEvents += events.length;
  };

  const drainUntil = async (until: number) => {
    while (heap.size && heap.peek()!.at <= until) {
      pendingAudit.push(heap.pop()!);
      if (pendingAudit.length >= auditBatch) {
        const batch = pendingAudit;
        pendingAudit = [];
        await flushAudit(batch);
        if (result.auditEvents % 100_000 < auditBatch)
          log(`  ${result.auditEvents.toLocaleString("en-US")} audit events`);
      }
    }
  };

  let provisionedRank = 0;
  let requestRows: unknown[][] = [];
  let approvalRows: unknown[][] = [];
  let runRows: unknown[][] = [];
  let workspaceRows: unknown[][] = [];
  let notificationRows: unknown[][] = [];

  const flushRequests = async () => {
    await insertUnnest(
      client,
      "workspace_requests",
      [
        { name: "id", type: "uuid" },
        { name: "status", type: "text", cast: '"RequestStatus"' },
        { name: "version", type: "int" },
        { name: "requester_id", type: "text" },
        { name: "pattern", type: "text", cast: '"OrgPattern"' },
        { name: "team_id", type: "uuid" },
        { name: "project_id", type: "uuid" },
        { name: "scope_slug", type: "text" },
        { name: "environments", type: "text", cast: '"Environment"[]' },
        { name: "visibility", type: "text", cast: '"NetworkVisibility"' },
        { name: "restriction", type: "text", cast: '"AccessRestriction"' },
        { name: "region", type: "text" },
        { name: "git_repository_url", type: "text" },
        { name: "cost_center", type: "text" },
        { name: "justification", type: "text" },
        { name: "draft_step", type: "int" },
        { name: "plan_hash", type: "text" },
        { name: "estimated_monthly_usd", type: "numeric" },
        { name: "rejection_reason", type: "text" },
        { name: "created_at", type: "timestamptz" },
        { name: "updated_at", type: "timestamptz" },
        { name: "submitted_at", type: "timestamptz" },
        { name: "approved_at", type: "timestamptz" },
        { name: "provisioning_at", type: "timestamptz" },
        { name: "provisioned_at", type: "timestamptz" },
        { name: "closed_at", type: "timestamptz" },
      ],
      requestRows,
    );
    await insertUnnest(
      client,
      "approvals",
      [
        { name: "id", type: "uuid" },
        { name: "request_id", type: "uuid" },
        { name: "stage", type: "text", cast: '"ApprovalStage"' },
        { name: "decision", type: "text", cast: '"ApprovalDecision"' },
        { name: "approver_id", type: "text" },
        { name: "plan_hash", type: "text" },
        { name: "comment", type: "text" },
        { name: "created_at", type: "timestamptz" },
      ],
      approvalRows,
    );
    await insertUnnest(
      client,
      "provisioning_runs",
      [
        { name: "id", type: "uuid" },
        { name: "request_id", type: "uuid" },
        { name: "attempt", type: "int" },
        { name: "status", type: "text", cast: '"RunStatus"' },
        { name: "triggered_by_id", type: "text" },
        { name: "failed_step_key", type: "text" },
        { name: "error_code", type: "text" },
        { name: "error_message", type: "text" },
        { name: "created_at", type: "timestamptz" },
        { name: "started_at", type: "timestamptz" },
        { name: "finished_at", type: "timestamptz" },
      ],
      runRows,
    );
    await insertUnnest(
      client,
      "workspaces",
      [
        { name: "id", type: "uuid" },
        { name: "request_id", type: "uuid" },
        { name: "environment", type: "text", cast: '"Environment"' },
        { name: "arm_id", type: "text" },
        { name: "name", type: "text" },
        { name: "region", type: "text" },
        { name: "scope_slug", type: "text" },
        { name: "team_id", type: "uuid" },
        { name: "project_id", type: "uuid" },
        { name: "status", type: "text", cast: '"WorkspaceStatus"' },
        { name: "monthly_usd", type: "numeric" },
        { name: "created_at", type: "timestamptz" },
      ],
      workspaceRows,
    );
    await insertUnnest(
      client,
      "notifications",
      [
        { name: "id", type: "uuid" },
        { name: "user_id", type: "text" },
        { name: "kind", type: "text" },
        { name: "title", type: "text" },
        { name: "body", type: "text" },
        { name: "request_id", type: "uuid" },
        { name: "read_at", type: "timestamptz" },
        { name: "created_at", type: "timestamptz" },
      ],
      notificationRows,
    );
    result.requests += requestRows.length;
    result.approvals += approvalRows.length;
    result.runs += runRows.length;
    result.workspaces += workspaceRows.length;
    result.notifications += notificationRows.length;
    requestRows = [];
    approvalRows = [];
    runRows = [];
    workspaceRows = [];
    notificationRows = [];
  };

  // Pass 2: the same requests (same PRNG), now with ids, rows and events.
  for (let i = 0; i < n; i++) {
    const p = planRequest(i, n, start, span, end, org, seed);
    const team = org.teams[p.teamIndex];
    const project = p.projectIndex === null ? null : team.projects[p.projectIndex];
    const id = randomUUID();
    const scope = `${project?.slug ?? team.slug}-h${runTag}${i.toString(36)}`;
    const planHash = createHash("sha256").update(id).digest("hex");
    const status = p.outcome === "APPROVED" && p.stakeholderAt !== null ? "STAKEHOLDER_APPROVED" : STATUS_OF[p.outcome];
    const d = (v: number | null) => (v === null ? null : new Date(v));
    const total = Math.round(Object.values(p.costByEnv).reduce((a, b) => a + (b ?? 0), 0) * 100) / 100;
    requestRows.push([
      id,
      status,
      p.events.length,
      p.requesterId,
      p.pattern,
      team.id,
      project?.id ?? null,
      scope,
      `{${p.envs.join(",")}}`,
      i % 3 === 0 ? "PRIVATE" : "PUBLIC",
      i % 4 === 0 ? "UNRESTRICTED" : "RESTRICTED",
      p.region,
      `https://github.com/contoso/${scope}.git`,
      project?.costCenter ?? team.costCenter,
      "Generated history for scale testing (npm run seed:scale).",
      5,
      planHash,
      total,
      p.outcome === "REJECTED" ? "Not enough justification for the requested compute." : null,
      d(p.createdAt),
      d(p.closedAt ?? p.provisioningAt ?? p.approvedAt ?? p.submittedAt),
      d(p.submittedAt),
      d(p.approvedAt),
      d(p.provisioningAt),
      d(p.provisionedAt),
      d(p.closedAt),
    ]);
    const adminDecision = p.events.find((e) => e.action === "request.approved" || e.action === "request.rejected");
    if (adminDecision) {
      approvalRows.push([
        randomUUID(),
        id,
        "ADMIN",
        p.outcome === "REJECTED" ? "REJECTED" : "APPROVED",
        p.adminId,
        planHash,
        p.outcome === "REJECTED" ? "Not enough justification for the requested compute." : "Looks good.",
        new Date(adminDecision.at),
      ]);
    }
    if (p.stakeholderAt !== null)
      approvalRows.push([
        randomUUID(),
        id,
        "STAKEHOLDER",
        "APPROVED",
        p.stakeholderId,
        planHash,
        "Budget confirmed.",
        new Date(p.stakeholderAt),
      ]);
    const runIds = { $run1: randomUUID(), $run2: randomUUID() };
    if (p.provisioningAt !== null) {
      const failed = p.events.find((e) => e.action === "provisioning.step_failed");
      const retried = p.events.find((e) => e.action === "request.retried");
      const runEnd = failed ? failed.at : p.provisionedAt;
      runRows.push([
        runIds.$run1,
        id,
        1,
        failed ? "FAILED" : p.provisionedAt ? "SUCCEEDED" : "RUNNING",
        p.adminId,
        failed?.entityId ?? null,
        failed ? "QuotaExceeded" : null,
        failed ? "Operation could not be completed as it results in exceeding approved quota." : null,
        d(p.provisioningAt),
        d(p.provisioningAt),
        d(runEnd),
      ]);
      if (retried)
        runRows.push([
          runIds.$run2,
          id,
          2,
          "SUCCEEDED",
          p.retrierId,
          null,
          null,
          null,
          new Date(retried.at),
          new Date(retried.at + 2000),
          d(p.provisionedAt),
        ]);
    }
    const workspaceIds: Partial<Record<Env, string>> = {};
    if (p.provisionedAt !== null) {
      for (const env of p.envs) {
        const wsId = randomUUID();
        workspaceIds[env] = wsId;
        const e = env.toLowerCase();
        const old = end - p.provisionedAt > 540 * DAY && i % 2 === 0;
        workspaceRows.push([
          wsId,
          id,
          env,
          `/subscriptions/${org.subscriptions[env] ?? "00000000-0000-0000-0000-000000000000"}/resourceGroups/rg-${scope}-${e}-${p.region}/providers/Microsoft.MachineLearningServices/workspaces/mlw-${scope}-${e}`,
          `mlw-${scope}-${e}`,
          p.region,
          scope,
          team.id,
          project?.id ?? null,
          old ? "DECOMMISSIONED" : "ACTIVE",
          p.costByEnv[env] ?? 0,
          d(p.provisionedAt),
        ]);
      }
    }
    const last = p.events[p.events.length - 1];
    if (["PROVISIONED", "RETRIED", "FAILED", "REJECTED"].includes(p.outcome)) {
      const label = `REQ for ${scope}`;
      notificationRows.push([
        randomUUID(),
        p.requesterId,
        last.action,
        `${label}: ${STATUS_OF[p.outcome].toLowerCase()}`,
        `Your request for ${scope} is ${STATUS_OF[p.outcome].toLowerCase()}.`,
        id,
        new Date(last.at + HOUR),
        new Date(last.at),
      ]);
    }

    const correlation = planHash.slice(0, 32);
    const resolve = (entityId: string) =>
      entityId === "$request"
        ? id
        : entityId === "$run1"
          ? runIds.$run1
          : entityId === "$run2"
            ? runIds.$run2
            : entityId;
    for (const e of p.events) {
      heap.push({
        at: e.at,
        seq: seq++,
        actorId: e.actorId,
        actorLabel: e.actorLabel,
        action: e.action,
        entityType: e.entityType,
        entityId: resolve(e.entityId),
        requestId: id,
        before: e.before,
        after: e.after,
        correlationId: correlation,
      });
    }
    if (p.provisionedAt !== null) {
      const extras = extraEach + (provisionedRank < extraRemainder ? 1 : 0);
      provisionedRank++;
      const envs = Object.entries(workspaceIds);
      for (let k = 0; k < extras; k++) {
        let at = p.provisionedAt + (k + 1) * 7 * DAY;
        if (at > end) at = Math.min(end, p.provisionedAt + (k + 1) * 60_000);
        const [env, wsId] = envs[k % envs.length];
        heap.push({
          at,
          seq: seq++,
          actorId: null,
          actorLabel: "system:verifier",
          action: "workspace.verified",
          entityType: "workspace",
          entityId: wsId!,
          requestId: id,
          before: null,
          after: { environment: env, drift: false },
          correlationId: correlation,
        });
      }
    }

    if (requestRows.length >= requestBatch) {
      await flushRequests();
      log(`  ${result.requests.toLocaleString("en-US")} requests`);
    }
    // Every later request starts at or after this submission, so everything before it is final.
    await drainUntil(p.submittedAt - 49 * HOUR);
  }
  await flushRequests();
  await drainUntil(Number.POSITIVE_INFINITY);
  await flushAudit(pendingAudit);
  pendingAudit = [];
  await client.query(
    "ANALYZE workspace_requests, audit_events, approvals, provisioning_runs, workspaces, notifications",
  );
  result.ms = Date.now() - started;
  return result;
}
