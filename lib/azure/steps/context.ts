/**
 * What every step handler shares: the run context a step executes in, raw reads of ARM's wire JSON, and the two
 * generations of the SDKs' long-running-operation pollers (save the poller state right after ARM accepted the PUT;
 * resume from it instead of sending the PUT again).
 */
import "server-only";
import type { PlanStep } from "@/lib/plan/types";
import { currentArmCallContext, withArmCallContext } from "../call-context";
import type { ArmClients } from "../clients";
import { StepError } from "./errors";

export type Json = Record<string, unknown>;
export const obj = (v: unknown): Json => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {});
export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export interface StepRunContext {
  clients: ArmClients;
  /** Poll interval of long-running operations when ARM sends no Retry-After. */
  pollIntervalMs: number;
  /** Aborted when the worker stops or the step's deadline passes: every SDK call and every poll listens to it. */
  signal?: AbortSignal;
  /** Poller state saved by an earlier attempt (resume instead of re-sending). */
  lroState: string | null;
  saveLroState: (state: string) => Promise<void>;
  /** Attempts of this step before this one (a retried attempt reads before it writes). */
  previousAttempts: number;
}

export interface DriftItem {
  field: string;
  expected: unknown;
  actual: unknown;
}

export type CreateOutcome = "created" | "resumed" | "alreadyExists";

/** Adds one verification check: a label, what the plan expects, what ARM returned (ok defaults to equality). */
export type AddCheck = (label: string, expected: unknown, actual: unknown, ok?: boolean) => void;

/**
 * One plan step kind: how to read its resource, how to create it, how to verify it, and how long its operation may
 * take. The executor and the verification know no kind by name; a new kind is a new entry in the table (index.ts).
 */
export interface StepHandler {
  /**
   * Upper bound on one attempt, its long-running operation included (ms). From the azurerm provider's default create
   * timeouts (reliability reference §2.4): Azure ML workspace, compute and role assignment 30 min, private endpoint
   * 60 min, resource group 90 min; Azure publishes no SLO for these operations.
   */
  deadlineMs: number;
  /** GET before PUT on every attempt (computes are never overwritten; shared custom roles are written once). */
  readFirst?: boolean;
  read(step: PlanStep, clients: ArmClients): Promise<Json | null>;
  create(step: PlanStep, ctx: StepRunContext): Promise<CreateOutcome>;
  /** Differences between an existing resource and the plan (an existing resource is then left alone). */
  drift?(step: PlanStep, existing: Json): DriftItem[];
  /** The request's intent, checked on the resource as ARM returns it after provisioning. */
  verify?(step: PlanStep, have: Json, add: AddCheck): void;
}

export const MINUTE = 60_000;

export function isNotFound(err: unknown): boolean {
  return (err as { statusCode?: number })?.statusCode === 404;
}

/** Runs an SDK GET and returns the raw wire JSON of its response (null on 404). */
export async function readRaw(fn: () => Promise<unknown>): Promise<Json | null> {
  const outer = currentArmCallContext() ?? {};
  let body: string | null = null;
  try {
    await withArmCallContext(
      {
        ...outer,
        onResponse: (ids) => {
          if (ids.method === "GET" && ids.status === 200) body = ids.bodyText ?? null;
          outer.onResponse?.(ids);
        },
      },
      async () => {
        await fn();
      },
    );
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
  if (body === null) return {};
  try {
    return JSON.parse(body) as Json;
  } catch {
    return {};
  }
}

export function provisioningStateOf(raw: Json): string | null {
  return str(obj(raw.properties).provisioningState) ?? str(raw.provisioningState) ?? null;
}

/** arm-authorization sends scope verbatim (skipEncoding): without its leading slash, to avoid `//subscriptions`. */
export function scopeArg(scope: string | null): string {
  return (scope ?? "").replace(/^\/+/, "");
}

interface Lro2Poller<T> {
  toString(): string;
  pollUntilDone(options?: { abortSignal?: AbortSignal }): Promise<T>;
}
export type Lro2Options = { updateIntervalInMs?: number; resumeFrom?: string; abortSignal?: AbortSignal };

/** core-lro 2 pollers (arm-machinelearning 2.1.1, arm-network 36): save state after the PUT, resume from it. */
export async function runLro2<T>(
  ctx: StepRunContext,
  begin: (options: Lro2Options) => Promise<Lro2Poller<T>>,
): Promise<"created" | "resumed"> {
  const base = { updateIntervalInMs: ctx.pollIntervalMs, abortSignal: ctx.signal };
  if (ctx.lroState) {
    const poller = await begin({ ...base, resumeFrom: ctx.lroState });
    await poller.pollUntilDone({ abortSignal: ctx.signal });
    return "resumed";
  }
  const poller = await begin(base);
  await ctx.saveLroState(poller.toString());
  await poller.pollUntilDone({ abortSignal: ctx.signal });
  return "created";
}

export interface Lro3Poller<T> extends PromiseLike<T> {
  submitted(): Promise<void>;
  serialize(): Promise<string>;
  pollUntilDone(options?: { abortSignal?: AbortSignal }): Promise<T>;
}

/** core-lro 3 pollers (modular arm-storage 20, arm-keyvault 5): serialize after submission, restorePoller to resume. */
export async function runLro3<T>(
  ctx: StepRunContext,
  start: () => Lro3Poller<T>,
  restore: (state: string) => Lro3Poller<T>,
): Promise<"created" | "resumed"> {
  if (ctx.lroState) {
    await restore(ctx.lroState).pollUntilDone({ abortSignal: ctx.signal });
    return "resumed";
  }
  const poller = start();
  await poller.submitted();
  await ctx.saveLroState(await poller.serialize());
  await poller.pollUntilDone({ abortSignal: ctx.signal });
  return "created";
}

const abortableDelay = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

/**
 * Waits for a resource whose operation another (crashed) attempt started, by reading it until it is terminal. Bounded
 * by the step's signal (its deadline), like a poller.
 */
export async function waitForTerminal(
  read: () => Promise<Json | null>,
  ctx: StepRunContext,
  first: Json,
): Promise<string> {
  let state = provisioningStateOf(first);
  while (state && !/^(succeeded|failed|canceled|cancelled)$/i.test(state)) {
    await abortableDelay(Math.max(ctx.pollIntervalMs, 10), ctx.signal);
    if (ctx.signal?.aborted) throw new StepError("Aborted", "The step was stopped while it waited.", true);
    const again = await read();
    if (!again) return "Missing";
    state = provisioningStateOf(again);
  }
  return state ?? "Succeeded";
}

/** Adds fields the 2.1.1 Azure ML models drop to the call's PUT body (see ml-policy.ts). */
export function withMlPatch<T>(patch: Json | undefined, fn: () => Promise<T>): Promise<T> {
  if (!patch) return fn();
  return withArmCallContext({ ...(currentArmCallContext() ?? {}), mlBodyPatch: patch }, fn);
}
