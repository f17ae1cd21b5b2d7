// npm run bench:web — the stakeholder history under load, on the scaled data set.
//
// 1. Prepares BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/atrium_bench on the local
//    server): migrations, the demo organisation and, unless it already holds them, 100,000 requests and
//    1,000,000 audit events (prisma/seed/scale.ts).
// 2. Builds the production portal into NEXT_DIST_DIR=.next-bench (unless that build is up to date) and starts
//    it with the launcher (`scripts/start.ts --no-build`) against that database, worker off.
// 3. Signs a stakeholder in through the persona picker in headless Chromium, then runs the load with 1, 4 and
//    BENCH_CLIENTS (default 20) concurrent clients in turn, each client a bounded loop over: the history page
//    unfiltered, the history filtered (team + environment, random), a random request's timeline page and the first
//    chunk of a CSV export. Times are wall-clock per request over loopback (server time plus a negligible local
//    hop); p50/p95 per kind and client count. The portal runs BENCH_WEB_CONCURRENCY (default 2) web processes.
// 4. Measures the history page's Largest Contentful Paint in Chromium (median of 5 loads).
// The last line of output is JSON: {history1ClientP95Ms, history4ClientsP95Ms, timeline4ClientsP95Ms,
// exportFirstChunk4ClientsP95Ms, requestsPerSecond (at BENCH_CLIENTS), historyLcpMs, ...every figure per client
// count}. Goals: 60, 150, 150, 150 ms, ≥ 80 requests/s, LCP ≤ 1000 ms.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Client } from "pg";
import { chromium } from "@playwright/test";

const DB_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/atrium_bench";
const PORT = Number(process.env.BENCH_PORT ?? 3171);
const BASE = `http://127.0.0.1:${PORT}`;
const DIST = ".next-bench";
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 20);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 10); // per client, each iteration = 4 requests
// Node.js processes serving the portal (the launcher's WEB_CONCURRENCY; 1 = plain `next start`).
const WEB_PROCESSES = Number(process.env.BENCH_WEB_CONCURRENCY ?? process.env.WEB_CONCURRENCY ?? 2);
const CLIENT_COUNTS = [...new Set([1, 4, CLIENTS])];
// The scale to measure at (and to seed up to); smaller on a machine where seeding a million events takes too long.
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100_000);
const AUDIT_EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 1_000_000);
const log = (m: string) => console.log(`[bench:web] ${m}`);

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

async function prepareDatabase() {
  const url = new URL(DB_URL);
  const name = url.pathname.slice(1);
  const admin = new URL(DB_URL);
  admin.pathname = "/postgres";
  const { ensureDatabase } = await import("../lib/db/embedded");
  await ensureDatabase(admin.toString(), name);
  const { deployMigrations } = await import("../lib/db/migrations");
  await deployMigrations(DB_URL);
  const { PrismaPg } = await import("@prisma/adapter-pg");
  const { PrismaClient } = await import("../generated/prisma/client");
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: DB_URL }) });
  const { isSeeded } = await import("../prisma/seed/organisation");
  if (!(await isSeeded(prisma))) {
    const { seedDatabase } = await import("../prisma/seed/all");
    await seedDatabase(prisma, { demoHistory: false });
  }
  await prisma.$disconnect();
  const client = new Client({ connectionString: DB_URL });
  await client.connect();
  try {
    const counts = (
      await client.query<{ requests: string; events: string }>(
        `SELECT (SELECT count(*) FROM workspace_requests) AS requests, (SELECT count(*) FROM audit_events) AS events`,
      )
    ).rows[0];
    if (Number(counts.requests) < REQUESTS || Number(counts.events) < AUDIT_EVENTS) {
      log(
        `Seeding ${REQUESTS.toLocaleString("en-US")} requests and ${AUDIT_EVENTS.toLocaleString("en-US")} audit events (a few minutes)…`,
      );
      const { seedScale } = await import("../prisma/seed/scale");
      await seedScale(client, { requests: REQUESTS, auditEvents: AUDIT_EVENTS, log });
    }
    await client.query("ANALYZE");
    const after = (
      await client.query<{ requests: string; events: string }>(
        `SELECT (SELECT count(*) FROM workspace_requests) AS requests, (SELECT count(*) FROM audit_events) AS events`,
      )
    ).rows[0];
    log(`Database: ${after.requests} requests, ${after.events} audit events.`);
    const ids = (
      await client.query<{ id: string }>(
        `SELECT id::text FROM workspace_requests WHERE submitted_at IS NOT NULL ORDER BY random() LIMIT 500`,
      )
    ).rows.map((r) => r.id);
    const teams = (await client.query<{ slug: string }>(`SELECT slug FROM teams ORDER BY slug`)).rows.map(
      (r) => r.slug,
    );
    return { ids, teams };
  } finally {
    await client.end();
  }
}

function build() {
  const buildId = path.join(DIST, "BUILD_ID");
  const stale =
    !existsSync(buildId) || ["app", "components", "lib"].some((d) => newestMtime(d) > statSync(buildId).mtimeMs);
  if (!stale) {
    log(`Reusing the production build in ${DIST}.`);
    return;
  }
  log(`Building the production portal into ${DIST}…`);
  const tsconfig = readFileSync("tsconfig.json", "utf8"); // next build rewrites it; leave it as it was
  const result = spawnSync("node_modules/.bin/next", ["build"], {
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NEXT_DIST_DIR: DIST, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  writeFileSync("tsconfig.json", tsconfig);
  if (result.status !== 0) {
    console.error(result.stdout.slice(-4000));
    throw new Error("next build failed");
  }
}

async function startPortal(): Promise<ChildProcess> {
  const child = spawn("node_modules/.bin/tsx", ["--conditions=react-server", "scripts/start.ts", "--no-build"], {
    detached: true,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: DB_URL,
      PORT: String(PORT),
      HOST: "127.0.0.1",
      ATRIUM_URL: BASE,
      ATRIUM_LOCAL_PERSONAS: "1",
      ATRIUM_WORKER_IN_PROCESS: "0",
      BETTER_AUTH_SECRET: randomBytes(32).toString("base64url"),
      ARM_SIMULATOR_PORT: String(Number(process.env.BENCH_SIMULATOR_PORT ?? 8571)),
      ARM_SIMULATOR_STATE_FILE: "",
      NEXT_DIST_DIR: DIST,
      NEXT_TELEMETRY_DISABLED: "1",
      WEB_CONCURRENCY: String(WEB_PROCESSES),
    },
  });
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the portal exited (${child.exitCode})`);
    try {
      const response = await fetch(`${BASE}/api/health`);
      if (response.ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error("the portal did not become healthy within 120 s");
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[rank] * 10) / 10;
}

type Kind = "history" | "historyFiltered" | "timeline" | "exportFirstChunk";

async function timed(url: string, cookie: string, firstChunkOnly: boolean): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { headers: { cookie }, redirect: "manual" });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  const reader = response.body!.getReader();
  if (firstChunkOnly) {
    const { value } = await reader.read();
    const elapsed = performance.now() - started;
    if (!value?.byteLength) throw new Error(`${url} sent an empty first chunk`);
    await reader.cancel();
    return elapsed;
  }
  for (;;) {
    const { done } = await reader.read();
    if (done) break;
  }
  return performance.now() - started;
}

async function main() {
  const { ids, teams } = await prepareDatabase();
  build();
  log(`Starting the portal (${WEB_PROCESSES} web process${WEB_PROCESSES > 1 ? "es" : ""})…`);
  const portal = await startPortal();
  const stop = () => {
    try {
      process.kill(-portal.pid!, "SIGTERM");
    } catch {
      // already gone
    }
  };
  process.on("exit", stop);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${BASE}/sign-in/local`);
    await page.getByRole("button", { name: /^Sign in as Hannah Schmidt/ }).click();
    await page.getByRole("navigation", { name: "Main" }).waitFor();
    const cookie = (await context.cookies(BASE)).map((c) => `${c.name}=${c.value}`).join("; ");

    const envs = ["DEV", "TEST", "PROD"];
    const urlFor = (kind: Kind, n: number) => {
      const team = teams[n % teams.length];
      const env = envs[Math.floor(n / teams.length) % envs.length];
      switch (kind) {
        case "history":
          return `${BASE}/history`;
        case "historyFiltered":
          return `${BASE}/history?team=${team}&env=${env}`;
        case "timeline":
          return `${BASE}/history/${ids[n % ids.length]}`;
        case "exportFirstChunk":
          return `${BASE}/history/export?team=${team}&format=csv`;
      }
    };
    const kinds: Kind[] = ["history", "historyFiltered", "timeline", "exportFirstChunk"];
    log("Warming up…");
    for (let n = 0; n < 3; n++)
      for (const kind of kinds) await timed(urlFor(kind, n), cookie, kind === "exportFirstChunk");

    type Figures = Record<Kind, number[]> & { seconds: number };
    const load = async (clients: number): Promise<Figures> => {
      log(
        `Load: ${clients} concurrent client${clients > 1 ? "s" : ""} × ${ITERATIONS} iterations × ${kinds.length} requests…`,
      );
      const samples = { history: [], historyFiltered: [], timeline: [], exportFirstChunk: [] } as Record<
        Kind,
        number[]
      >;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: clients }, async (_, c) => {
          for (let i = 0; i < ITERATIONS; i++) {
            for (let k = 0; k < kinds.length; k++) {
              const kind = kinds[(k + c) % kinds.length];
              samples[kind].push(await timed(urlFor(kind, c * ITERATIONS + i), cookie, kind === "exportFirstChunk"));
            }
          }
        }),
      );
      return { ...samples, seconds: (performance.now() - started) / 1000 };
    };
    const byClients = new Map<number, Figures>();
    for (const clients of CLIENT_COUNTS) byClients.set(clients, await load(clients));
    const count = (f: Figures) => kinds.reduce((t, k) => t + f[k].length, 0);
    const perClients: Record<string, number> = {};
    for (const [clients, f] of byClients) {
      const label = clients === 1 ? "1Client" : `${clients}Clients`;
      for (const kind of kinds) {
        perClients[`${kind}${label}P95Ms`] = percentile(f[kind], 95);
        perClients[`${kind}${label}P50Ms`] = percentile(f[kind], 50);
      }
      perClients[`requestsPerSecond${label}`] = Math.round((count(f) / f.seconds) * 10) / 10;
    }

    log("Largest Contentful Paint of /history…");
    const lcps: number[] = [];
    for (let i = 0; i < 6; i++) {
      const lcpPage = await context.newPage();
      await lcpPage.goto(`${BASE}/history`, { waitUntil: "load" });
      const lcp = await lcpPage.evaluate(
        () =>
          new Promise<number>((resolve) => {
            new PerformanceObserver((list) => {
              const entries = list.getEntries();
              resolve(entries[entries.length - 1].startTime);
            }).observe({ type: "largest-contentful-paint", buffered: true });
          }),
      );
      await lcpPage.close();
      if (i > 0) lcps.push(lcp); // the first load warms the browser's cache of fonts and scripts
    }

    const one = byClients.get(1)!;
    const four = byClients.get(4)!;
    const many = byClients.get(CLIENTS)!;
    const result = {
      history1ClientP95Ms: percentile(one.history, 95),
      history4ClientsP95Ms: percentile(four.history, 95),
      timeline4ClientsP95Ms: percentile(four.timeline, 95),
      exportFirstChunk4ClientsP95Ms: percentile(four.exportFirstChunk, 95),
      requestsPerSecond: Math.round((count(many) / many.seconds) * 10) / 10,
      historyLcpMs: percentile(lcps, 50),
      historyLcpMaxMs: Math.round(Math.max(...lcps)),
      clients: CLIENTS,
      webProcesses: WEB_PROCESSES,
      ...perClients,
    };
    await browser.close();
    stop();
    console.log(JSON.stringify(result));
  } catch (error) {
    await browser.close();
    stop();
    throw error;
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  },
);
