"use server";
import { revalidatePath } from "next/cache";
import { guardedAction, parseInput } from "@/lib/auth/guards";
import { getCorrelationId } from "@/lib/correlation";
import { AppError } from "@/lib/errors";
import { visibleRequestForChecks } from "./queries";
import { runChecks } from "./run";
import { rerunChecksSchema } from "./schemas";

/** Statuses whose plan may still be approved or applied: the only ones worth checking again. */
const CHECKABLE = new Set(["SUBMITTED", "APPROVED", "STAKEHOLDER_APPROVED", "FAILED"]);

/** Runs the checks of a request the actor may see again, now (bound: the request id). */
export const rerunChecksAction = guardedAction(
  "request.check",
  async (actor, requestId: string, _prev: unknown, formData: FormData) => {
    const input = parseInput(rerunChecksSchema, formData, { requestId });
    const request = await visibleRequestForChecks(actor, input.requestId);
    if (!request) throw new AppError("NOT_FOUND", "This request does not exist.");
    if (!CHECKABLE.has(request.status))
      throw new AppError("CONFLICT", "Checks run only for requests that wait for approval or provisioning.");
    const report = await runChecks(input.requestId, {
      trigger: "rerun",
      actorId: actor.id,
      correlationId: await getCorrelationId(),
    });
    if (!report) throw new AppError("CONFLICT", "Checks are not available: Atrium has no Azure connection here.");
    revalidatePath(`/requests/${input.requestId}`);
    revalidatePath(`/approvals/${input.requestId}`);
    const counts = (s: string) => report.results.filter((r) => r.status === s).length;
    return {
      ok: true as const,
      message:
        report.status === "pass"
          ? "Checks passed."
          : `Checks ran: ${counts("fail")} failed, ${counts("warn")} warning${counts("warn") === 1 ? "" : "s"}.`,
    };
  },
);
