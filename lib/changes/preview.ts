/**
 * The change plan a drafted change would get, before it is submitted (the set page's "Review the change"): the
 * same validation, directory look-up and planning as createChangeRequest (mutations.ts), storing nothing. What it
 * returns is what a person needs to decide: the steps (create / update / delete, with the disk-loss warnings), the
 * cost difference, the kinds of change and the approval the change needs.
 */
import "server-only";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { PlanNameError } from "@/lib/plan/build-plan";
import type { ChangeOp, CostDelta } from "@/lib/plan/change-plan";
import {
  buildChangePlan,
  ChangeValidationError,
  type ChangeApproval,
  type ChangeEntry,
} from "@/lib/plan/change-request";
import type { PlanEnvironment, StepKind } from "@/lib/plan/types";
import { loadPlanSettings } from "@/lib/requests/plan-context";
import { parseWith, type FieldErrors } from "@/lib/validation/field-errors";
import { mayChangeSet } from "./access";
import { applyChangeInput, planInputOf, type SetDocument } from "./document";
import { changesSince, memberResolver, StaleVersionError } from "./mutations";
import { changeRequestSchema } from "./schemas";

export type ChangePreviewStep = {
  id: string;
  op: ChangeOp;
  environment: PlanEnvironment | null;
  kind: StepKind;
  name: string;
  resourceId: string;
  dependsOn: string[];
  warning: string | null;
};

export type ChangePreview =
  | {
      ok: true;
      baseVersion: number;
      planHash: string;
      steps: ChangePreviewStep[];
      costDelta: CostDelta;
      warnings: string[];
      changes: ChangeEntry[];
      approval: ChangeApproval;
    }
  | { ok: false; message: string; fieldErrors: FieldErrors };

const invalid = (fieldErrors: FieldErrors, message = "The change can't be made as it is: fix the fields below.") =>
  ({ ok: false, message, fieldErrors }) as const;

/**
 * The plan of the change `raw` (the change form's fields, `changeRequestSchema`) against the set `setId`.
 * NOT_FOUND for a set the actor may not change (missing and not-yours look the same); a stale version, bad
 * input or a change that changes nothing come back as `ok: false` with the message to show.
 */
export async function previewChange(
  actor: Pick<SessionUser, "id" | "roles" | "teamIds">,
  setId: string,
  raw: Record<string, unknown>,
): Promise<ChangePreview> {
  const set = await db.workspaceSet.findUnique({
    where: { id: setId },
    select: { id: true, version: true, status: true, desiredState: true, teamId: true },
  });
  const current = set?.desiredState as unknown as SetDocument | undefined;
  if (!set || !current || !mayChangeSet(actor, { teamId: set.teamId, memberIds: current.members.map((m) => m.userId) }))
    throw new AppError("NOT_FOUND", "This workspace set does not exist, or you may not change it.");
  const parsed = parseWith(changeRequestSchema, raw);
  if (!parsed.ok) return invalid(parsed.fieldErrors);
  if (parsed.data.baseVersion !== set.version) {
    const stale = new StaleVersionError(
      set.version,
      parsed.data.baseVersion,
      await changesSince(set.id, parsed.data.baseVersion),
    );
    return invalid(stale.fieldErrors ?? {}, stale.message);
  }
  const { baseVersion: _version, reason: _reason, ...change } = parsed.data;
  const applied = applyChangeInput(current, change, await memberResolver(change, db));
  if (!applied.ok) return invalid(applied.fieldErrors);
  const settings = await loadPlanSettings(db);
  try {
    const built = buildChangePlan(planInputOf(current, settings), planInputOf(applied.doc, settings));
    if (built.steps.length === 0 && built.changes.length === 0)
      return invalid({}, "This change changes nothing: the workspace set already looks like that.");
    return {
      ok: true,
      baseVersion: set.version,
      planHash: built.planHash,
      steps: built.steps.map((s) => ({
        id: s.id,
        op: s.op,
        environment: s.environment,
        kind: s.kind,
        name: s.name,
        resourceId: s.resourceId,
        dependsOn: s.dependsOn,
        warning: s.warning,
      })),
      costDelta: built.costDelta,
      warnings: built.warnings,
      changes: built.changes,
      approval: built.approval,
    };
  } catch (error) {
    if (error instanceof ChangeValidationError || error instanceof PlanNameError) return invalid(error.fieldErrors);
    throw error;
  }
}
