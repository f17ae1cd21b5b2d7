#!/usr/bin/env node
// `atrium`: the command-line client of Atrium's REST API v1. It talks only to the API (never to the database), so
// it works against any Atrium the caller can reach with a personal access token. Plain ESM with no dependencies:
// it starts fast and runs wherever Node.js 20 does. Exit codes are listed in USAGE (and in the README).
import { randomUUID } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const EXIT = { ok: 0, failed: 1, usage: 2, auth: 3, notFound: 4, conflict: 5, timeout: 6, unavailable: 7 };

const USAGE = `Usage: atrium <command> [options]

  login [--url URL] [--token TOKEN]        store the portal URL and a token (asks for the token on stdin if omitted)
  request create -f FILE [--submit]        create a request from a request document (JSON)
  request list [--status S] [--mine] [--limit N]
  request show ID
  request cancel ID
  request wait ID [--timeout SECONDS]      follow provisioning step by step until provisioned or failed
  approvals list                           my approval queue
  approve ID [--plan-hash H] [--comment C] approve the waiting stage (default: the plan hash shown now)
  reject ID --reason R [--plan-hash H]
  workspaces list | workspaces show ID
  workspace change ID -f FILE              ask for a change of a workspace set (JSON: what changes, baseVersion)
  workspace extend ID --days N [--reason R] extend a dev/test set's lease (ID: the workspace set's or a workspace's id);
                                           beyond the maximum it asks the admins (a change request)
  workspace drift ID [--scan] [--timeout SECONDS]
                                           a set's open drift (Azure vs the approved state); --scan scans now and
                                           waits for it; exits 1 when drift is open
  history export [--format csv|json] [--team T] [--status S] [--from YYYY-MM-DD] [--to YYYY-MM-DD]

Options: --json (machine-readable output), --url and --token (override the stored login; also ATRIUM_URL and
ATRIUM_TOKEN). The login is kept in $XDG_CONFIG_HOME/atrium/config.json (default ~/.config/atrium), mode 0600.

Exit codes: 0 success · 1 request wait ended failed/rejected/cancelled · 2 usage or invalid input (400/415/422) ·
3 not signed in or not allowed (401/403) · 4 not found (404) · 5 conflict or stale version (409/412) ·
6 timed out or rate limited (429) · 7 server or network unavailable`;

class CliError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function configFile() {
  const base = process.env.XDG_CONFIG_HOME || path.join(homedir(), ".config");
  return path.join(base, "atrium", "config.json");
}

function readConfig() {
  try {
    return JSON.parse(readFileSync(configFile(), "utf8"));
  } catch {
    return {};
  }
}

function writeConfig(config) {
  const file = configFile();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // an existing file keeps its old mode on write
  return file;
}

function connection(options) {
  const config = readConfig();
  const url = (options.url || process.env.ATRIUM_URL || config.url || "").replace(/\/+$/, "");
  const token = options.token || process.env.ATRIUM_TOKEN || config.token;
  if (!url || !token)
    throw new CliError(EXIT.auth, "Not logged in: run `atrium login` (or set ATRIUM_URL and ATRIUM_TOKEN).");
  return { url, token };
}

const STATUS_EXIT = { 400: EXIT.usage, 401: EXIT.auth, 403: EXIT.auth, 404: EXIT.notFound, 409: EXIT.conflict };
Object.assign(STATUS_EXIT, {
  412: EXIT.conflict,
  413: EXIT.usage,
  415: EXIT.usage,
  422: EXIT.usage,
  429: EXIT.timeout,
});

/** One API call; a problem response becomes a CliError with its detail and field errors. */
async function call(conn, method, apiPath, { body, headers = {} } = {}) {
  let response;
  try {
    response = await fetch(`${conn.url}/api/v1${apiPath}`, {
      method,
      headers: {
        authorization: `Bearer ${conn.token}`,
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new CliError(EXIT.unavailable, `Cannot reach ${conn.url}: ${error.cause?.message ?? error.message}`);
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const lines = [data?.detail ?? `${response.status} ${response.statusText}`];
    for (const [field, messages] of Object.entries(data?.errors ?? {})) {
      for (const m of messages) lines.push(`  ${field || "request"}: ${m}`);
    }
    if (response.status === 429) lines.push(`  retry after ${response.headers.get("retry-after")} s`);
    throw new CliError(STATUS_EXIT[response.status] ?? EXIT.unavailable, lines.join("\n"));
  }
  return { data, headers: response.headers };
}

// ---------------------------------------------------------------------------------------------------------------
// Output

function table(rows, columns) {
  if (rows.length === 0) return "(none)\n";
  const cells = rows.map((r) => columns.map(([, get]) => String(get(r) ?? "—")));
  const widths = columns.map(([title], i) => Math.max(title.length, ...cells.map((c) => c[i].length)));
  const line = (values) =>
    values
      .map((v, i) => v.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return `${[line(columns.map(([t]) => t)), ...cells.map(line)].join("\n")}\n`;
}

function print(options, data, human) {
  process.stdout.write(options.json ? `${JSON.stringify(data, null, 2)}\n` : human(data));
}

const usd = (v) => (v === null || v === undefined ? "—" : `$${Number(v).toFixed(2)}`);

function requestText(r) {
  const lines = [
    `${r.number}  ${r.status}  (id ${r.id}, version ${r.version})`,
    `scope        ${r.scope}${r.team ? ` · team ${r.team}` : ""}${r.project ? ` · project ${r.project}` : ""}`,
    `environments ${r.environments.join(", ")} in ${r.region ?? "—"}`,
    `requester    ${r.requester?.name ?? "—"} <${r.requester?.email ?? "—"}>`,
    `estimate     ${usd(r.estimatedMonthlyUsd)} a month`,
    `plan hash    ${r.planHash ?? "— (draft)"}`,
  ];
  if (r.latestRun) lines.push(`latest run   ${r.latestRun.id} (attempt ${r.latestRun.attempt}, ${r.latestRun.status})`);
  if (r.rejectionReason) lines.push(`rejected     ${r.rejectionReason}`);
  return `${lines.join("\n")}\n`;
}

const REQUEST_COLUMNS = [
  ["NUMBER", (r) => r.number],
  ["STATUS", (r) => r.status],
  ["SCOPE", (r) => r.scope],
  ["ENVIRONMENTS", (r) => r.environments.join(",")],
  ["REGION", (r) => r.region],
  ["MONTHLY", (r) => usd(r.estimatedMonthlyUsd)],
  ["ID", (r) => r.id],
];

// ---------------------------------------------------------------------------------------------------------------
// Commands

async function login(options) {
  const url = (options.url || process.env.ATRIUM_URL || readConfig().url || "http://localhost:3000").replace(
    /\/+$/,
    "",
  );
  let token = options.token || process.env.ATRIUM_TOKEN;
  if (!token) {
    process.stderr.write("Paste a personal access token (from the Tokens page) and press Enter: ");
    token = (await readStdin()).trim();
  }
  if (!/^atr_[A-Za-z0-9_-]{43}$/.test(token)) throw new CliError(EXIT.usage, "That is not an Atrium token (atr_…).");
  await call({ url, token }, "GET", "/requests?limit=1");
  const file = writeConfig({ url, token });
  print(options, { url, config: file }, () => `Logged in to ${url}; saved to ${file} (readable by you only).\n`);
}

function readStdin() {
  return new Promise((resolve) => {
    let text = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk) => {
      text += chunk;
      if (text.includes("\n")) {
        process.stdin.pause();
        resolve(text.split("\n")[0]);
      }
    });
    process.stdin.on("end", () => resolve(text));
  });
}

async function requestCommand(sub, args, options) {
  const conn = connection(options);
  if (sub === "create") {
    if (!options.file) throw new CliError(EXIT.usage, "request create needs -f FILE (a request document, JSON).");
    let document;
    try {
      document = JSON.parse(readFileSync(options.file, "utf8"));
    } catch (error) {
      throw new CliError(EXIT.usage, `${options.file}: not a readable JSON file (${error.message})`);
    }
    // A fresh Idempotency-Key per invocation: a proxy or network retry of this one POST cannot create two requests.
    const { data } = await call(conn, "POST", "/requests", {
      body: { ...document, ...(options.submit ? { submit: true } : {}) },
      headers: { "idempotency-key": randomUUID() },
    });
    return print(options, data, requestText);
  }
  if (sub === "list") {
    const query = new URLSearchParams({ limit: options.limit ?? "50" });
    if (options.status) query.set("status", options.status);
    if (options.mine) query.set("mine", "true");
    const { data } = await call(conn, "GET", `/requests?${query}`);
    return print(options, data, (d) => table(d.items, REQUEST_COLUMNS));
  }
  const id = args[0];
  if (!id) throw new CliError(EXIT.usage, `request ${sub} needs the request id.`);
  if (sub === "show") return print(options, (await call(conn, "GET", `/requests/${id}`)).data, requestText);
  if (sub === "cancel") {
    const current = await call(conn, "GET", `/requests/${id}`);
    const { data } = await call(conn, "POST", `/requests/${id}/cancel`, {
      headers: { "if-match": current.headers.get("etag") },
    });
    return print(options, data, requestText);
  }
  if (sub === "wait") return waitForRequest(conn, id, options);
  throw new CliError(EXIT.usage, `Unknown command: request ${sub}\n\n${USAGE}`);
}

const FINAL_OK = new Set(["provisioned"]);
const FINAL_BAD = new Set(["failed", "rejected", "cancelled"]);
const SYMBOL = { PENDING: "·", RUNNING: "…", SUCCEEDED: "✓", FAILED: "✗", CANCELLED: "-" };

function bar(counts, total, width = 30) {
  const done = (counts.SUCCEEDED ?? 0) + (counts.FAILED ?? 0) + (counts.CANCELLED ?? 0);
  const filled = total ? Math.round((done / total) * width) : 0;
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} steps`;
}

/** Polls the request, then its run; prints each step as its status changes and a progress bar as counts move. */
async function waitForRequest(conn, id, options) {
  const interval = Math.max(200, Number(options.interval ?? "1") * 1000);
  const deadline = Date.now() + Number(options.timeout ?? "3600") * 1000;
  const seen = new Map();
  let lastBar = "";
  for (;;) {
    const { data: request } = await call(conn, "GET", `/requests/${id}`);
    let run = null;
    if (request.latestRun) {
      run = (await call(conn, "GET", `/runs/${request.latestRun.id}`)).data;
      for (const step of run.steps) {
        if (seen.get(step.key) === step.status || step.status === "PENDING") continue;
        seen.set(step.key, step.status);
        if (!options.json) {
          const error = step.errorMessage ? ` — ${step.errorMessage}` : "";
          process.stdout.write(
            `${SYMBOL[step.status]} ${step.environment.padEnd(12)} ${step.kind.padEnd(22)} ${step.name} ${step.status}${error}\n`,
          );
        }
      }
      const line = bar(run.counts, run.steps.length);
      if (line !== lastBar && !options.json) process.stdout.write(`${line}\n`);
      lastBar = line;
    }
    const runFinal = !run || ["SUCCEEDED", "FAILED", "CANCELLED"].includes(run.status);
    if ((FINAL_OK.has(request.status) || FINAL_BAD.has(request.status)) && runFinal) {
      const ok = FINAL_OK.has(request.status);
      print(options, { id, status: request.status, run }, () => `${request.number} ${request.status}.\n`);
      if (!ok) process.exitCode = EXIT.failed;
      return;
    }
    if (Date.now() > deadline)
      throw new CliError(EXIT.timeout, `${request.number} is still ${request.status}; stopped waiting.`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

async function decide(kind, args, options) {
  const conn = connection(options);
  const id = args[0];
  if (!id) throw new CliError(EXIT.usage, `${kind} needs the request id.`);
  if (kind === "reject" && !options.reason)
    throw new CliError(EXIT.usage, "reject needs --reason (the requester reads it).");
  const current = await call(conn, "GET", `/requests/${id}`);
  const planHash = options["plan-hash"] ?? current.data.planHash;
  const body = kind === "approve" ? { planHash, comment: options.comment } : { planHash, reason: options.reason };
  const { data } = await call(conn, "POST", `/requests/${id}/${kind}`, {
    body,
    headers: { "if-match": current.headers.get("etag") },
  });
  print(
    options,
    { ...data, planHash },
    (d) =>
      `${current.data.number} ${d.status} (plan ${planHash})${d.runId ? `; provisioning run ${d.runId} queued` : ""}.\n`,
  );
}

async function approvals(sub, options) {
  if (sub !== "list") throw new CliError(EXIT.usage, `Unknown command: approvals ${sub ?? ""}\n\n${USAGE}`);
  const { data } = await call(connection(options), "GET", "/approvals");
  print(options, data, (d) =>
    table(d.items, [
      ["NUMBER", (r) => r.number],
      ["STAGE", (r) => r.stage],
      ["REQUESTER", (r) => r.requester],
      ["SCOPE", (r) => r.scope],
      ["ENVIRONMENTS", (r) => r.environments.join(",")],
      ["MONTHLY", (r) => usd(r.estimatedMonthlyUsd)],
      ["YOU MAY DECIDE", (r) => (r.canDecide ? "yes" : `no: ${r.whyNot}`)],
      ["ID", (r) => r.id],
    ]),
  );
}

async function workspaces(sub, args, options) {
  const conn = connection(options);
  if (sub === "list") {
    const { data } = await call(conn, "GET", `/workspaces?limit=${options.limit ?? "50"}`);
    return print(options, data, (d) =>
      table(d.items, [
        ["NAME", (w) => w.name],
        ["ENV", (w) => w.environment],
        ["REGION", (w) => w.region],
        ["STATUS", (w) => w.status],
        ["TEAM", (w) => w.team],
        ["MONTHLY", (w) => usd(w.monthlyUsd)],
        ["LEASE", (w) => leaseLeft(w)],
        ["ID", (w) => w.id],
      ]),
    );
  }
  if (sub === "show" && args[0]) {
    const { data } = await call(conn, "GET", `/workspaces/${args[0]}`);
    return print(
      options,
      data,
      (w) =>
        `${w.name} (${w.environment}, ${w.region}, ${w.status})\n${w.armId}\n\n${table(w.resources, [
          ["KIND", (r) => r.kind],
          ["NAME", (r) => r.name],
          ["STATUS", (r) => r.status],
        ])}`,
    );
  }
  throw new CliError(EXIT.usage, USAGE);
}

/** "12d 4h left", "expired", "-" (no lease: prod sets never have one). */
function leaseLeft(w) {
  if (!w.leaseExpiresAt) return "-";
  if (w.leaseStatus === "EXPIRED" || w.leaseStatus === "EXPIRING") return "expired";
  if (w.leaseStatus === "DECOMMISSIONING" || w.leaseStatus === "ENDED") return w.leaseStatus.toLowerCase();
  const ms = Date.parse(w.leaseExpiresAt) - Date.now();
  if (ms <= 0) return "expired";
  const h = Math.floor(ms / 3600_000);
  return h >= 24 ? `${Math.floor(h / 24)}d ${h % 24}h left` : `${h}h ${Math.floor((ms % 3600_000) / 60_000)}m left`;
}

async function extendLease(sub, args, options) {
  if (sub !== "extend" || !args[0]) throw new CliError(EXIT.usage, USAGE);
  const days = Number(options.days);
  if (!options.days || !Number.isInteger(days) || days < 1)
    throw new CliError(EXIT.usage, "workspace extend needs --days N (a whole number of days, at least 1).");
  const conn = connection(options);
  const body = { days, ...(options.reason ? { reason: options.reason } : {}) };
  const { data } = await call(conn, "POST", `/workspace-sets/${encodeURIComponent(args[0])}/lease/extend`, { body });
  return print(options, data, (d) =>
    d.applied
      ? `Lease extended: it now ends ${d.expiresAt}.`
      : `Beyond what owners may extend themselves: change request ${d.requestId} asks the admins for ${d.expiresAt}.`,
  );
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `workspace drift ID [--scan]`: the set's open drift; with --scan, a read-only scan first (waited for). */
async function workspaceDrift(args, options) {
  if (!args[0]) throw new CliError(EXIT.usage, "workspace drift needs the workspace set's (or a workspace's) id.");
  const conn = connection(options);
  const id = encodeURIComponent(args[0]);
  if (options.scan) {
    const { data: queued } = await call(conn, "POST", `/workspace-sets/${id}/drift-scans`, {
      headers: { "idempotency-key": randomUUID() },
    });
    const deadline = Date.now() + Number(options.timeout ?? 600) * 1000;
    for (;;) {
      const { data } = await call(conn, "GET", `/workspace-sets/${id}/drift`);
      const scan = data.scans.find((s) => s.id === queued.scanId);
      if (scan && ["SUCCEEDED", "FAILED"].includes(scan.status)) {
        if (scan.status === "FAILED") throw new CliError(EXIT.unavailable, `The scan failed: ${scan.errorMessage}`);
        break;
      }
      if (Date.now() > deadline) throw new CliError(EXIT.timeout, "The scan did not finish in time; try again later.");
      await sleep(Number(options.interval ?? 2) * 1000);
    }
  }
  const { data } = await call(conn, "GET", `/workspace-sets/${id}/drift`);
  print(options, data, (d) =>
    d.open.length === 0
      ? "No drift: Azure matches the approved state.\n"
      : `${table(d.open, [
          ["SEVERITY", (f) => f.severity],
          ["ENV", (f) => f.environment ?? ""],
          ["RESOURCE", (f) => f.resourceName],
          ["FIELD", (f) => f.field],
          ["SINCE", (f) => f.firstSeenAt],
        ])}\n${d.open.map((f) => `- ${f.summary}`).join("\n")}\n`,
  );
  if (data.open.length > 0) process.exitCode = EXIT.failed;
}

/**
 * `workspace change ID -f change.json`: asks for a change of a workspace set (ID: the set's or a workspace's id).
 * The file names what changes (README "Automation"); its `baseVersion` is the set version it was drafted from, sent
 * as If-Match (without one, the set's current version is read first). A stale version exits 5 naming what changed.
 */
async function changeWorkspace(args, options) {
  if (!args[0] || !options.file) throw new CliError(EXIT.usage, "workspace change needs an ID and -f FILE (JSON).");
  let change;
  try {
    change = JSON.parse(options.file === "-" ? await readStdin() : readFileSync(options.file, "utf8"));
  } catch (error) {
    throw new CliError(EXIT.usage, `Cannot read ${options.file} as JSON: ${error.message}`);
  }
  const conn = connection(options);
  const id = encodeURIComponent(args[0]);
  const { baseVersion, ...body } = change;
  const version = baseVersion ?? (await call(conn, "GET", `/workspace-sets/${id}`)).data.version;
  const { data } = await call(conn, "POST", `/workspaces/${id}/change-requests`, {
    body,
    headers: { "if-match": `"${version}"`, "idempotency-key": randomUUID() },
  });
  return print(options, data, (d) =>
    d.appliedAtOnce
      ? `${d.number}: removals are applied at once (${d.queued ? "running now" : "waiting for the change being applied"}).\n`
      : `${d.number} submitted (id ${d.requestId}); it is applied once approved.\n`,
  );
}

const HISTORY_COLUMNS = ["number", "status", "team", "project", "scope", "environments", "region", "requester"];
HISTORY_COLUMNS.push("submittedAt", "approvedAt", "provisionedAt", "closedAt", "estimatedMonthlyUsd");

function csvField(value) {
  const text = value === null || value === undefined ? "" : Array.isArray(value) ? value.join(" ") : String(value);
  // A leading =, +, - or @ would be a formula in a spreadsheet; a quote mark keeps it text.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Pages through GET /history and writes every row (CSV with a header, or one JSON array). */
async function historyExport(sub, options) {
  if (sub !== "export") throw new CliError(EXIT.usage, USAGE);
  const format = options.format ?? "csv";
  if (!["csv", "json"].includes(format)) throw new CliError(EXIT.usage, "--format is csv or json.");
  const conn = connection(options);
  const query = new URLSearchParams({ limit: "200" });
  for (const key of ["team", "status", "from", "to"]) if (options[key]) query.set(key, options[key]);
  const rows = [];
  for (let cursor = null; ;) {
    if (cursor) query.set("cursor", cursor);
    const { data } = await call(conn, "GET", `/history?${query}`);
    rows.push(...data.items);
    cursor = data.nextCursor;
    if (!cursor) break;
  }
  if (format === "json") return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  const lines = [HISTORY_COLUMNS.join(","), ...rows.map((r) => HISTORY_COLUMNS.map((c) => csvField(r[c])).join(","))];
  process.stdout.write(`${lines.join("\n")}\n`);
}

async function main(argv) {
  const { values: options, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "boolean" },
      url: { type: "string" },
      token: { type: "string" },
      file: { type: "string", short: "f" },
      submit: { type: "boolean" },
      status: { type: "string" },
      mine: { type: "boolean" },
      limit: { type: "string" },
      timeout: { type: "string" },
      interval: { type: "string" },
      "plan-hash": { type: "string" },
      comment: { type: "string" },
      reason: { type: "string" },
      days: { type: "string" },
      scan: { type: "boolean" },
      format: { type: "string" },
      team: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, sub, ...rest] = positionals;
  if (options.help || !command) return void process.stdout.write(`${USAGE}\n`);
  if (command === "login") return login(options);
  if (command === "request") return requestCommand(sub, rest, options);
  if (command === "approvals") return approvals(sub, options);
  if (command === "approve" || command === "reject") return decide(command, [sub, ...rest], options);
  if (command === "workspaces") return workspaces(sub, rest, options);
  if (command === "workspace" && sub === "change") return changeWorkspace(rest, options);
  if (command === "workspace" && sub === "drift") return workspaceDrift(rest, options);
  if (command === "workspace") return extendLease(sub, rest, options);
  if (command === "history") return historyExport(sub, options);
  throw new CliError(EXIT.usage, `Unknown command: ${command}\n\n${USAGE}`);
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`atrium: ${error.message}\n`);
  process.exitCode =
    error instanceof CliError ? error.code : error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? EXIT.usage : 1;
});
