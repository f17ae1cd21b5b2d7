"use server";
import { revalidatePath } from "next/cache";
import { guardedAction, parseInput } from "@/lib/auth/guards";
import { getCorrelationId } from "@/lib/correlation";
import { AppError } from "@/lib/errors";
import { getSimulatedPolicyRules, putSimulatedPolicyRules, putSimulatedQuotaLimits } from "@/lib/azure/simulator-rules";
import { visibleRequestForChecks } from "./queries";
import { runChecks } from "./run";
import { removePolicyRuleSchema, rerunChecksSchema, simulatedPolicyRuleSchema, simulatedQuotaSchema } from "./schemas";

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

/** Adds (or replaces, by name) a rule of the simulator's Azure Policy (admins; simulator only). */
export const addSimulatedPolicyRuleAction = guardedAction(
  "simulator.change",
  async (_actor, _prev: unknown, formData: FormData) => {
    const rule = parseInput(simulatedPolicyRuleSchema, formData);
    const current = await getSimulatedPolicyRules();
    if (!current.ok) throw new AppError("CONFLICT", current.message);
    const next = [
      ...current.value.filter((r) => r.id.toLowerCase() !== rule.id.toLowerCase()),
      {
        id: rule.id,
        displayName: rule.displayName || rule.id,
        kind: rule.kind,
        effect: rule.effect,
        ...(rule.environments?.length ? { environments: rule.environments } : {}),
        ...(rule.kind === "allowedLocations" ? { locations: rule.locations } : {}),
      },
    ];
    const saved = await putSimulatedPolicyRules(next);
    if (!saved.ok) throw new AppError("INVALID", saved.message);
    revalidatePath("/admin/simulator");
    return { ok: true as const, message: `Rule ${rule.id} is in force. Re-run a request's checks to see its effect.` };
  },
);

export const removeSimulatedPolicyRuleAction = guardedAction(
  "simulator.change",
  async (_actor, _prev: unknown, formData: FormData) => {
    const { id } = parseInput(removePolicyRuleSchema, formData);
    const current = await getSimulatedPolicyRules();
    if (!current.ok) throw new AppError("CONFLICT", current.message);
    if (!current.value.some((r) => r.id === id)) throw new AppError("NOT_FOUND", `There is no rule ${id}.`);
    const saved = await putSimulatedPolicyRules(current.value.filter((r) => r.id !== id));
    if (!saved.ok) throw new AppError("CONFLICT", saved.message);
    revalidatePath("/admin/simulator");
    return { ok: true as const, message: `Rule ${id} removed.` };
  },
);

/** Sets one Azure ML quota limit of the simulator (admins; simulator only). */
export const setSimulatedQuotaAction = guardedAction(
  "simulator.change",
  async (_actor, _prev: unknown, formData: FormData) => {
    const input = parseInput(simulatedQuotaSchema, formData);
    const key = input.region ? `${input.region}/${input.usage}` : input.usage;
    const saved = await putSimulatedQuotaLimits({ [key]: input.limit });
    if (!saved.ok) throw new AppError("INVALID", saved.message);
    revalidatePath("/admin/simulator");
    return { ok: true as const, message: `${key} is now ${input.limit}. Re-run a request's checks to see its effect.` };
  },
);
