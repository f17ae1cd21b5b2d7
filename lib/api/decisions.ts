import "server-only";
import { approveRequest, loadDecisionSubject, rejectRequest } from "@/lib/approvals/mutations";
import { pendingStage, STAGE_PERMISSION, type ApprovalStageName } from "@/lib/approvals/rules";
import { can } from "@/lib/auth/session";
import { getCorrelationId } from "@/lib/correlation";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { decodeBody, etagOf, json, parseBody, readBodyText, versionForChange } from "./http";
import { requireRequest } from "./requests";
import type { ApiContext } from "./route";
import { approveBodySchema, rejectBodySchema } from "./schemas";

/**
 * The stage waiting for this caller's decision. The portal has one form per stage; the API has one endpoint and
 * derives the stage from the request, then demands that stage's permission (admin: request.approve; stakeholder:
 * request.approve_production). Separation of duties and the plan-hash binding stay in the domain's approveRequest.
 */
async function decisionTarget({ user, request }: ApiContext, id: string) {
  await requireRequest(user, id);
  const subject = await loadDecisionSubject(db, id);
  const stage: ApprovalStageName | null = subject ? pendingStage(subject) : null;
  if (!subject || !stage) throw new AppError("CONFLICT", "This request is not waiting for an approval.");
  if (!can(user, STAGE_PERMISSION[stage]))
    throw new AppError("FORBIDDEN", `The ${stage === "ADMIN" ? "admin" : "production"} approval is not yours to give.`);
  return { subject, stage, version: versionForChange(request, subject.version) };
}

async function answer(ctx: ApiContext, id: string, runId: string | null) {
  const { body } = await requireRequest(ctx.user, id);
  const result = { id, status: body.status, version: body.version, runId };
  return json(result, { headers: { etag: etagOf(body.version) } });
}

export async function approveThroughApi(ctx: ApiContext, id: string) {
  const input = parseBody(approveBodySchema, decodeBody(await readBodyText(ctx.request)));
  const { stage, version } = await decisionTarget(ctx, id);
  const result = await approveRequest(
    ctx.user,
    stage,
    {
      requestId: id,
      version,
      planHash: input.planHash,
      comment: input.comment,
      acknowledgeWarnings: input.acknowledgeWarnings,
    },
    await getCorrelationId(),
  );
  return answer(ctx, id, result.runId);
}

export async function rejectThroughApi(ctx: ApiContext, id: string) {
  const input = parseBody(rejectBodySchema, decodeBody(await readBodyText(ctx.request)));
  const { stage, version } = await decisionTarget(ctx, id);
  await rejectRequest(
    ctx.user,
    stage,
    { requestId: id, version, planHash: input.planHash, reason: input.reason },
    await getCorrelationId(),
  );
  return answer(ctx, id, null);
}
