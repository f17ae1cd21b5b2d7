// `npm run bench:simulator`: throughput and latency of the ARM simulator at time scale 0 over HTTPS keep-alive
// connections (the way the SDK's pipeline talks to it). Prints JSON {getPerSecond, putPerSecond, getP95Ms, putP95Ms}
// as the last line. Throttling is off so the simulator itself, not ARM's token buckets, is measured.
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { startArmSimulator } from "../lib/azure/simulator/server";

const SUB = "00000000-0000-0000-0000-0000000be7c4";
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3000);

function request(agent: https.Agent, base: URL, method: string, pathAndQuery: string, body?: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method,
        path: pathAndQuery,
        headers: {
          authorization: "Bearer bench",
          ...(payload ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

function p95(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] * 100) / 100;
}

async function run(label: string, next: (i: number) => Promise<number>, expected: number[]) {
  const latencies: number[] = [];
  let i = 0;
  let failures = 0;
  const start = performance.now();
  const deadline = start + DURATION_MS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const status = await next(i++);
        latencies.push(performance.now() - t0);
        if (!expected.includes(status)) failures++;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  if (failures > 0) throw new Error(`${label}: ${failures} unexpected statuses`);
  return { perSecond: Math.round(latencies.length / seconds), p95: p95(latencies), count: latencies.length };
}

async function main() {
  const sim = await startArmSimulator({
    port: 0,
    timeScale: 0,
    stateFile: null,
    certDir: path.join(os.tmpdir(), "atrium-arm-simulator-bench-cert"),
    throttling: { enabled: false },
  });
  const base = new URL(sim.url);
  const agent = new https.Agent({ keepAlive: true, maxSockets: CONCURRENCY, ca: sim.certPem });
  const rg = `/subscriptions/${SUB}/resourcegroups/rg-bench?api-version=2025-04-01`;
  await request(agent, base, "PUT", rg, { location: "eastus" });
  const st = `/subscriptions/${SUB}/resourceGroups/rg-bench/providers/Microsoft.Storage/storageAccounts/stbench001?api-version=2025-08-01`;
  await request(agent, base, "PUT", st, { location: "eastus", kind: "StorageV2", sku: { name: "Standard_LRS" } });

  // Warm-up (JIT, TLS sessions).
  await run("warm-up", () => request(agent, base, "GET", st), [200]);
  const get = await run("GET", () => request(agent, base, "GET", st), [200]);
  const put = await run(
    "PUT",
    (i) =>
      request(agent, base, "PUT", `/subscriptions/${SUB}/resourcegroups/rg-bench-${i % 500}?api-version=2025-04-01`, {
        location: "eastus",
        tags: { run: String(i) },
      }),
    [200, 201],
  );
  agent.destroy();
  await sim.close();
  console.log(
    `GET ${get.count} requests, PUT ${put.count} requests, concurrency ${CONCURRENCY}, ${DURATION_MS} ms each`,
  );
  console.log(
    JSON.stringify({ getPerSecond: get.perSecond, putPerSecond: put.perSecond, getP95Ms: get.p95, putP95Ms: put.p95 }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
