// [PROVISIONING] Crash recovery with real worker processes (`npm run worker`'s script): SIGKILL during a long-running
// operation and between steps, restart, and the runs complete with no resource created twice — the in-flight
// operation is resumed from its saved poller state, not re-sent. Two workers never run the same request at once.
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ArmSimulator } from "@/lib/azure/simulator/server";
import { db } from "@/lib/db/client";
import { stopProducer } from "@/lib/jobs/queue";
import { createApprovedRequest, enqueueRun, type CreatedRequest } from "@/tests/support/provisioning-fixtures";
import {
  createdResourceIds,
  effectivePutsByPath,
  planResourceIds,
  startTestSimulator,
  waitForRuns,
  clearProvisioningQueue,
} from "./provisioning-support";
import { until, WorkerProcesses } from "./provisioning-processes";

let sim: ArmSimulator;
let workers: WorkerProcesses;
const startWorker = (extraEnv?: Record<string, string>) => workers.start(extraEnv);
const kill = (child: ChildProcess) => workers.kill(child);
const holderOf = (requestId: string) => workers.holderOf(requestId)?.pid ?? null;

const all: CreatedRequest[] = [];

beforeAll(async () => {
  // Long enough operations to be killed in the middle of (workspace ≈ 0.6–0.9 s, compute instance ≈ 3 s).
  sim = await startTestSimulator({ timeScale: 0.01 });
  await clearProvisioningQueue();
  workers = new WorkerProcesses(sim);
});

afterAll(async () => {
  for (const c of workers?.children ?? []) c.kill("SIGKILL");
  await stopProducer();
  await sim?.close();
});

describe("[PROVISIONING] worker crashes", () => {
  it(
    "resumes a run whose worker was SIGKILLed during a long-running operation, without re-sending the PUT",
    { timeout: 120_000 },
    async () => {
      const [a] = await Promise.all([startWorker(), startWorker()]);
      expect(a.pid).toBeDefined();
      for (const scope of ["kla", "klb", "klc"]) {
        all.push(await createApprovedRequest({ scope, environments: ["dev"], visibility: "private" }));
      }
      // The outbox refuses a second job for a request that already has one: one active attempt per request.
      expect(await enqueueRun(all[0])).toBeNull();

      const target = all[0];
      const inFlight = await until("a long-running operation in flight", () =>
        db.provisioningStep.findFirst({
          where: {
            requestId: target.requestId,
            status: "RUNNING",
            lroState: { not: null },
            kind: { in: ["workspace", "computeInstance"] },
          },
        }),
      );
      const holder = holderOf(target.requestId);
      expect(holder).not.toBeNull();
      kill([...workers.children].find((c) => c.pid === holder)!);
      // A replacement worker; the survivor or the replacement picks the job up once its heartbeat is missed.
      await startWorker();

      const statuses = await waitForRuns(
        all.map((c) => c.runId),
        90_000,
      );
      expect(Object.values(statuses)).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);
      const step = await db.provisioningStep.findUniqueOrThrow({
        where: { requestId_stepKey: { requestId: target.requestId, stepKey: inFlight.stepKey } },
      });
      expect(step.status).toBe("SUCCEEDED");
      expect(step.attempts).toBe(2);
      // Exactly one PUT for the resource whose operation was in flight: the new worker resumed polling.
      const puts = effectivePutsByPath(sim.requestLog());
      expect(puts.get(inFlight.resourceId.toLowerCase())?.length).toBe(1);
    },
  );

  it("resumes a run whose worker was SIGKILLed between steps", { timeout: 120_000 }, async () => {
    await workers.stopAll("SIGTERM");
    const serial = await startWorker({ ATRIUM_PROVISION_CONCURRENCY: "1" });
    const target = await createApprovedRequest({ scope: "kld", environments: ["dev"], visibility: "public" });
    all.push(target);
    await until(
      "three steps done",
      async () =>
        (await db.provisioningStep.count({ where: { requestId: target.requestId, status: "SUCCEEDED" } })) >= 3,
    );
    kill(serial);
    await startWorker();
    const statuses = await waitForRuns([target.runId], 90_000);
    expect(Object.values(statuses)).toEqual(["SUCCEEDED"]);
  });

  it("created nothing twice, built exactly the plans, and never ran one request in two workers at once", () => {
    const puts = effectivePutsByPath(sim.requestLog());
    expect([...puts.entries()].filter(([, l]) => l.length > 1).map(([p]) => p)).toEqual([]);
    expect(createdResourceIds(sim)).toEqual(planResourceIds(all.map((c) => c.plan)));

    // Intervals during which each worker held each request: start → end/released/killed.
    const intervals: { request: string; pid: number; from: number; to: number }[] = [];
    const open = new Map<string, { pid: number; from: number }>();
    for (const l of workers.lines) {
      const m = / (start|end|released) request=([0-9a-f-]{36})/.exec(l.text);
      if (!m) continue;
      const key = `${m[2]}|${l.pid}`;
      if (m[1] === "start") open.set(key, { pid: l.pid, from: l.at });
      else if (open.has(key)) {
        intervals.push({ request: m[2], pid: l.pid, from: open.get(key)!.from, to: l.at });
        open.delete(key);
      }
    }
    for (const [key, o] of open)
      intervals.push({
        request: key.split("|")[0],
        pid: o.pid,
        from: o.from,
        to: workers.killedAt.get(o.pid) ?? Date.now(),
      });
    for (const x of intervals) {
      for (const y of intervals) {
        if (x === y || x.request !== y.request || x.pid === y.pid) continue;
        expect(x.to <= y.from || y.to <= x.from, `request ${x.request} held by ${x.pid} and ${y.pid} at once`).toBe(
          true,
        );
      }
    }
    expect(intervals.length).toBeGreaterThanOrEqual(all.length + 2);
  });
});
