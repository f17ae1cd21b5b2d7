// `npm run bench:change`: how long the pure change plan takes for a large workspace set. For a 50-member,
// dev+test+prod, private set it times buildChangePlan (both full plans, the difference, its order, cost
// delta and hash) for four changes (add a member, remove one, go public, add a pipeline), each BENCH_RUNS
// times after a warm-up, and prints JSON {changePlanMs} (the p95 over every run) as the last line.
// The engine figures of the change issue (add-member makespan, time to revoked access) need the change
// engine and are not measured here.
import { performance } from "node:perf_hooks";
import { buildChangePlan } from "../lib/plan/change-request";
import { journeyInput } from "../tests/support/plan-fixtures";
import type { PlanInput, PlanMember } from "../lib/plan/types";
import { MEMBER_ROLES } from "../lib/vocabulary";

const RUNS = Number(process.env.BENCH_RUNS ?? 40);

function person(i: number): PlanMember {
  const hex = i.toString(16).padStart(12, "0");
  return {
    userId: `u-${i}`,
    email: `person${i}@contoso.com`,
    displayName: `Person ${i}`,
    entraObjectId: `00000000-0000-4000-8000-${hex}`,
    role: MEMBER_ROLES[i % MEMBER_ROLES.length],
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const members = Array.from({ length: 50 }, (_, i) => person(i));
const base: PlanInput = journeyInput({
  members,
  compute: {
    instanceVmSize: "Standard_DS3_v2",
    idleShutdownMinutes: 60,
    devClusters: [
      { vmSize: "Standard_DS11_v2", maxNodes: 4 },
      { vmSize: "Standard_NC6s_v3", maxNodes: 2 },
    ],
    pipelines: ["scoring", "training"],
  },
});
const cases: Record<string, PlanInput> = {
  addMember: { ...base, members: [...members, person(50)] },
  removeMember: { ...base, members: members.slice(1) },
  goPublic: { ...base, visibility: "public" },
  addPipeline: { ...base, compute: { ...base.compute, pipelines: [...base.compute.pipelines, "batch"] } },
};

const all: number[] = [];
const byCase: Record<string, { p50Ms: number; p95Ms: number; steps: number }> = {};
for (const [name, desired] of Object.entries(cases)) {
  let steps = 0;
  for (let i = 0; i < 3; i++) steps = buildChangePlan(base, desired).steps.length;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    // A scope of its own per run: no name or UUID derived in an earlier run is remembered (a cold plan).
    const project = { slug: `churn-${name.toLowerCase()}-${i}`, teamSlug: "fraud", costCenter: "CC-1001" };
    const [current, next] = [
      { ...base, project },
      { ...desired, project },
    ];
    const t0 = performance.now();
    buildChangePlan(current, next);
    times.push(performance.now() - t0);
  }
  all.push(...times);
  byCase[name] = { p50Ms: +percentile(times, 50).toFixed(2), p95Ms: +percentile(times, 95).toFixed(2), steps };
}
console.log(`[bench] 50 members, dev+test+prod, private; ${RUNS} runs per change: ${JSON.stringify(byCase)}`);
console.log(JSON.stringify({ changePlanMs: +percentile(all, 95).toFixed(2) }));
