/**
 * Change plans' updates and deletes (lib/plan/change-plan.ts), per step kind, through the SDK only. Every delete is
 * idempotent: a resource that is already gone (404, or 204 on DELETE) is done, so a worker that crashed between the
 * DELETE and its record converges on the retry; long-running deletes save their poller state like creates and a
 * restarted worker resumes polling. Updates are the desired body's PUT (computes are read first: Azure ML's compute
 * PUT overwrites, and a cluster's scale settings are changed by PATCH, the one in-place change Azure allows).
 */
import "server-only";
import type { PlanStep, StepKind } from "@/lib/plan/types";
import { isNotFound, type Json, obj, runLro2, scopeArg, type StepRunContext } from "./context";
import { StepError } from "./errors";
import { executeStep, STEP_HANDLERS, type StepResult } from "./index";

export type ChangeOp = "create" | "update" | "delete";

/** A plan step the engine runs as part of a change plan. */
export type ExecutableStep = PlanStep & { op?: ChangeOp; deleteParameters?: Record<string, string> | null };

type Deleter = (step: ExecutableStep, ctx: StepRunContext) => Promise<void>;

const rgOf = (step: PlanStep) => step.target.resourceGroup ?? "";
const parentOf = (step: PlanStep) => step.target.parent ?? "";

/** 404 on DELETE (or while polling it) means the resource is gone: the delete is done. */
async function gone(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
}

const DELETERS: Partial<Record<StepKind, Deleter>> = {
  roleAssignment: (step, ctx) =>
    gone(() =>
      ctx.clients.authorization.roleAssignments.delete(scopeArg(step.target.scope), step.name, {
        abortSignal: ctx.signal,
      }),
    ),
  computeInstance: deleteCompute,
  computeCluster: deleteCompute,
  privateEndpoint: (step, ctx) =>
    gone(() => runLro2(ctx, (o) => ctx.clients.network.privateEndpoints.beginDelete(rgOf(step), step.name, o))),
  privateDnsZoneGroup: (step, ctx) =>
    gone(() =>
      runLro2(ctx, (o) =>
        ctx.clients.network.privateDnsZoneGroups.beginDelete(rgOf(step), parentOf(step), step.name, o),
      ),
    ),
  // A budget is scoped to its resource group (and goes with it at a purge); a change that drops it deletes it.
  budget: (step, ctx) =>
    gone(() =>
      ctx.clients.consumption.budgets.delete(
        scopeArg(`/subscriptions/${step.target.subscriptionId}/resourceGroups/${rgOf(step)}`),
        step.name,
        { abortSignal: ctx.signal },
      ),
    ),
  gitConnection: (step, ctx) =>
    gone(() =>
      ctx.clients.ml.workspaceConnections.delete(rgOf(step), parentOf(step), step.name, { abortSignal: ctx.signal }),
    ),
};

/** A compute goes with its VM (`underlyingResourceAction=Delete`, as the change step says): its disk is lost. */
function deleteCompute(step: ExecutableStep, ctx: StepRunContext): Promise<void> {
  const action = (step.deleteParameters?.underlyingResourceAction ?? "Delete") as "Delete" | "Detach";
  return gone(() =>
    runLro2(ctx, (o) => ctx.clients.ml.computeOperations.beginDelete(rgOf(step), parentOf(step), step.name, action, o)),
  );
}

/** Kinds a change can delete (the others are deleted with their resource group by a decommission, or never). */
export const DELETABLE_KINDS = Object.keys(DELETERS) as StepKind[];

async function update(step: ExecutableStep, ctx: StepRunContext): Promise<StepResult> {
  const handler = STEP_HANDLERS[step.kind];
  if (step.kind === "computeCluster" || step.kind === "computeInstance") {
    const existing = await handler.read(step, ctx.clients);
    // Missing (deleted by hand): create it as the desired plan says.
    if (!existing) return { outcome: await handler.create(step, ctx) };
    if (step.kind === "computeCluster") {
      const scale = obj(obj(obj(step.body.properties).properties).scaleSettings) as Json;
      await runLro2(ctx, (o) =>
        ctx.clients.ml.computeOperations.beginUpdate(
          rgOf(step),
          parentOf(step),
          step.name,
          { properties: { scaleSettings: scale as never } },
          o,
        ),
      );
      return { outcome: ctx.lroState ? "resumed" : "created" };
    }
  }
  return { outcome: await handler.create(step, ctx) };
}

/** Runs one step of a run: a change plan's create, update or delete, or a creation plan's step. */
export async function executeExecutableStep(step: ExecutableStep, ctx: StepRunContext): Promise<StepResult> {
  if (!step.op || step.op === "create") return executeStep(step, ctx);
  if (step.op === "update") return update(step, ctx);
  const deleter = DELETERS[step.kind];
  if (!deleter)
    throw new StepError(
      "DeleteNotSupported",
      `Atrium does not delete a ${step.kind} on its own; it goes with its resource group when the set is decommissioned.`,
      false,
    );
  await deleter(step, ctx);
  return { outcome: "created" };
}

/** Reads a step's resource (null when absent): verification of deletes. */
export function readExecutableStep(step: PlanStep, ctx: Pick<StepRunContext, "clients">): Promise<Json | null> {
  return STEP_HANDLERS[step.kind].read(step, ctx.clients);
}
