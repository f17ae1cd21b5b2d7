/**
 * The step table: one handler per plan step kind (read, create, verify, deadline). Every step is idempotent:
 * - deterministic names come from the plan, and ARM's PUT is create-or-update;
 * - kinds marked readFirst (computes, shared custom roles) are read before every PUT; every other kind is read first
 *   when an earlier attempt may already have sent the PUT (a retried step without saved poller state);
 * - long-running operations save their poller state right after ARM accepted the PUT, and a restarted worker resumes
 *   polling from it instead of sending the PUT again;
 * - a resource whose operation is still running is waited for, not written again.
 */
import "server-only";
import type { PlanStep, StepKind } from "@/lib/plan/types";
import type { ArmClients } from "../clients";
import {
  type DriftItem,
  type Json,
  provisioningStateOf,
  type StepHandler,
  type StepRunContext,
  waitForTerminal,
} from "./context";
import { roleAssignment, roleDefinition } from "./authorization";
import { budget } from "./consumption";
import { computeCluster, computeInstance, gitConnection, workspace } from "./ml";
import { privateDnsZoneGroup, privateEndpoint } from "./network";
import { applicationInsights, keyVault, resourceGroup, storageAccount } from "./resources";

export const STEP_HANDLERS: Record<StepKind, StepHandler> = {
  resourceGroup,
  storageAccount,
  keyVault,
  applicationInsights,
  workspace,
  privateEndpoint,
  privateDnsZoneGroup,
  roleDefinition,
  roleAssignment,
  computeInstance,
  computeCluster,
  gitConnection,
  budget,
};

export type StepResult =
  { outcome: "created" | "resumed" | "alreadyExists" | "waitedForExisting" } | { outcome: "drift"; drift: DriftItem[] };

/** Reads the resource a step creates, as ARM returns it (null when it does not exist). */
export function readStepResource(step: PlanStep, clients: ArmClients): Promise<Json | null> {
  return STEP_HANDLERS[step.kind].read(step, clients);
}

/**
 * Brings one plan step's resource into existence. Throws StepError / SDK errors on failure (the executor classifies
 * them with armErrorInfo and retries the transient ones).
 */
export async function executeStep(step: PlanStep, ctx: StepRunContext): Promise<StepResult> {
  const handler = STEP_HANDLERS[step.kind];
  if (!ctx.lroState && (handler.readFirst || ctx.previousAttempts > 0)) {
    const existing = await handler.read(step, ctx.clients);
    if (existing) {
      const drift = handler.drift?.(step, existing) ?? [];
      if (drift.length > 0) return { outcome: "drift", drift };
      const initial = provisioningStateOf(existing);
      const state = await waitForTerminal(() => handler.read(step, ctx.clients), ctx, existing);
      if (/^succeeded$/i.test(state))
        return { outcome: initial && !/^succeeded$/i.test(initial) ? "waitedForExisting" : "alreadyExists" };
      // Failed/Canceled/Missing: create it again below (same name, same spec).
    }
  }
  return { outcome: await handler.create(step, ctx) };
}
