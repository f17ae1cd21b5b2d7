"use server";
import { revalidatePath } from "next/cache";
import { guardedAction, parseInput } from "@/lib/auth/guards";
import { getCorrelationId } from "@/lib/correlation";
import { approveRequest, rejectRequest } from "./mutations";
import { approveSchema, rejectSchema } from "./schemas";
import type { ApprovalStageName } from "./rules";

// Bound first: the request id (it wins over any form field of that name). The version and plan hash the
// decider saw come from hidden inputs, so a decision about a plan that has since changed is refused.

function refresh(requestId: string) {
  revalidatePath("/approvals");
  revalidatePath(`/approvals/${requestId}`);
  revalidatePath(`/requests/${requestId}`);
  revalidatePath("/", "layout");
}

async function approve(
  stage: ApprovalStageName,
  actor: Parameters<typeof approveRequest>[0],
  requestId: string,
  formData: FormData,
) {
  const input = parseInput(approveSchema, formData, { requestId });
  const result = await approveRequest(actor, stage, input, await getCorrelationId());
  refresh(requestId);
  return {
    ok: true as const,
    message: result.final
      ? "Approved. Provisioning is queued."
      : "Approved. A stakeholder gives the production approval next.",
  };
}

async function reject(
  stage: ApprovalStageName,
  actor: Parameters<typeof rejectRequest>[0],
  requestId: string,
  formData: FormData,
) {
  const input = parseInput(rejectSchema, formData, { requestId });
  await rejectRequest(actor, stage, input, await getCorrelationId());
  refresh(requestId);
  return { ok: true as const, message: "Rejected. The requester has been told why." };
}

export const approveRequestAction = guardedAction(
  "request.approve",
  async (actor, requestId: string, _prev: unknown, formData: FormData) => approve("ADMIN", actor, requestId, formData),
);

export const rejectRequestAction = guardedAction(
  "request.approve",
  async (actor, requestId: string, _prev: unknown, formData: FormData) => reject("ADMIN", actor, requestId, formData),
);

export const approveProductionAction = guardedAction(
  "request.approve_production",
  async (actor, requestId: string, _prev: unknown, formData: FormData) =>
    approve("STAKEHOLDER", actor, requestId, formData),
);

export const rejectProductionAction = guardedAction(
  "request.approve_production",
  async (actor, requestId: string, _prev: unknown, formData: FormData) =>
    reject("STAKEHOLDER", actor, requestId, formData),
);
