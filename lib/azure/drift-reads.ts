/**
 * The drift watch's reads of a workspace set as Azure has it now, through the SDK only and read-only (GETs and lists):
 * every plan resource by its step handler's read, and the role assignments in each environment's resource group by
 * one list (below the group: the workspace and its dependencies are the scopes Atrium manages), so a set costs one
 * read per resource plus one per environment, not one per role assignment.
 *
 * Every read first passes `gate` (the drift watch's share of the subscription's read budget, lib/drift/pacer.ts) and
 * then the client factory's token bucket that provisioning uses too (lib/azure/throttle.ts), so a scan never takes
 * ARM's burst away from a run and never sends more reads than the subscription refills.
 */
import "server-only";
import { getContinuationToken } from "@azure/arm-authorization";
import type { Plan, PlanStep } from "@/lib/plan/types";
import type { ClientFactory } from "./clients";
import { readStepResource } from "./steps";
import { isNotFound, type Json, scopeArg } from "./steps/context";
import { armErrorInfo } from "./steps/errors";

export interface ReadGate {
  /** Resolves when this subscription may take one more read. */
  take(subscriptionId: string, signal?: AbortSignal): Promise<void>;
}

export interface ObservedAssignment {
  id: string;
  name: string;
  scope: string;
  roleDefinitionId: string;
  principalId: string;
  principalType: string | null;
  description: string | null;
}

export interface ObservedEstate {
  /** Per plan step id (role assignments excluded: they come from the lists): the resource as GET returns it, null = missing. */
  resources: Record<string, Json | null>;
  /** Per resource group id (lower case): every role assignment at or below it. */
  assignments: Record<string, ObservedAssignment[]>;
  /** ARM requests sent (pages included). */
  reads: number;
}

export interface ObserveOptions {
  gate: ReadGate;
  /** Reads of this set in flight at once. */
  concurrency: number;
  /** Attempts per read for transient errors (the pipeline already waits out 429s). */
  maxAttempts?: number;
  retryBaseMs?: number;
  signal?: AbortSignal;
}

const resourceGroupIdOf = (step: PlanStep) =>
  `/subscriptions/${step.target.subscriptionId}/resourceGroups/${step.target.resourceGroup}`;

async function withRetries<T>(options: ObserveOptions, fn: () => Promise<T>): Promise<T> {
  const max = options.maxAttempts ?? 4;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const info = armErrorInfo(err);
      if (!info.retryable || attempt >= max || options.signal?.aborted) throw err;
      const base = options.retryBaseMs ?? 1_000;
      const delay = Math.max(info.retryAfterMs ?? 0, Math.min(30_000, base * 2 ** (attempt - 1)));
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/** Reads everything a drift scan compares for one plan. Throws when Azure keeps failing (the scan then fails visibly). */
export async function observePlan(
  plan: Plan,
  factory: ClientFactory,
  options: ObserveOptions,
): Promise<ObservedEstate> {
  const out: ObservedEstate = { resources: {}, assignments: {}, reads: 0 };
  const tasks: Array<() => Promise<void>> = [];
  const groups = new Map<string, PlanStep>();
  for (const step of plan.steps) {
    if (step.kind === "roleAssignment") continue;
    if (step.kind === "resourceGroup") groups.set(resourceGroupIdOf(step).toLowerCase(), step);
    tasks.push(async () => {
      const clients = factory.forSubscription(step.target.subscriptionId);
      out.resources[step.id] = await withRetries(options, async () => {
        await options.gate.take(step.target.subscriptionId, options.signal);
        out.reads += 1;
        return readStepResource(step, clients);
      });
    });
  }
  async function listAssignments(step: PlanStep): Promise<ObservedAssignment[]> {
    const clients = factory.forSubscription(step.target.subscriptionId);
    const found: ObservedAssignment[] = [];
    const pages = clients.authorization.roleAssignments
      .listForScope(scopeArg(resourceGroupIdOf(step)), { abortSignal: options.signal })
      .byPage();
    // The first page always costs a read; a next one only when the last page had a continuation.
    for (let more = true; more;) {
      await options.gate.take(step.target.subscriptionId, options.signal);
      out.reads += 1;
      const page = await pages.next();
      if (page.done) break;
      more = getContinuationToken(page.value) !== undefined;
      for (const a of page.value) {
        found.push({
          id: a.id ?? "",
          name: a.name ?? "",
          scope: a.scope ?? "",
          roleDefinitionId: a.roleDefinitionId ?? "",
          principalId: a.principalId ?? "",
          principalType: a.principalType ?? null,
          description: a.description ?? null,
        });
      }
    }
    return found;
  }
  for (const [groupId, step] of groups) {
    tasks.push(async () => {
      out.assignments[groupId] = await withRetries(options, () => listAssignments(step)).catch((err: unknown) => {
        // A resource group deleted by hand holds no assignments: its resources are reported missing instead.
        if (isNotFound(err)) return [];
        throw err;
      });
    });
  }
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency, tasks.length)) }, async () => {
    for (let task = tasks.shift(); task; task = tasks.shift()) await task();
  });
  await Promise.all(workers);
  return out;
}
