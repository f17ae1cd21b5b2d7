// Shared helpers of the provisioning integration tests: an in-process ARM simulator seeded from the portal settings,
// an SDK client factory pointed at it, and waits/assertions over the database and the simulator's log.
import os from "node:os";
import path from "node:path";
import {
  startArmSimulator,
  type ArmSimulator,
  type ArmSimulatorOptions,
  type FaultRule,
  type LoggedRequest,
} from "@/lib/azure/simulator/server";
import { createClientFactory, type ClientFactory } from "@/lib/azure/clients";
import { db } from "@/lib/db/client";
import { getProducer, PROVISION_QUEUE, stopProducer } from "@/lib/jobs/queue";
import { startProvisioningWorker, type ProvisioningWorker } from "@/lib/provisioning/worker";
import { afterAll, beforeAll } from "vitest";
import { directoryPrincipals, landingZoneFromSettings } from "@/tests/support/provisioning-fixtures";
import type { Plan } from "@/lib/plan/types";

export const CERT_DIR = path.join(os.tmpdir(), "atrium-provisioning-test-cert");

/** Fast settings for tests: tiny time scale, 10 ms polls, short SDK and step retry delays. */
export const FAST_EXECUTOR = {
  pollIntervalMs: 10,
  retryBaseMs: 20,
  retryMaxMs: 500,
  maxStepAttempts: 8,
  concurrency: 8,
};
export const FAST_RETRY = { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 100 };

export async function startTestSimulator(options: ArmSimulatorOptions = {}): Promise<ArmSimulator> {
  const settings = await db.portalSettings.findUniqueOrThrow({ where: { id: 1 } });
  return startArmSimulator({
    port: 0,
    timeScale: 0.002,
    stateFile: null,
    certDir: CERT_DIR,
    seed: 7,
    tenantId: settings.azureTenantId,
    landingZone: await landingZoneFromSettings(),
    principals: await directoryPrincipals(),
    // A subscription with ample vCPU quota, so the engine's pre-write checks (lib/checks) never stop these runs;
    // the checks' own tests set tight limits per family.
    quotaLimits: { "*": 1_000_000 },
    ...options,
  });
}

export function simulatorFactory(sim: ArmSimulator): ClientFactory {
  return createClientFactory({
    target: { mode: "simulator", endpoint: sim.url, ca: sim.certPem },
    retryOptions: FAST_RETRY,
  });
}

/** Waits (polling the database) until every run reached a final status; returns the statuses. */
export async function waitForRuns(runIds: string[], timeoutMs = 60_000): Promise<Record<string, string>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = await db.provisioningRun.findMany({
      where: { id: { in: runIds } },
      select: { id: true, status: true },
    });
    if (runs.length === runIds.length && runs.every((r) => ["SUCCEEDED", "FAILED", "CANCELLED"].includes(r.status))) {
      return Object.fromEntries(runs.map((r) => [r.id, r.status]));
    }
    if (Date.now() > deadline) throw new Error(`runs not finished after ${timeoutMs} ms: ${JSON.stringify(runs)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const lower = (s: string) => s.toLowerCase();

/**
 * Resource ids the simulator holds that a request created: everything except the landing zone and the private
 * endpoint connections Azure adds to a workspace by itself when a private endpoint to it is approved.
 */
export function createdResourceIds(sim: ArmSimulator): string[] {
  return sim
    .resources()
    .filter(
      (r) =>
        r.tags["managed-by"] !== "landing-zone" &&
        !/\/resourcegroups\/rg-hub-/i.test(r.id) &&
        !/\/privateendpointconnections\//i.test(r.id),
    )
    .map((r) => lower(r.id))
    .sort();
}

export function planResourceIds(plans: Plan[]): string[] {
  return [...new Set(plans.flatMap((p) => p.steps.map((s) => lower(s.resourceId))))].sort();
}

/**
 * ARM writes (PUT) that ARM accepted, per path: 2xx answers, excluding a PUT whose operation an injected fault made end
 * Failed (the simulator marks it fault=lro-failed) — the resource then has to be created again.
 */
export function effectivePutsByPath(log: LoggedRequest[]): Map<string, LoggedRequest[]> {
  const out = new Map<string, LoggedRequest[]>();
  for (const r of log) {
    if (r.method !== "PUT" || r.fault || r.status < 200 || r.status > 299) continue;
    const key = lower(r.path);
    out.set(key, [...(out.get(key) ?? []), r]);
  }
  return out;
}

/**
 * Drops provisioning jobs left by earlier test files (e.g. approvals that enqueue real runs), so that this file's
 * workers provision only this file's requests and the simulator's estate can be compared with its plans.
 */
export async function clearProvisioningQueue(): Promise<void> {
  const boss = await getProducer();
  await boss.deleteAllJobs(PROVISION_QUEUE);
}

export interface SimulatedEngine {
  /** The in-process ARM simulator (its estate and request log). */
  readonly sim: ArmSimulator;
  /** The real pg-boss provisioning worker, talking to `sim` through the Azure SDK. */
  readonly worker: ProvisioningWorker;
}

/**
 * Registers beforeAll/afterAll hooks that start a simulator and a worker on a clean queue, and stop both (and the
 * job producer) afterwards. Read `engine.sim` / `engine.worker` inside tests, once the hooks have run.
 */
export function simulatedEngineForSuite(
  options: { jobs?: number; simulator?: ArmSimulatorOptions } = {},
): SimulatedEngine {
  let sim: ArmSimulator | undefined;
  let worker: ProvisioningWorker | undefined;
  beforeAll(async () => {
    sim = await startTestSimulator(options.simulator);
    await clearProvisioningQueue();
    worker = await startProvisioningWorker({
      factory: simulatorFactory(sim),
      jobs: options.jobs ?? 2,
      executor: FAST_EXECUTOR,
      log: () => {},
    });
  });
  afterAll(async () => {
    await worker?.stop({ graceful: false });
    await stopProducer();
    await sim?.close();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (!value) throw new Error(`simulatedEngineForSuite: ${what} is read before beforeAll has run`);
    return value;
  };
  return {
    get sim() {
      return started(sim, "sim");
    },
    get worker() {
      return started(worker, "worker");
    },
  };
}

const ARM_PATHS = "^/subscriptions/";
// Five transport faults at 4.5 % each ≈ 20 % of all ARM requests, plus 20 % of operations ending Failed and 20 % of
// role assignments answering PrincipalNotFound.
export const FAULT_MIX_20_PERCENT: FaultRule[] = [
  { kind: "throttle", rate: 0.045, retryAfterSeconds: 1, pathPattern: ARM_PATHS },
  { kind: "throttle-no-retry-after", rate: 0.045, pathPattern: ARM_PATHS },
  { kind: "internal-error", rate: 0.045, pathPattern: ARM_PATHS },
  { kind: "service-unavailable", rate: 0.045, pathPattern: ARM_PATHS },
  { kind: "connection-reset", rate: 0.045, pathPattern: ARM_PATHS },
  {
    kind: "lro-failed",
    method: "PUT",
    rate: 0.2,
    errorCode: "InternalServerError",
    errorMessage: "The operation failed (injected fault).",
  },
  { kind: "principal-not-found", rate: 0.2 },
];
