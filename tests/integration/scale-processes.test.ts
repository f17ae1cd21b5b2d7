// [SCALE] Several processes against one PostgreSQL: two web processes (API route handlers over HTTP) and three
// `npm run worker` processes. 100 requests are approved in one burst (20 in flight) through both web processes; one worker is
// SIGKILLed while runs are in flight. Every request is provisioned exactly once (one run, one provisioned event,
// no resource PUT twice, never held by two workers at once) and the audit chain — sealed by whichever process holds
// the sequencer's lock — verifies intact.
import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ArmSimulator } from "@/lib/azure/simulator/server";
import { verifyAuditChain } from "@/lib/audit/verify";
import { db } from "@/lib/db/client";
import { createSubmittedRequest } from "@/lib/db/request-fixtures";
import { stopProducer } from "@/lib/jobs/queue";
import { tokenFor } from "./api-support";
import { until, WorkerProcesses } from "./provisioning-processes";
import { clearProvisioningQueue, effectivePutsByPath, startTestSimulator, waitForRuns } from "./provisioning-support";

const REQUESTS = 100;
const IN_FLIGHT = 20;
let sim: ArmSimulator;
let workers: WorkerProcesses;
const webs: ChildProcess[] = [];

function startWeb(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "./tests/support/server-only-preload.mjs",
      "--import",
      "tsx",
      "tests/integration/scale-web-process.ts",
    ],
    { env: { ...process.env, NODE_ENV: "test" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  webs.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const m = /web listening (\S+)/.exec(output);
      if (m) resolve({ child, url: m[1] });
    });
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => reject(new Error(`web process exited (${code}):\n${output}`)));
  });
}

beforeAll(async () => {
  sim = await startTestSimulator({ timeScale: 0.01 });
  await clearProvisioningQueue();
  workers = new WorkerProcesses(sim);
});

afterAll(async () => {
  for (const c of workers?.children ?? []) c.kill("SIGKILL");
  for (const c of webs) c.kill("SIGKILL");
  await stopProducer();
  await sim?.close();
});

describe("[SCALE] two web and three worker processes", () => {
  it(
    `provisions ${REQUESTS} requests approved in one burst exactly once, with a worker SIGKILLed mid-way`,
    { timeout: 600_000 },
    async () => {
      const [web1, web2] = await Promise.all([
        startWeb(),
        startWeb(),
        workers.start(),
        workers.start(),
        workers.start(),
      ]);
      // One team per request, so that every request has a scope (and Azure names) of its own.
      const requests: Awaited<ReturnType<typeof createSubmittedRequest>>[] = [];
      for (let i = 0; i < REQUESTS; i++) {
        const slug = `scale${String(i).padStart(3, "0")}`;
        await db.team.create({ data: { slug, name: `Scale ${i}`, costCenter: "CC-4100", businessDivision: "risk" } });
        requests.push(
          await createSubmittedRequest(db, {
            requesterId: "usr-amara",
            pattern: "TEAM",
            team: slug,
            environments: ["DEV"],
            visibility: "PUBLIC",
            restriction: "RESTRICTED",
            region: "westeurope",
            members: [{ userId: "usr-ben", role: "DATA_SCIENTIST" }],
            costCenter: "CC-4100",
            justification: "Several-processes test: one burst of approvals.",
          }),
        );
      }
      const token = await tokenFor("fatima.khan@contoso.com", ["read", "approve"]);

      // The burst: 100 approvals back to back, IN_FLIGHT at a time, alternating between the two web processes. (All
      // 100 at once is more than two processes' pools of 10 connections can serve within the approval transaction's
      // timeout on a 2-core machine: the approval recomputes the plan inside its transaction.)
      const approveOne = (r: (typeof requests)[number], i: number) =>
        fetch(`${(i % 2 ? web2 : web1).url}/api/v1/requests/${r.id}/approve`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${token}`,
            "content-type": "application/json",
            "if-match": `"${r.version}"`,
          },
          body: JSON.stringify({ planHash: r.planHash }),
        }).then(async (res) => ({ status: res.status, text: await res.text() }));
      const answers: { status: number; text: string }[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          for (let i = next++; i < REQUESTS; i = next++) answers[i] = await approveOne(requests[i], i);
        }),
      );
      expect(answers.filter((a) => a.status !== 200).map((a) => `${a.status} ${a.text.slice(0, 300)}`)).toEqual([]);
      const runIds = answers.map((a) => (JSON.parse(a.text) as { runId: string }).runId);

      // Mid-way: once a quarter of the runs have started, SIGKILL a worker that holds one.
      const victim = await until(
        "a quarter of the runs started and a worker holding one",
        async () => {
          const started = await db.provisioningRun.count({ where: { id: { in: runIds }, startedAt: { not: null } } });
          if (started < REQUESTS / 4) return null;
          return requests.map((r) => workers.holderOf(r.id)).find((c) => c !== null) ?? null;
        },
        120_000,
        workers,
      );
      const heldByVictim = requests.filter((r) => workers.holderOf(r.id) === victim).map((r) => r.id);
      workers.kill(victim);

      const statuses = await waitForRuns(runIds, 420_000);
      expect(Object.values(statuses).filter((s) => s !== "SUCCEEDED")).toEqual([]);

      const ids = requests.map((r) => r.id);
      // Exactly once: one run per request, one provisioned event each, every request provisioned.
      const runs = await db.provisioningRun.groupBy({
        by: ["requestId"],
        where: { requestId: { in: ids } },
        _count: true,
      });
      expect(runs.filter((r) => r._count !== 1)).toEqual([]);
      expect(runs).toHaveLength(REQUESTS);
      const provisioned = await db.auditEvent.groupBy({
        by: ["requestId"],
        where: { requestId: { in: ids }, action: "request.provisioned" },
        _count: true,
      });
      expect(provisioned.filter((p) => p._count !== 1)).toEqual([]);
      expect(provisioned).toHaveLength(REQUESTS);
      expect(await db.workspaceRequest.count({ where: { id: { in: ids }, status: "PROVISIONED" } })).toBe(REQUESTS);
      // No resource was written twice, not even those of the runs the killed worker held.
      const puts = effectivePutsByPath(sim.requestLog());
      expect([...puts.entries()].filter(([, l]) => l.length > 1).map(([p]) => p)).toEqual([]);
      // The killed worker's runs were finished by the survivors.
      expect(heldByVictim.length).toBeGreaterThan(0);
      for (const id of heldByVictim) {
        const finishers = workers.lines.filter((l) => l.text.includes(`end request=${id}`)).map((l) => l.pid);
        expect(finishers).toHaveLength(1);
        expect(finishers[0]).not.toBe(victim.pid);
      }
      // The chain, sealed by the processes' sequencers while all this happened, is intact.
      expect(await verifyAuditChain()).toMatchObject({ intact: true, pending: 0 });
      const sealers = await db.auditEvent.count({ where: { requestId: { in: ids }, hash: { not: null } } });
      expect(sealers).toBeGreaterThan(REQUESTS * 3);
    },
  );
});
