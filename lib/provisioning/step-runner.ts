/**
 * One step of a run, attempt after attempt: each attempt is bounded by its kind's deadline (STEP_HANDLERS) and every
 * ARM request inside it by the client's request timeout; transient errors are retried with backoff; the step's final
 * status and its audit event are written in one transaction, so no crash can keep one without the other.
 */
import "server-only";
import { randomUUID } from "node:crypto";
import { Prisma } from "@/generated/prisma/client";
import { recordAuditEvent } from "@/lib/audit/record-event";
import { db } from "@/lib/db/client";
import type { PlanStep, StepKind } from "@/lib/plan/types";
import { withArmCallContext } from "@/lib/azure/call-context";
import type { ClientFactory } from "@/lib/azure/clients";
import {
  armErrorInfo,
  describeStepError,
  executeExecutableStep,
  STEP_HANDLERS,
  StepError,
  type DriftItem,
  type StepResult,
} from "@/lib/azure/operations";

export const PROVISIONER = { kind: "system", name: "provisioner" } as const;

export interface StepRunOptions {
  factory: ClientFactory;
  pollIntervalMs: number;
  /** Attempts per step for transient errors within one run. */
  maxStepAttempts: number;
  retryBaseMs: number;
  retryMaxMs?: number;
  /** Per-kind overrides of the handlers' deadlines (ms; tests shrink them with the simulator's time scale). */
  stepDeadlineMs?: Partial<Record<StepKind, number>>;
  signal?: AbortSignal;
  /** Called when a step is about to send its first ARM request (benchmarks). */
  onStepStart?: (stepKey: string) => void;
}

export type StepOutcome =
  { ok: true } | { ok: false; aborted: true } | { ok: false; aborted: false; code: string; message: string };

type ArmIds = { requestId: string | null; correlationId: string | null; write: boolean };

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

const jsonValue = (v: unknown) => JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue;

export async function executeWithRetries(
  requestId: string,
  step: PlanStep,
  runId: string,
  prior: { attempts: number; lroState: string | null },
  options: StepRunOptions,
): Promise<StepOutcome> {
  const where = { requestId_stepKey: { requestId, stepKey: step.id } };
  let lroState = prior.lroState;
  let attempts = prior.attempts;
  for (let attemptInRun = 1; ; attemptInRun++) {
    if (options.signal?.aborted) return { ok: false, aborted: true };
    attempts += 1;
    const correlationId = randomUUID();
    const ids: ArmIds = { requestId: null, correlationId: null, write: false };
    await db.provisioningStep.update({
      where,
      data: { status: "RUNNING", attempts, runId, startedAt: new Date(), finishedAt: null, correlationId },
    });
    options.onStepStart?.(step.id);
    let result: StepResult;
    try {
      result = await runAttempt(step, options, { correlationId, runId }, ids, {
        lroState,
        previousAttempts: attempts - 1,
        saveLroState: async (s) => {
          lroState = s;
          await db.provisioningStep.update({
            where,
            data: { lroState: s, armRequestId: ids.requestId, correlationId: ids.correlationId ?? correlationId },
          });
        },
      });
    } catch (err) {
      if (options.signal?.aborted) return { ok: false, aborted: true };
      const info = armErrorInfo(err);
      // A failed or broken operation is not resumed: the next attempt reads the resource and creates it again.
      lroState = null;
      const message = describeStepError(step, info);
      const armIds = { armRequestId: ids.requestId, correlationId: ids.correlationId ?? correlationId };
      if (!info.retryable || attemptInRun >= options.maxStepAttempts) {
        await recordStepFailed(
          step,
          requestId,
          runId,
          { errorCode: info.code, errorMessage: message, ...armIds },
          {
            attempts,
            errorMessage: info.message,
          },
        );
        return { ok: false, aborted: false, code: info.code, message };
      }
      await db.provisioningStep.update({
        where,
        data: { errorCode: info.code, errorMessage: message, lroState: null, ...armIds },
      });
      const backoff =
        Math.min(options.retryMaxMs ?? 60_000, options.retryBaseMs * 2 ** (attemptInRun - 1)) *
        (0.75 + Math.random() * 0.5);
      await sleep(Math.max(backoff, info.retryAfterMs ?? 0), options.signal);
      continue;
    }
    if (result.outcome === "drift") return recordDrift(step, requestId, runId, result.drift, ids, attempts);
    await db.provisioningStep.update({
      where,
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

/**
 * One attempt: the step's handler inside the call context that collects ARM's ids, bounded by the kind's deadline.
 * When the deadline passes the attempt's signal aborts every request and poll, and the step fails with
 * OperationTimedOut (not retried in the run: the operation may still be running in Azure; a retry waits for it).
 */
async function runAttempt(
  step: PlanStep,
  options: StepRunOptions,
  { correlationId, runId }: { correlationId: string; runId: string },
  ids: ArmIds,
  lro: { lroState: string | null; previousAttempts: number; saveLroState: (s: string) => Promise<void> },
): Promise<StepResult> {
  const deadlineMs = options.stepDeadlineMs?.[step.kind] ?? STEP_HANDLERS[step.kind].deadlineMs;
  const deadline = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
  const timedOut = new Promise<never>((_, reject) => {
    deadline.signal.addEventListener("abort", () => reject(deadlineError(step, deadlineMs)), { once: true });
  });
  const timer = setTimeout(() => deadline.abort(), deadlineMs);
  const onResponse = (r: { method: string; requestId: string | null; correlationId: string | null }) => {
    const isWrite = r.method !== "GET" && r.method !== "HEAD";
    // Keep the ids of the last write (the create), else of the last read.
    if (isWrite || !ids.write) {
      ids.requestId = r.requestId;
      ids.correlationId = r.correlationId;
      ids.write = ids.write || isWrite;
    }
  };
  const work = withArmCallContext({ correlationId, flow: runId, onResponse }, () =>
    serialisedIfShared(step, () =>
      // A change plan's step carries its op (create, update, delete); a creation plan's steps are creates.
      executeExecutableStep(step, {
        clients: options.factory.forSubscription(step.target.subscriptionId),
        pollIntervalMs: options.pollIntervalMs,
        signal,
        ...lro,
      }),
    ),
  );
  // The losing side of the race settles later; its outcome is already decided.
  work.catch(() => undefined);
  timedOut.catch(() => undefined);
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function deadlineError(step: PlanStep, deadlineMs: number): StepError {
  const minutes = deadlineMs >= 60_000 ? `${Math.round(deadlineMs / 60_000)} min` : `${deadlineMs / 1000} s`;
  return new StepError(
    "OperationTimedOut",
    `Azure's operation was still running after ${minutes}, the longest Atrium waits for this kind of resource.`,
    false,
  );
}

/** The step's FAILED status and its step_failed event, in one transaction. */
async function recordStepFailed(
  step: PlanStep,
  requestId: string,
  runId: string,
  data: {
    errorCode: string;
    errorMessage: string;
    armRequestId: string | null;
    correlationId?: string;
    drift?: DriftItem[];
  },
  event: Record<string, unknown>,
) {
  const { drift, ...columns } = data;
  await db.$transaction(async (tx) => {
    await tx.provisioningStep.update({
      where: { requestId_stepKey: { requestId, stepKey: step.id } },
      data: {
        status: "FAILED",
        finishedAt: new Date(),
        lroState: null,
        ...columns,
        ...(drift ? { drift: jsonValue(drift) } : {}),
      },
    });
    await recordAuditEvent(tx, {
      actor: PROVISIONER,
      action: "provisioning.step_failed",
      entityType: "provisioning_step",
      entityId: `${requestId}/${step.id}`,
      requestId,
      after: {
        stepKey: step.id,
        kind: step.kind,
        name: step.name,
        errorCode: data.errorCode,
        armRequestId: data.armRequestId,
        ...event,
      },
      correlationId: runId,
    });
  });
}

async function recordDrift(
  step: PlanStep,
  requestId: string,
  runId: string,
  drift: DriftItem[],
  ids: ArmIds,
  attempts: number,
): Promise<StepOutcome> {
  const info = {
    code: "ComputeDrift",
    message: `Differences: ${drift.map((d) => `${d.field} is ${JSON.stringify(d.actual)}, plan says ${JSON.stringify(d.expected)}`).join("; ")}.`,
  };
  const message = describeStepError(step, info);
  await recordStepFailed(
    step,
    requestId,
    runId,
    { errorCode: info.code, errorMessage: message, armRequestId: ids.requestId, drift },
    { attempts, drift },
  );
  return { ok: false, aborted: false, code: info.code, message };
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
