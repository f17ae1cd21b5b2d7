// `npm run bench:checks`: how long every pre-approval check of a dev+test+prod request takes against the ARM
// simulator at its default latency profile, unscaled (time scale 1: ARM reads 50–150 ms, lib/azure/simulator/
// latency.ts). It starts an in-process simulator (ample quota, one Azure Policy rule so the dry run has work to do,
// 200 role assignments in the dev subscription), builds the journey's plan (private, restricted, three environments,
// computes in dev, test and prod) with one approved request pending, and times `evaluateChecks` — every Azure read in
// parallel through the project's client factory and its ARM token buckets, then the evaluation — BENCH_RUNS times
// after a warm-up. Prints JSON {checksP95Ms} as its last line; the database part of a run (one read of pending
// requests, one insert) is not included.
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createClientFactory } from "../lib/azure/clients";
import { startArmSimulator } from "../lib/azure/simulator/server";
import { evaluateChecks } from "../lib/checks/run";
import type { CheckedStep } from "../lib/checks/evaluate";
import { buildPlan } from "../lib/plan/build-plan";
import { journeyInput, SUBSCRIPTIONS, TENANT_ID } from "../tests/support/plan-fixtures";

const RUNS = Number(process.env.BENCH_RUNS ?? 40);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  const sim = await startArmSimulator({
    port: 0,
    timeScale: 1,
    stateFile: null,
    certDir: path.join(os.tmpdir(), "atrium-bench-checks-cert"),
    tenantId: TENANT_ID,
    quotaLimits: { "*": 10_000 },
    policyRules: [
      {
        id: "allowed-eu",
        displayName: "EU regions only",
        kind: "allowedLocations",
        effect: "Deny",
        locations: ["westeurope", "northeurope"],
      },
    ],
  });
  for (let i = 0; i < 200; i++) {
    sim.outOfBand({
      kind: "roleAssignment.add",
      scope: `/subscriptions/${SUBSCRIPTIONS.dev}`,
      roleDefinitionId: `/subscriptions/${SUBSCRIPTIONS.dev}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
      principalId: `00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`,
      principalType: "User",
    });
  }
  const factory = createClientFactory({ target: { mode: "simulator", endpoint: sim.url, ca: sim.certPem } });
  const plan = buildPlan(journeyInput());
  const pendingPlan = buildPlan(journeyInput({ requestId: "0f0c7a52-9d1e-4c33-8a7b-2e6f4d1c9b81", requestNumber: 43 }));
  const request = { id: plan.requestId, region: plan.region, steps: plan.steps as unknown as CheckedStep[] };
  const pending = [{ number: 43, region: pendingPlan.region, steps: pendingPlan.steps as unknown as CheckedStep[] }];

  const once = async () => {
    const t0 = performance.now();
    const results = await evaluateChecks(factory, request, pending, []);
    return { ms: performance.now() - t0, results };
  };
  const warm = await once();
  const unavailable = warm.results.filter((r) => r.id.endsWith("/unavailable"));
  if (unavailable.length > 0) throw new Error(`checks could not run: ${unavailable.map((r) => r.detail).join("; ")}`);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push((await once()).ms);
  console.error(
    `${warm.results.length} results per run (${["pass", "warn", "fail"].map((s) => `${warm.results.filter((r) => r.status === s).length} ${s}`).join(", ")}); ` +
      `${RUNS} runs: p50 ${Math.round(percentile(times, 50))} ms, p95 ${Math.round(percentile(times, 95))} ms, max ${Math.round(Math.max(...times))} ms`,
  );
  await sim.close();
  console.log(JSON.stringify({ checksP95Ms: Math.round(percentile(times, 95)) }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
