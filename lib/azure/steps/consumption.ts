/**
 * Step handler for an environment's monthly budget (Microsoft.Consumption/budgets at the resource group's scope,
 * synchronous PUT). The plan carries amount, grain and notifications; the start date is the clock's — the first day
 * of the current month in UTC, as Azure requires — and an existing budget keeps its own start date (and is sent with
 * its eTag, so a concurrent change in the portal is refused rather than overwritten).
 */
import "server-only";
import type { Budget } from "@azure/arm-consumption";
import { MINUTE, obj, readRaw, scopeArg, type StepHandler, str } from "./context";

const scopeOf = (step: { target: { subscriptionId: string; resourceGroup: string | null } }) =>
  scopeArg(`/subscriptions/${step.target.subscriptionId}/resourceGroups/${step.target.resourceGroup ?? ""}`);

/** Azure's budgets start on the first day of a month. */
export function firstOfMonthUtc(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

export const budget: StepHandler = {
  deadlineMs: 30 * MINUTE,
  read: (step, clients) => readRaw(() => clients.consumption.budgets.get(scopeOf(step), step.name)),
  async create(step, ctx) {
    const props = obj(step.body.properties);
    const existing = await readRaw(() => ctx.clients.consumption.budgets.get(scopeOf(step), step.name));
    const existingStart = str(obj(obj(existing?.properties).timePeriod).startDate);
    const params: Budget = {
      category: "Cost",
      amount: props.amount as number,
      timeGrain: str(props.timeGrain) ?? "Monthly",
      timePeriod: { startDate: existingStart ? new Date(existingStart) : firstOfMonthUtc(new Date()) },
      notifications: props.notifications as Budget["notifications"],
      ...(existing && str(existing.eTag) ? { eTag: str(existing.eTag) } : {}),
    };
    await ctx.clients.consumption.budgets.createOrUpdate(scopeOf(step), step.name, params, {
      abortSignal: ctx.signal,
    });
    return "created";
  },
  verify(step, raw, add) {
    const want = obj(step.body.properties);
    const have = obj(raw.properties);
    add(`budget ${step.name} amount`, want.amount, have.amount);
    const thresholds = (n: unknown) =>
      Object.values(obj(n))
        .map((v) => `${String(obj(v).thresholdType)} ${String(obj(v).threshold)}%`)
        .sort()
        .join(", ");
    add(`budget ${step.name} thresholds`, thresholds(want.notifications), thresholds(have.notifications));
  },
};
