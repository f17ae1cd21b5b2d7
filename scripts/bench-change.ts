// `npm run bench:change`: the change requests of a workspace set, on a fresh database (DATABASE_URL's server, or an
// embedded one) and the ARM simulator at the portal's default time scale (BENCH_TIME_SCALE, default 0.05):
//  1. the pure change plan for a large set: for a 50-member, dev+test+prod, private set it times buildChangePlan (both
//     full plans, the difference, its order, cost delta and hash) for four changes (add a member, remove one, go
//     public, add a pipeline), each BENCH_RUNS times after a warm-up: changePlanMs is the p95 over every run;
//  2. adding one data scientist to a provisioned dev+test+prod set (admin and stakeholder approve), run by the real
//     worker: the change run's makespan ÷ its critical path (the longest dependency chain of the change plan,
//     weighted by each step's measured duration): addMemberMakespanOverCriticalPath (goal ≤ 1.10);
//  3. removing members one by one (applied at once): from the call that submits the removal to the simulator's
//     answer to the last DELETE of that person's role assignments: removeMemberToAccessRevokedP95Ms (goal < 2000).
// Prints JSON {addMemberMakespanOverCriticalPath, removeMemberToAccessRevokedP95Ms, changePlanMs} as the last line.
// BENCH_ENGINE=0 measures only the pure part.
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
const changePlanMs = +percentile(all, 95).toFixed(2);

if (process.env.BENCH_ENGINE === "0") console.log(JSON.stringify({ changePlanMs }));
else
  benchEngine()
    .then((engine) => console.log(JSON.stringify({ ...engine, changePlanMs })))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });

const TIME_SCALE = Number(process.env.BENCH_TIME_SCALE ?? 0.05);
const REMOVALS = [
  "ben.carter@contoso.com",
  "maya.patel@contoso.com",
  "chen.wei@contoso.com",
  "jonas.weber@contoso.com",
  "liam.obrien@contoso.com",
  "erik.lindqvist@contoso.com",
  "keiko.tanaka@contoso.com",
];
const log = (m: string) => console.log(`[bench] ${m}`);

async function benchEngine() {
  const { createTestDatabase } = await import("../tests/support/test-database");
  const database = await createTestDatabase("atrium_bench_change");
  process.env.DATABASE_URL = database.url;
  process.env.AZURE_MODE = "simulator";
  const { reloadEnv } = await import("../lib/env");
  reloadEnv();
  const { db } = await import("../lib/db/client");
  const { startArmSimulator } = await import("../lib/azure/simulator/server");
  const { createClientFactory } = await import("../lib/azure/clients");
  const { stopProducer } = await import("../lib/jobs/queue");
  const fixtures = await import("../tests/support/provisioning-fixtures");
  const { startProvisioningWorker } = await import("../lib/provisioning/worker");
  const { startAuditSequencer } = await import("../lib/audit/sequencer");
  const { approveRequest } = await import("../lib/approvals/mutations");
  const { createChangeRequest } = await import("../lib/changes/mutations");
  const { documentOf } = await import("../lib/changes/document");
  const { ensureWorkspaceSet } = await import("../lib/changes/sets");
  const os = await import("node:os");
  const path = await import("node:path");

  const settings = await db.portalSettings.findUniqueOrThrow({ where: { id: 1 } });
  const sim = await startArmSimulator({
    port: 0,
    timeScale: TIME_SCALE,
    stateFile: null,
    certDir: path.join(os.tmpdir(), "atrium-bench-cert"),
    seed: 14,
    tenantId: settings.azureTenantId,
    landingZone: await fixtures.landingZoneFromSettings(),
    principals: await fixtures.directoryPrincipals(),
  });
  const factory = createClientFactory({ target: { mode: "simulator", endpoint: sim.url, ca: sim.certPem } });
  const stopSequencer = startAuditSequencer(log);
  // The portal's own executor settings, except a poll interval that fits the simulator's scaled operations.
  const worker = await startProvisioningWorker({ factory, jobs: 4, executor: { pollIntervalMs: 50 }, log: () => {} });
  const person = async (email: string) => {
    const u = await db.user.findUniqueOrThrow({
      where: { email },
      select: { id: true, name: true, roles: true, teamMemberships: { select: { teamId: true } } },
    });
    return { ...u, teamIds: u.teamMemberships.map((t) => t.teamId) };
  };
  const waitRun = async (requestId: string) => {
    for (;;) {
      const run = await db.provisioningRun.findFirst({ where: { requestId }, orderBy: { attempt: "desc" } });
      if (run && ["SUCCEEDED", "FAILED", "CANCELLED"].includes(run.status)) {
        if (run.status !== "SUCCEEDED") throw new Error(`run of ${requestId} ${run.status}: ${run.errorMessage}`);
        return run;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const version = async (setId: string) =>
    (await db.workspaceSet.findUniqueOrThrow({ where: { id: setId }, select: { version: true } })).version;

  log(`provisioning a dev+test+prod set (time scale ${TIME_SCALE})`);
  const origin = await fixtures.createApprovedRequestRow({
    scope: "benchchg",
    environments: ["dev", "test", "prod"],
    visibility: "public",
    members: [
      { email: "amara.okafor@contoso.com", role: "dataScientist" },
      { email: "diana.reyes@contoso.com", role: "mlops" },
      ...REMOVALS.map((email, i) => ({
        email,
        role: i % 2 === 0 ? ("dataScientist" as const) : ("dataEngineer" as const),
      })),
    ],
  });
  const set = await ensureWorkspaceSet(origin.requestId, db, documentOf(origin.input));
  await fixtures.enqueueRun(origin);
  await waitRun(origin.requestId);
  const amara = await person("amara.okafor@contoso.com");

  // 2. Add a member: admin and stakeholder approve, then the run.
  const add = await createChangeRequest(
    amara,
    {
      setId: set.id,
      baseVersion: await version(set.id),
      desired: { addMembers: [{ email: "isabel.costa@contoso.com", role: "dataScientist" }] },
    },
    "bench-add",
  );
  for (const [email, stage] of [
    ["fatima.khan@contoso.com", "ADMIN"],
    ["hannah.schmidt@contoso.com", "STAKEHOLDER"],
  ] as const) {
    const r = await db.workspaceRequest.findUniqueOrThrow({ where: { id: add.requestId } });
    await approveRequest(
      await person(email),
      stage,
      { requestId: add.requestId, version: r.version, planHash: r.planHash! },
      "bench",
    );
  }
  await waitRun(add.requestId);
  const addRow = await db.workspaceRequest.findUniqueOrThrow({ where: { id: add.requestId }, select: { plan: true } });
  const plan = addRow.plan as unknown as { steps: { id: string; dependsOn: string[] }[] };
  const rows = await db.provisioningStep.findMany({ where: { requestId: add.requestId } });
  const duration = new Map(rows.map((r) => [r.stepKey, r.finishedAt!.getTime() - r.startedAt!.getTime()]));
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const memo = new Map<string, number>();
  const longest = (id: string): number => {
    if (!memo.has(id)) memo.set(id, (duration.get(id) ?? 0) + Math.max(0, ...byId.get(id)!.dependsOn.map(longest)));
    return memo.get(id)!;
  };
  const critical = Math.max(...plan.steps.map((s) => longest(s.id)));
  const makespan =
    Math.max(...rows.map((r) => r.finishedAt!.getTime())) - Math.min(...rows.map((r) => r.startedAt!.getTime()));
  log(`add a member: ${plan.steps.length} steps, makespan ${makespan} ms, critical path ${critical} ms`);

  // 3. Remove members one at a time (each applied at once): submission → last role assignment deleted in Azure.
  const revoked: number[] = [];
  for (const email of REMOVALS) {
    const t0 = Date.now();
    const removal = await createChangeRequest(
      amara,
      { setId: set.id, baseVersion: await version(set.id), desired: { removeMembers: [email] } },
      "bench-remove",
    );
    await waitRun(removal.requestId);
    const row = await db.workspaceRequest.findUniqueOrThrow({
      where: { id: removal.requestId },
      select: { plan: true },
    });
    const paths = new Set(
      (row.plan as unknown as { steps: { op: string; kind: string; resourceId: string }[] }).steps
        .filter((s) => s.op === "delete" && s.kind === "roleAssignment")
        .map((s) => new URL(`https://arm${s.resourceId}`).pathname.toLowerCase()),
    );
    const deletes = sim
      .requestLog()
      .filter((e) => e.method === "DELETE" && paths.has(e.path.toLowerCase()) && e.status < 300);
    const last = Math.max(...deletes.map((e) => Date.parse(e.timestamp)));
    revoked.push(last - t0);
    log(`removed ${email}: ${paths.size} role assignments gone after ${last - t0} ms`);
  }

  await worker.stop({ graceful: false });
  await stopSequencer();
  await stopProducer();
  await db.$disconnect();
  await sim.close();
  await database.dispose();
  return {
    addMemberMakespanOverCriticalPath: Math.round((makespan / critical) * 1000) / 1000,
    removeMemberToAccessRevokedP95Ms: Math.round(percentile(revoked, 95)),
  };
}
