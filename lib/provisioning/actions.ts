"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { guardedAction, parseRef } from "@/lib/auth/guards";
import { getCorrelationId } from "@/lib/correlation";
import { cancelRun, retryRun } from "./mutations";

const requestRef = z.object({ requestId: z.uuid() });

function requestIdOf(requestId: unknown): string {
  return parseRef(requestRef, { requestId }, "No such request.").requestId;
}

/** Retry a failed provisioning from its failed step (admins; MLOps for their teams' requests). */
export const retryRunAction = guardedAction(
  "run.retry",
  async (actor, requestId: string, _prev?: unknown, _form?: FormData) => {
    const id = requestIdOf(requestId);
    const { attempt } = await retryRun(actor, id, await getCorrelationId());
    revalidatePath(`/requests/${id}`);
    revalidatePath("/runs");
    return { ok: true, message: `Attempt ${attempt} is queued; completed steps will be skipped.` };
  },
);

/** Stop a queued or running provisioning (admins; MLOps for their teams' requests). */
export const cancelRunAction = guardedAction(
  "run.cancel",
  async (actor, requestId: string, _prev?: unknown, _form?: FormData) => {
    const id = requestIdOf(requestId);
    await cancelRun(actor, id, await getCorrelationId());
    revalidatePath(`/requests/${id}`);
    revalidatePath("/runs");
    return { ok: true, message: "Provisioning stopped. Steps already running finish and are recorded." };
  },
);
