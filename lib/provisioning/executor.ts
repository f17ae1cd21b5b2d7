/**
 * The provisioning executor: runs an approved plan's dependency graph against Azure with as much parallelism as the
 * graph allows (capped by `concurrency`; ARM's rate limits are enforced by the client factory's token buckets), and
 * records every step before and after it runs. A run is resumable: steps that succeeded are never run again, a step
 * that was running when its worker died resumes its saved long-running operation, and failed steps run again when
 * the run is retried.
 */
import "server-only";
import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import { Prisma } from "@/generated/prisma/client";
import type { RequestStatus } from "@/generated/prisma/enums";
import { recordAuditEvent } from "@/lib/audit/record-event";
import { db } from "@/lib/db/client";
import { notifyRole, notifyUsers } from "@/lib/notifications/notify";
import { formatRequestNumber } from "@/lib/plan/build-plan";
import type { Plan, PlanStep } from "@/lib/plan/types";
import { withArmCallContext } from "@/lib/azure/call-context";
import type { ClientFactory } from "@/lib/azure/clients";
import { armErrorInfo, describeStepError, executeStep, type StepResult } from "@/lib/azure/operations";
import { verifyPlan, type VerificationResult } from "./verify";

export const PROVISIONER = { kind: "system", name: "provisioner" } as const;

export interface ExecutorOptions {
  factory: ClientFactory;
  /** Steps of one run executed at once. */
  concurrency: number;
  pollIntervalMs: number;
  /** Attempts per step for transient errors within one run. */
  maxStepAttempts: number;
  retryBaseMs: number;
  retryMaxMs?: number;
  signal?: AbortSignal;
  log?: (message: string) => void;
  /** Called when a step is about to send its first ARM request (benchmarks). */
  onStepStart?: (stepKey: string) => void;
}

export type RunOutcome = "SUCCEEDED" | "FAILED" | "CANCELLED" | "SKIPPED";

const STARTABLE: RequestStatus[] = ["APPROVED", "STAKEHOLDER_APPROVED", "FAILED", "PROVISIONING"];

function jsonValue(v: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });

class AbortedRun extends Error {
  constructor() {
    super("The worker is stopping; the run will be resumed by another worker.");
    this.name = "AbortedRun";
  }
}

/** Runs (or resumes) one provisioning run. Safe to call again for the same run: finished runs are left alone. */
export async function runProvisioning(
  job: { requestId: string; runId: string },
  options: ExecutorOptions,
): Promise<RunOutcome> {
  const log = options.log ?? (() => {});
  // Every in-flight SDK call listens on the job's signal; a run has many at once.
  if (options.signal) setMaxListeners(0, options.signal);
  const run = await db.provisioningRun.findUnique({ where: { id: job.runId } });
  if (!run || run.requestId !== job.requestId) {
    log(`run ${job.runId} of request ${job.requestId} not found; nothing to do`);
    return "SKIPPED";
  }
  if (run.status === "SUCCEEDED" || run.status === "FAILED" || run.status === "CANCELLED") return "SKIPPED";
  const request = await db.workspaceRequest.findUnique({
    where: { id: job.requestId },
    select: {
      id: true,
      number: true,
      status: true,
      version: true,
      plan: true,
      requesterId: true,
      teamId: true,
      projectId: true,
      scopeSlug: true,
      region: true,
    },
  });
  if (!request?.plan) {
    await finishRun(job, "FAILED", {
      errorCode: "NoPlan",
      errorMessage: "The request has no approved plan to provision.",
    });
    return "FAILED";
  }
  const plan = request.plan as unknown as Plan;
  const correlationId = run.id;

  // Start (or resume): run RUNNING, request PROVISIONING, one step row per plan step.
  const started = await db.$transaction(async (tx) => {
    const current = await tx.workspaceRequest.findUnique({
      where: { id: request.id },
      select: { status: true, version: true },
    });
    if (!current || !STARTABLE.includes(current.status)) return false;
    if (run.status === "QUEUED") {
      const moved = await tx.provisioningRun.updateMany({
        where: { id: run.id, status: "QUEUED" },
        data: { status: "RUNNING", startedAt: new Date() },
      });
      if (moved.count === 0) return false;
    }
    if (current.status !== "PROVISIONING") {
      const moved = await tx.workspaceRequest.updateMany({
        where: { id: request.id, status: current.status, version: current.version },
        data: { status: "PROVISIONING", provisioningAt: new Date(), version: { increment: 1 } },
      });
      if (moved.count === 0)
        throw new Error("The request changed while provisioning started; the job will be retried.");
      await recordAuditEvent(tx, {
        actor: PROVISIONER,
        action: "request.provisioning_started",
        entityType: "request",
        entityId: request.id,
        requestId: request.id,
        before: { status: current.status },
        after: { status: "PROVISIONING", runId: run.id, attempt: run.attempt },
        correlationId,
      });
    }
    await tx.provisioningStep.createMany({
      data: plan.steps.map((s) => ({
        requestId: request.id,
        stepKey: s.id,
        environment: s.environment ? (s.environment.toUpperCase() as "DEV" | "TEST" | "PROD") : null,
        kind: s.kind,
        name: s.name,
        resourceId: s.resourceId,
        runId: run.id,
      })),
      skipDuplicates: true,
    });
    // A retried run runs the failed and cancelled steps again (a failed operation's poller state is useless).
    await tx.provisioningStep.updateMany({
      where: { requestId: request.id, status: { in: ["FAILED", "CANCELLED"] } },
      data: {
        status: "PENDING",
        errorCode: null,
        errorMessage: null,
        lroState: null,
        drift: Prisma.DbNull,
        runId: run.id,
      },
    });
    return true;
  });
  if (!started) {
    log(
      `request ${formatRequestNumber(request.number)} is not in a state that can be provisioned; run ${run.id} cancelled`,
    );
    await finishRun(job, "CANCELLED", {
      errorCode: "NotProvisionable",
      errorMessage: "The request is no longer approved for provisioning.",
    });
    return "CANCELLED";
  }
  log(
    `run ${run.id} (${formatRequestNumber(request.number)}, attempt ${run.attempt}) started: ${plan.steps.length} steps`,
  );

  const rows = await db.provisioningStep.findMany({
    where: { requestId: request.id },
    select: { stepKey: true, status: true, attempts: true, lroState: true },
  });
  const state = new Map(rows.map((r) => [r.stepKey, r]));
  const done = new Set(rows.filter((r) => r.status === "SUCCEEDED").map((r) => r.stepKey));
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const waiting = new Set(plan.steps.filter((s) => !done.has(s.id)).map((s) => s.id));
  const running = new Map<string, Promise<void>>();
  let failed: { step: PlanStep; code: string; message: string } | null = null;
  let cancelled = false;
  let aborted = false;

  const runStep = async (step: PlanStep) => {
    const row = state.get(step.id);
    const result = await singleFlight(step, () =>
      executeWithRetries(request.id, step, run.id, row?.attempts ?? 0, row?.lroState ?? null, options),
    );
    if (result.ok) done.add(step.id);
    else if (result.aborted) aborted = true;
    else if (!failed) failed = { step, code: result.code, message: result.message };
  };

  while (true) {
    if (options.signal?.aborted) aborted = true;
    if (!failed && !aborted && !cancelled) {
      for (const id of [...waiting]) {
        if (running.size >= options.concurrency) break;
        const step = byId.get(id)!;
        if (!step.dependsOn.every((d) => done.has(d))) continue;
        waiting.delete(id);
        const p = runStep(step).finally(() => running.delete(id));
        running.set(id, p);
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
    if (!cancelled) {
      const status = await db.provisioningRun.findUnique({ where: { id: run.id }, select: { status: true } });
      cancelled = status?.status === "CANCELLED";
    }
  }

  if (aborted) throw new AbortedRun();
  if (cancelled) {
    await db.provisioningStep.updateMany({
      where: { requestId: request.id, status: "PENDING" },
      data: { status: "CANCELLED", runId: run.id },
    });
    log(`run ${run.id} cancelled`);
    return "CANCELLED";
  }
  const failure = failed as { step: PlanStep; code: string; message: string } | null;
  if (failure) {
    await failRun(request, run, {
      failedStepKey: failure.step.id,
      errorCode: failure.code,
      errorMessage: failure.message,
    });
    log(`run ${run.id} failed at ${failure.step.id}: ${failure.message}`);
    return "FAILED";
  }
  if (waiting.size > 0) {
    // Unreachable with a valid plan (every dependency is a plan step); refuse to call it a success.
    await failRun(request, run, {
      failedStepKey: [...waiting][0],
      errorCode: "UnresolvedDependency",
      errorMessage: "Some steps depend on steps that are not in the plan.",
    });
    return "FAILED";
  }

  // Verification: read everything back and check the intent.
  let verification: VerificationResult;
  try {
    verification = await verifyPlan(plan, options.factory, {
      concurrency: options.concurrency,
      maxAttempts: options.maxStepAttempts,
      retryBaseMs: options.retryBaseMs,
    });
  } catch (err) {
    const info = armErrorInfo(err);
    if (options.signal?.aborted) throw new AbortedRun();
    await failRun(request, run, {
      failedStepKey: "verification",
      errorCode: info.code,
      errorMessage: `Reading the resources back failed (${info.code}): ${info.message}`,
    });
    return "FAILED";
  }
  if (!verification.ok) {
    const first = verification.checks.find((c) => !c.ok)!;
    await failRun(
      request,
      run,
      {
        failedStepKey: "verification",
        errorCode: "VerificationFailed",
        errorMessage: `Verification found ${verification.checks.filter((c) => !c.ok).length} mismatch(es) with the approved plan; first: ${first.label} — expected ${JSON.stringify(first.expected)}, found ${JSON.stringify(first.actual)}.`,
      },
      verification,
    );
    return "FAILED";
  }
  await succeedRun(request, run, plan, verification);
  log(`run ${run.id} (${formatRequestNumber(request.number)}) provisioned and verified`);
  return "SUCCEEDED";
}

/**
 * Custom role definitions are shared by every request in a subscription: runs in this process that need the same one
 * at the same time wait for the first, whose GET-then-PUT creates it once (the others then find it).
 */
const inFlightShared = new Map<string, Promise<unknown>>();
async function singleFlight<T>(step: PlanStep, fn: () => Promise<T>): Promise<T> {
  if (step.kind !== "roleDefinition") return fn();
  while (inFlightShared.has(step.resourceId)) await inFlightShared.get(step.resourceId)!.catch(() => undefined);
  const p = fn();
  inFlightShared.set(step.resourceId, p);
  try {
    return await p;
  } finally {
    inFlightShared.delete(step.resourceId);
  }
}

type StepOutcome =
  { ok: true } | { ok: false; aborted: true } | { ok: false; aborted: false; code: string; message: string };

async function executeWithRetries(
  requestId: string,
  step: PlanStep,
  runId: string,
  priorAttempts: number,
  savedLro: string | null,
  options: ExecutorOptions,
): Promise<StepOutcome> {
  let lroState = savedLro;
  let attempts = priorAttempts;
  const factory = options.factory;
  for (let attemptInRun = 1; ; attemptInRun++) {
    if (options.signal?.aborted) return { ok: false, aborted: true };
    attempts += 1;
    const correlationId = randomUUID();
    const ids: { requestId: string | null; correlationId: string | null; write: boolean } = {
      requestId: null,
      correlationId: null,
      write: false,
    };
    await db.provisioningStep.update({
      where: { requestId_stepKey: { requestId: requestId, stepKey: step.id } },
      data: { status: "RUNNING", attempts, runId, startedAt: new Date(), finishedAt: null, correlationId },
    });
    options.onStepStart?.(step.id);
    let result: StepResult;
    try {
      result = await withArmCallContext(
        {
          correlationId,
          onResponse: (r) => {
            const isWrite = r.method !== "GET" && r.method !== "HEAD";
            // Keep the ids of the last write (the create), else of the last read.
            if (isWrite || !ids.write) {
              ids.requestId = r.requestId;
              ids.correlationId = r.correlationId;
              ids.write = ids.write || isWrite;
            }
          },
        },
        () =>
          serialisedIfShared(step, () =>
            executeStep(step, {
              clients: factory.forSubscription(step.target.subscriptionId),
              pollIntervalMs: options.pollIntervalMs,
              signal: options.signal,
              lroState,
              previousAttempts: attempts - 1,
              saveLroState: async (s) => {
                lroState = s;
                await db.provisioningStep.update({
                  where: { requestId_stepKey: { requestId: requestId, stepKey: step.id } },
                  data: { lroState: s, armRequestId: ids.requestId, correlationId: ids.correlationId ?? correlationId },
                });
              },
            }),
          ),
      );
    } catch (err) {
      if (options.signal?.aborted) return { ok: false, aborted: true };
      const info = armErrorInfo(err);
      // A failed or broken operation is not resumed: the next attempt reads the resource and creates it again.
      lroState = null;
      const message = describeStepError(step, info);
      const retry = info.retryable && attemptInRun < options.maxStepAttempts;
      await db.provisioningStep.update({
        where: { requestId_stepKey: { requestId: requestId, stepKey: step.id } },
        data: {
          status: retry ? "RUNNING" : "FAILED",
          finishedAt: retry ? null : new Date(),
          errorCode: info.code,
          errorMessage: message,
          lroState: null,
          armRequestId: ids.requestId,
          correlationId: ids.correlationId ?? correlationId,
        },
      });
      if (!retry) {
        await db.$transaction((tx) =>
          recordAuditEvent(tx, {
            actor: PROVISIONER,
            action: "provisioning.step_failed",
            entityType: "provisioning_step",
            entityId: `${requestId}/${step.id}`,
            requestId: requestId,
            after: {
              stepKey: step.id,
              kind: step.kind,
              name: step.name,
              attempts,
              errorCode: info.code,
              errorMessage: info.message,
              armRequestId: ids.requestId,
            },
            correlationId: runId,
          }),
        );
        return { ok: false, aborted: false, code: info.code, message };
      }
      const backoff =
        Math.min(options.retryMaxMs ?? 60_000, options.retryBaseMs * 2 ** (attemptInRun - 1)) *
        (0.75 + Math.random() * 0.5);
      await sleep(Math.max(backoff, info.retryAfterMs ?? 0), options.signal);
      continue;
    }
    if (result.outcome === "drift") {
      const info = {
        code: "ComputeDrift",
        message: `Differences: ${result.drift.map((d) => `${d.field} is ${JSON.stringify(d.actual)}, plan says ${JSON.stringify(d.expected)}`).join("; ")}.`,
      };
      const message = describeStepError(step, info);
      await db.provisioningStep.update({
        where: { requestId_stepKey: { requestId: requestId, stepKey: step.id } },
        data: {
          status: "FAILED",
          finishedAt: new Date(),
          errorCode: info.code,
          errorMessage: message,
          drift: jsonValue(result.drift),
          armRequestId: ids.requestId,
        },
      });
      await db.$transaction((tx) =>
        recordAuditEvent(tx, {
          actor: PROVISIONER,
          action: "provisioning.step_failed",
          entityType: "provisioning_step",
          entityId: `${requestId}/${step.id}`,
          requestId: requestId,
          after: { stepKey: step.id, kind: step.kind, name: step.name, errorCode: info.code, drift: result.drift },
          correlationId: runId,
        }),
      );
      return { ok: false, aborted: false, code: info.code, message };
    }
    await db.provisioningStep.update({
      where: { requestId_stepKey: { requestId: requestId, stepKey: step.id } },
      data: {
        status: "SUCCEEDED",
        finishedAt: new Date(),
        errorCode: null,
        errorMessage: null,
        lroState: null,
        armRequestId: ids.requestId,
        correlationId: ids.correlationId ?? correlationId,
      },
    });
    return { ok: true };
  }
}

type RequestForRun = {
  id: string;
  number: number;
  requesterId: string;
  teamId: string | null;
  projectId: string | null;
  scopeSlug: string | null;
  region: string | null;
};
type RunRow = { id: string; attempt: number };

async function finishRun(
  job: { requestId: string; runId: string },
  status: "FAILED" | "CANCELLED",
  error: { errorCode: string; errorMessage: string },
) {
  await db.provisioningRun.updateMany({
    where: { id: job.runId, status: { in: ["QUEUED", "RUNNING"] } },
    data: { status, finishedAt: new Date(), ...error },
  });
}

async function failRun(
  request: RequestForRun,
  run: RunRow,
  error: { failedStepKey: string; errorCode: string; errorMessage: string },
  verification?: VerificationResult,
) {
  const label = formatRequestNumber(request.number);
  await db.$transaction(async (tx) => {
    const moved = await tx.provisioningRun.updateMany({
      where: { id: run.id, status: "RUNNING" },
      data: {
        status: "FAILED",
        finishedAt: new Date(),
        ...error,
        ...(verification ? { verification: jsonValue(verification) } : {}),
      },
    });
    if (moved.count === 0) return; // cancelled meanwhile
    const current = await tx.workspaceRequest.findUnique({
      where: { id: request.id },
      select: { status: true, version: true },
    });
    if (current?.status === "PROVISIONING") {
      await tx.workspaceRequest.updateMany({
        where: { id: request.id, status: "PROVISIONING", version: current.version },
        data: { status: "FAILED", version: { increment: 1 } },
      });
    }
    await recordAuditEvent(tx, {
      actor: PROVISIONER,
      action: "request.provisioning_failed",
      entityType: "request",
      entityId: request.id,
      requestId: request.id,
      before: { status: "PROVISIONING" },
      after: { status: "FAILED", runId: run.id, attempt: run.attempt, ...error },
      correlationId: run.id,
    });
    const note = {
      kind: "provisioning.failed",
      title: `${label}: provisioning failed`,
      body: error.errorMessage,
      requestId: request.id,
    };
    await notifyUsers(tx, [request.requesterId], note);
    await notifyRole(tx, "ADMIN", note, [request.requesterId]);
  });
}

async function succeedRun(request: RequestForRun, run: RunRow, plan: Plan, verification: VerificationResult) {
  const label = formatRequestNumber(request.number);
  await db.$transaction(async (tx) => {
    const moved = await tx.provisioningRun.updateMany({
      where: { id: run.id, status: "RUNNING" },
      data: {
        status: "SUCCEEDED",
        finishedAt: new Date(),
        verification: jsonValue(verification),
        failedStepKey: null,
        errorCode: null,
        errorMessage: null,
      },
    });
    if (moved.count === 0) return;
    const current = await tx.workspaceRequest.findUnique({
      where: { id: request.id },
      select: { status: true, version: true },
    });
    if (current?.status === "PROVISIONING") {
      await tx.workspaceRequest.updateMany({
        where: { id: request.id, status: "PROVISIONING", version: current.version },
        data: { status: "PROVISIONED", provisionedAt: new Date(), version: { increment: 1 } },
      });
    }
    for (const step of plan.steps.filter((s) => s.kind === "workspace")) {
      const environment = step.environment!.toUpperCase() as "DEV" | "TEST" | "PROD";
      const data = {
        requestId: request.id,
        environment,
        name: step.name,
        region: String(step.body.location ?? plan.region),
        scopeSlug: plan.scopeSlug,
        teamId: request.teamId!,
        projectId: request.projectId,
        status: "ACTIVE" as const,
      };
      const ws = await tx.workspace.upsert({
        where: { armId: step.resourceId },
        create: { armId: step.resourceId, ...data },
        update: data,
      });
      await recordAuditEvent(tx, {
        actor: PROVISIONER,
        action: "workspace.verified",
        entityType: "workspace",
        entityId: ws.id,
        requestId: request.id,
        after: {
          armId: step.resourceId,
          environment,
          checks: verification.checks.filter((c) => c.environment === step.environment).length,
          mismatches: 0,
        },
        correlationId: run.id,
      });
    }
    await recordAuditEvent(tx, {
      actor: PROVISIONER,
      action: "request.provisioned",
      entityType: "request",
      entityId: request.id,
      requestId: request.id,
      before: { status: "PROVISIONING" },
      after: {
        status: "PROVISIONED",
        runId: run.id,
        attempt: run.attempt,
        workspaces: plan.steps.filter((s) => s.kind === "workspace").map((s) => s.resourceId),
      },
      correlationId: run.id,
    });
    await notifyUsers(tx, [request.requesterId], {
      kind: "provisioning.succeeded",
      title: `${label}: workspaces ready`,
      body: `Atrium created and verified ${plan.steps.length} resources in ${plan.environments.join(", ")}.`,
      requestId: request.id,
    });
  });
}

/**
 * Custom role definitions are shared by every request in a subscription, so two runs may reach the same one at
 * once; both would find it missing and both PUT it. A transaction-scoped advisory lock on the resource id
 * serialises their GET + PUT across workers: the second run finds the role and leaves it alone. (A worker that
 * dies releases the lock with its connection.)
 */
async function serialisedIfShared<T>(step: PlanStep, run: () => Promise<T>): Promise<T> {
  if (step.kind !== "roleDefinition") return run();
  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${step.resourceId.toLowerCase()}, 0))`;
      return run();
    },
    { maxWait: 60_000, timeout: 10 * 60_000 },
  );
}
