import { idParam, json } from "@/lib/api/http";
import { operations } from "@/lib/api/operations";
import { requireRequest } from "@/lib/api/requests";
import { apiRoute } from "@/lib/api/route";
import { AppError } from "@/lib/errors";
import { formatRequestNumber } from "@/lib/plan/build-plan";
import type { Plan } from "@/lib/plan/types";
import { getDraftForEditor, previewDraftPlan } from "@/lib/requests/queries";

function steps(plan: Plan) {
  return plan.steps.map((s) => ({
    id: s.id,
    environment: s.environment,
    kind: s.kind,
    name: s.name,
    resourceId: s.resourceId,
    apiVersion: s.apiVersion,
    dependsOn: s.dependsOn,
    body: s.body,
  }));
}

export const GET = apiRoute(operations.getRequestPlan, async ({ user, params }) => {
  const { detail } = await requireRequest(user, idParam(params.id));
  const head = { requestId: detail.id, number: formatRequestNumber(detail.number), status: detail.status };
  if (detail.plan && detail.planHash && detail.cost) {
    return json({ ...head, planHash: detail.planHash, steps: steps(detail.plan), cost: detail.cost });
  }
  // A draft has no stored plan yet: it is computed now, exactly as the wizard's review step shows it.
  const draft = await getDraftForEditor(user, detail.id);
  if (!draft) throw new AppError("NOT_FOUND", "This request has no plan.");
  const outcome = await previewDraftPlan(user, draft);
  if (!outcome.ok) throw new AppError("INVALID", "The draft can't be planned yet.", outcome.fieldErrors);
  return json({ ...head, planHash: outcome.planHash, steps: steps(outcome.plan), cost: outcome.cost });
});
