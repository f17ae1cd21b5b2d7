/**
 * The provisioning executor: runs an approved plan's dependency graph against Azure with as much parallelism as the
 * graph allows (capped by `concurrency`; ARM's rate limits are enforced by the client factory's token buckets), and
 * records every step before and after it runs. A run is resumable: steps that succeeded are never run again, a step
 * that was running when its worker died resumes its saved long-running operation, and a step that failed stays failed
 * (the resumed run ends failed) until someone allowed retries the run. See README.md in this folder.
 */
import "server-only";
import { setMaxListeners } from "node:events";
import { db } from "@/lib/db/client";
import { formatRequestNumber } from "@/lib/plan/build-plan";
import type { Plan, PlanStep } from "@/lib/plan/types";
import { armErrorInfo } from "@/lib/azure/operations";
import {
  cancelPendingSteps,
  failRun,
  finishRun,
  startRun,
  succeedRun,
  type RequestForRun,
  type RunFailure,
  type RunRow,
} from "./run-state";
import { executeWithRetries, type StepRunOptions } from "./step-runner";
import { verifyPlan } from "./verify";
import { startChecksBeforeFirstWrite } from "@/lib/checks/apply";
import { changeVerificationTargets, executablePlanOf } from "@/lib/changes/engine";
import { isStoredChangePlan, type StoredChangePlan } from "@/lib/changes/types";

export { PROVISIONER } from "./step-runner";

export interface ExecutorOptions extends StepRunOptions {
  /** Steps of one run executed at once. */
  concurrency: number;
  log?: (message: string) => void;
}

export type RunOutcome = "SUCCEEDED" | "FAILED" | "CANCELLED" | "SKIPPED";

class AbortedRun extends Error {
  constructor() {
    super("The worker is stopping; the run will be resumed by another worker.");
    this.name = "AbortedRun";
  }
}

type StepRow = {
  stepKey: string;
  status: string;
  attempts: number;
  lroState: string | null;
  errorCode: string | null;
  errorMessage: string | null;
};

/** Runs (or resumes) one provisioning run. Safe to call again for the same run: finished runs are left alone. */
export async function runProvisioning(
  job: { requestId: string; runId: string },
  options: ExecutorOptions,
): Promise<RunOutcome> {
  const log = options.log ?? (() => {});
  // Every in-flight SDK call listens on the job's signal; a run has many at once.
  if (options.signal) setMaxListeners(0, options.signal);
  const [run, request, written] = await Promise.all([
    db.provisioningRun.findUnique({ where: { id: job.runId } }),
    db.workspaceRequest.findUnique({
      where: { id: job.requestId },
      select: {
        id: true,
        number: true,
        plan: true,
        planHash: true,
        workspaceSetId: true,
        requesterId: true,
        teamId: true,
        projectId: true,
        scopeSlug: true,
        region: true,
        kind: true,
      },
    }),
    db.provisioningStep.findFirst({
      where: { requestId: job.requestId, status: { in: ["RUNNING", "SUCCEEDED"] } },
      select: { stepKey: true },
    }),
  ]);
  if (!run || run.requestId !== job.requestId) {
    log(`run ${job.runId} of request ${job.requestId} not found; nothing to do`);
    return "SKIPPED";
  }
  if (run.status === "SUCCEEDED" || run.status === "FAILED" || run.status === "CANCELLED") return "SKIPPED";
  if (!request?.plan) {
    await finishRun(job, "FAILED", {
      errorCode: "NoPlan",
      errorMessage: "The request has no approved plan to provision.",
    });
    return "FAILED";
  }
  // A change request's plan is a change plan (lib/changes): its steps create, update or delete.
  const change = request.kind !== "NEW" && isStoredChangePlan(request.plan) ? request.plan : null;
  const plan = change ? executablePlanOf(change, request.id) : (request.plan as unknown as Plan);
  // Quota is a credit limit, not a guarantee: the checks run again before the first write (lib/checks/apply.ts). Their
  // reads start now, while the run is being started.
  const preflight = startChecksBeforeFirstWrite(request, options.factory, run.id, written !== null);
  if (!(await startRun(run, request.id, plan))) {
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
  const refusal = await preflight.outcome();
  if (refusal) {
    await failRun(request, run, refusal);
    log(`run ${run.id} stopped before its first write: ${refusal.errorMessage}`);
    return "FAILED";
  }
  const graph = await runGraph(request, run, plan, options);
  if (graph.kind === "aborted") throw new AbortedRun();
  if (graph.kind === "cancelled") {
    await cancelPendingSteps(request.id, run.id);
    log(`run ${run.id} cancelled`);
    return "CANCELLED";
  }
  if (graph.kind === "failed") {
    await failRun(request, run, graph.failure);
    log(`run ${run.id} failed at ${graph.failure.failedStepKey}: ${graph.failure.errorMessage}`);
    return "FAILED";
  }
  return verifyAndFinish(request, run, plan, options, change);
}

type GraphResult = { kind: "done" | "aborted" | "cancelled" } | { kind: "failed"; failure: RunFailure };

/**
 * Runs the graph's steps as their dependencies complete. After a step fails for good no new step starts; the steps in
 * flight finish and are recorded. A resumed run whose step had already failed only finishes the steps that were in
 * flight when its worker stopped, and then fails with that step's recorded error.
 */
async function runGraph(
  request: RequestForRun,
  run: RunRow,
  plan: Plan,
  options: ExecutorOptions,
): Promise<GraphResult> {
  const rows: StepRow[] = await db.provisioningStep.findMany({
    where: { requestId: request.id },
    select: { stepKey: true, status: true, attempts: true, lroState: true, errorCode: true, errorMessage: true },
  });
  const state = new Map(rows.map((r) => [r.stepKey, r]));
  const done = new Set(rows.filter((r) => r.status === "SUCCEEDED").map((r) => r.stepKey));
  const recorded = rows.find((r) => r.status === "FAILED");
  let failed: RunFailure | null = recorded
    ? {
        failedStepKey: recorded.stepKey,
        errorCode: recorded.errorCode ?? "StepFailed",
        errorMessage: recorded.errorMessage ?? "A step failed.",
      }
    : null;
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const waiting = new Set(
    plan.steps.filter((s) => !done.has(s.id) && (!failed || state.get(s.id)?.status === "RUNNING")).map((s) => s.id),
  );
  const running = new Map<string, Promise<void>>();
  let cancelled = false;
  let aborted = false;
  let broken: unknown = null;
  const runStep = async (step: PlanStep) => {
    const row = state.get(step.id);
    const prior = { attempts: row?.attempts ?? 0, lroState: row?.lroState ?? null };
    // An unexpected error (the database went away) stops the run like a stop would, after the steps in flight: the
    // job is released only when nothing of this run is still running in this process.
    const result = await singleFlight(step, () => executeWithRetries(request.id, step, run.id, prior, options)).catch(
      (err: unknown) => {
        broken ??= err;
        return { ok: false, aborted: true } as const;
      },
    );
    if (result.ok) done.add(step.id);
    else if (result.aborted) aborted = true;
    else failed ??= { failedStepKey: step.id, errorCode: result.code, errorMessage: result.message };
  };
  // A resumed failed run restarts only the steps that were in flight (their dependencies had completed).
  const resumingFailed = failed !== null;
  for (;;) {
    if (options.signal?.aborted) aborted = true;
    if ((!failed || resumingFailed) && !aborted && !cancelled) {
      for (const id of [...waiting]) {
        if (running.size >= options.concurrency) break;
        const step = byId.get(id)!;
        if (!resumingFailed && !step.dependsOn.every((d) => done.has(d))) continue;
        waiting.delete(id);
        running.set(
          id,
          runStep(step).finally(() => running.delete(id)),
        );
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
    if (!cancelled) {
      const status = await db.provisioningRun.findUnique({ where: { id: run.id }, select: { status: true } });
      cancelled = status?.status === "CANCELLED";
    }
  }
  if (broken) throw broken;
  if (aborted) return { kind: "aborted" };
  if (cancelled) return { kind: "cancelled" };
  if (failed) return { kind: "failed", failure: failed };
  if (waiting.size > 0) {
    // Unreachable with a valid plan (every dependency is a plan step); refuse to call it a success.
    const failedStepKey = [...waiting][0];
    const errorMessage = "Some steps depend on steps that are not in the plan.";
    return { kind: "failed", failure: { failedStepKey, errorCode: "UnresolvedDependency", errorMessage } };
  }
  return { kind: "done" };
}

/** Verification: read everything back and check the intent; the run succeeds only if every check holds. */
async function verifyAndFinish(
  request: RequestForRun,
  run: RunRow,
  plan: Plan,
  options: ExecutorOptions,
  change: StoredChangePlan | null,
): Promise<RunOutcome> {
  let verification;
  let desiredPlan: Plan | null = null;
  const verifyOptions = {
    concurrency: options.concurrency,
    maxAttempts: options.maxStepAttempts,
    retryBaseMs: options.retryBaseMs,
  };
  try {
    if (change) {
      // After a change: the whole new desired state as intended, and every deleted resource gone.
      const targets = await changeVerificationTargets(change, db);
      desiredPlan = targets.desired;
      verification = await verifyPlan(targets.desired, options.factory, verifyOptions, targets.deleted);
    } else verification = await verifyPlan(plan, options.factory, verifyOptions);
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
    const mismatches = verification.checks.filter((c) => !c.ok);
    const first = mismatches[0];
    await failRun(
      request,
      run,
      {
        failedStepKey: "verification",
        errorCode: "VerificationFailed",
        errorMessage: `Verification found ${mismatches.length} mismatch(es) with the approved plan; first: ${first.label} — expected ${JSON.stringify(first.expected)}, found ${JSON.stringify(first.actual)}.`,
      },
      verification,
    );
    return "FAILED";
  }
  await succeedRun(
    request,
    run,
    plan,
    verification,
    change && desiredPlan ? { stored: change, desiredPlan } : undefined,
  );
  options.log?.(`run ${run.id} (${formatRequestNumber(request.number)}) provisioned and verified`);
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
