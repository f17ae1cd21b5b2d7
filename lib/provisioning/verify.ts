/**
 * Verification after provisioning: read every resource of the plan back through the SDK and check the request's
 * intent — public network access as requested, idle shutdown on every compute instance, every cluster at min 0 nodes,
 * each role assignment present with the right role, principal and scope. The result is stored on the run.
 */
import "server-only";
import type { ClientFactory } from "@/lib/azure/clients";
import { armErrorInfo, readStepResource, STEP_HANDLERS } from "@/lib/azure/operations";
import type { Plan, PlanEnvironment, PlanStep } from "@/lib/plan/types";

export interface VerificationCheck {
  stepKey: string;
  environment: PlanEnvironment | null;
  label: string;
  ok: boolean;
  expected: unknown;
  actual: unknown;
}

export interface VerificationResult {
  ok: boolean;
  checkedAt: string;
  resources: number;
  checks: VerificationCheck[];
}

type Json = Record<string, unknown>;

/** The checks for one step, given the resource as ARM returns it (null = missing); the kind's handler knows its intent. */
export function checkStep(step: PlanStep, raw: Json | null): VerificationCheck[] {
  const base = { stepKey: step.id, environment: step.environment };
  if (!raw)
    return [{ ...base, label: `${step.kind} ${step.name} exists`, ok: false, expected: "present", actual: "missing" }];
  const checks: VerificationCheck[] = [
    { ...base, label: `${step.kind} ${step.name} exists`, ok: true, expected: "present", actual: "present" },
  ];
  STEP_HANDLERS[step.kind].verify?.(step, raw, (label, expected, actual, ok = expected === actual) =>
    checks.push({ ...base, label, ok, expected, actual: actual ?? null }),
  );
  return checks;
}

/** Reads with the executor's retry policy for transient errors (429 without Retry-After, resets, 5xx after the SDK's own retries). */
async function readWithRetries(
  step: PlanStep,
  factory: ClientFactory,
  options: { maxAttempts: number; retryBaseMs: number },
) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readStepResource(step, factory.forSubscription(step.target.subscriptionId));
    } catch (err) {
      const info = armErrorInfo(err);
      if (!info.retryable || attempt >= options.maxAttempts) throw err;
      const delay = Math.max(info.retryAfterMs ?? 0, Math.min(30_000, options.retryBaseMs * 2 ** (attempt - 1)));
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/** After a change: a deleted resource must be gone. */
export function checkDeleted(step: PlanStep, raw: Json | null): VerificationCheck {
  return {
    stepKey: step.id,
    environment: step.environment,
    label: `${step.kind} ${step.name} deleted`,
    ok: raw === null,
    expected: "absent",
    actual: raw === null ? "absent" : "present",
  };
}

/** Reads every step of the plan back (and, after a change, every deleted resource) and checks the intent. */
export async function verifyPlan(
  plan: Plan,
  factory: ClientFactory,
  options: { concurrency: number; maxAttempts: number; retryBaseMs: number },
  deleted: readonly PlanStep[] = [],
): Promise<VerificationResult> {
  const checks: VerificationCheck[] = [];
  const queue = [...plan.steps.map((s) => ({ s, gone: false })), ...deleted.map((s) => ({ s, gone: true }))];
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency, queue.length)) }, async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      const raw = await readWithRetries(item.s, factory, options);
      if (item.gone) checks.push(checkDeleted(item.s, raw));
      else checks.push(...checkStep(item.s, raw));
    }
  });
  await Promise.all(workers);
  const order = new Map(plan.steps.map((s, i) => [s.id, i]));
  checks.sort((a, b) => (order.get(a.stepKey) ?? 0) - (order.get(b.stepKey) ?? 0));
  return {
    ok: checks.every((c) => c.ok),
    checkedAt: new Date().toISOString(),
    resources: plan.steps.length + deleted.length,
    checks,
  };
}
