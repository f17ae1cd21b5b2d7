// [PROVISIONING] Crash recovery with real worker processes (`npm run worker`'s script): SIGKILL during a long-running
// operation and between steps, restart, and the runs complete with no resource created twice — the in-flight
// operation is resumed from its saved poller state, not re-sent. Two workers never run the same request at once.
import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ArmSimulator } from "@/lib/azure/simulator/server";
import { db } from "@/lib/db/client";
import { stopProducer } from "@/lib/jobs/queue";
import { createApprovedRequest, enqueueRun, type CreatedRequest } from "@/lib/provisioning/fixtures";
import {
  createdResourceIds,
  effectivePutsByPath,
  planResourceIds,
  startTestSimulator,
  waitForRuns,
  clearProvisioningQueue,
} from "./provisioning-support";

type Line = { pid: number; at: number; text: string };

let sim: ArmSimulator;
const lines: Line[] = [];
const children = new Set<ChildProcess>();
const killedAt = new Map<number, number>();

function startWorker(extraEnv: Record<string, string> = {}): Promise<ChildProcess> {
  // node --import tsx (not the tsx binary, which runs the script in a grandchild): the pid is the worker itself.
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"], {
    env: {
      ...process.env,
      NODE_ENV: "test",
      AZURE_MODE: "simulator",
      ARM_SIMULATOR_URL: sim.url,
      ARM_SIMULATOR_CA_FILE: sim.certPath,
      ATRIUM_WORKER_JOBS: "4",
      ATRIUM_WORKER_MONITOR_SECONDS: "2",
      ATRIUM_PROVISION_POLL_MS: "20",
      ATRIUM_PROVISION_RETRY_BASE_MS: "50",
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return new Promise((resolve, reject) => {
    let buffer = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      let i;
      while ((i = buffer.indexOf("\n")) >= 0) {
        const text = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        lines.push({ pid: child.pid!, at: Date.now(), text });
        if (text.includes("listening on")) resolve(child);
      }
    });
    child.stderr!.on("data", (chunk: Buffer) =>
      lines.push({ pid: child.pid!, at: Date.now(), text: `stderr: ${chunk.toString()}` }),
    );
    child.once("exit", (code) =>
      reject(new Error(`worker exited (${code}) before listening:\n${lines.map((l) => l.text).join("\n")}`)),
    );
  });
}

function kill(child: ChildProcess) {
  killedAt.set(child.pid!, Date.now());
  child.kill("SIGKILL");
}

/** The worker process currently running a request (from the workers' own start/end lines). */
function holderOf(requestId: string): number | null {
  let holder: number | null = null;
  for (const l of lines) {
    if (!l.text.includes(`request=${requestId}`)) continue;
    if (l.text.includes(" start ")) holder = l.pid;
    else if (l.text.includes(" end ") || l.text.includes(" released ")) holder = null;
  }
  return holder;
}

async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}\n${lines
          .slice(-30)
          .map((l) => `${l.pid} ${l.text}`)
          .join("\n")}`,
      );
    await new Promise((r) => setTimeout(r, 25));
  }
}

const all: CreatedRequest[] = [];

beforeAll(async () => {
  // Long enough operations to be killed in the middle of (workspace ≈ 0.6–0.9 s, compute instance ≈ 3 s).
  sim = await startTestSimulator({ timeScale: 0.01 });
  await clearProvisioningQueue();
});

afterAll(async () => {
  for (const c of children) c.kill("SIGKILL");
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
      kill([...children].find((c) => c.pid === holder)!);
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
    for (const c of [...children]) c.kill("SIGTERM");
    await until("workers stopped", async () => children.size === 0, 30_000);
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
    for (const l of lines) {
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
      intervals.push({ request: key.split("|")[0], pid: o.pid, from: o.from, to: killedAt.get(o.pid) ?? Date.now() });
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
