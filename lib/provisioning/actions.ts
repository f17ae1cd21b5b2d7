"use server";
import { revalidatePath } from "next/cache";
import { guardedAction } from "@/lib/auth/guards";
import { getCorrelationId } from "@/lib/correlation";
import { AppError } from "@/lib/errors";
import { cancelRun, retryRun } from "./mutations";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function requestIdOf(value: unknown): string {
  if (typeof value !== "string" || !UUID.test(value)) throw new AppError("NOT_FOUND", "No such request.");
  return value;
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
