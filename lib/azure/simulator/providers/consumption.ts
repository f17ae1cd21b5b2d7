/**
 * Microsoft.Consumption budgets at resource-group scope (api 2021-10-01, the version @azure/arm-consumption 9 sends;
 * shapes of the REST reference's Budgets_CreateOrUpdate / Budgets_Get examples). PUT answers 201 when it creates and
 * 200 when it updates, synchronously; an `eTag` in the body must match the stored one (412 otherwise, Azure's guard
 * against concurrent updates); GET 200 / 404; DELETE 200, 404 when gone; the resource group's budgets are listed by
 * `GET .../providers/Microsoft.Consumption/budgets`. Validation follows Azure's rules: a positive amount, category
 * Cost, a time grain, a start date on the first of a month, 1–5 notifications each with an operator, a threshold
 * over 0 (percent, up to 1000), Actual or Forecasted, and at least one contact. Spend is reported as 0 (the
 * simulator has no usage data).
 */
import { randomUUID } from "node:crypto";
import { ArmError, notFound } from "../errors";
import { asObject, isObject } from "../json";
import type { ProviderHost, ResourceCtx, ResourceProvider, SimResponse } from "../provider";
import type { Json } from "../store";

export const BUDGET_TYPE = "Microsoft.Consumption/budgets";
const TIME_GRAINS = ["Monthly", "Quarterly", "Annually", "BillingMonth", "BillingQuarter", "BillingAnnual"];
const OPERATORS = ["EqualTo", "GreaterThan", "GreaterThanOrEqualTo"];
const THRESHOLD_TYPES = ["Actual", "Forecasted"];

const invalid = (message: string, target: string) => new ArmError(400, "InvalidBudget", message, { target });

function validNotifications(raw: unknown): Json {
  if (!isObject(raw) || Object.keys(raw).length === 0)
    throw invalid("A budget needs at least one notification.", "properties.notifications");
  const entries = Object.entries(raw);
  if (entries.length > 5) throw invalid("A budget has at most 5 notifications.", "properties.notifications");
  const out: Json = {};
  for (const [key, value] of entries) {
    const n = asObject(value);
    const at = `properties.notifications.${key}`;
    if (typeof n.enabled !== "boolean") throw invalid(`Notification ${key}: enabled is required.`, at);
    if (!OPERATORS.includes(String(n.operator)))
      throw invalid(`Notification ${key}: operator must be one of ${OPERATORS.join(", ")}.`, at);
    if (typeof n.threshold !== "number" || !(n.threshold > 0) || n.threshold > 1000)
      throw invalid(`Notification ${key}: threshold must be a percentage over 0 and at most 1000.`, at);
    const thresholdType = n.thresholdType ?? "Actual";
    if (!THRESHOLD_TYPES.includes(String(thresholdType)))
      throw invalid(`Notification ${key}: thresholdType must be Actual or Forecasted.`, at);
    const emails = Array.isArray(n.contactEmails) ? n.contactEmails : [];
    const roles = Array.isArray(n.contactRoles) ? n.contactRoles : [];
    const groups = Array.isArray(n.contactGroups) ? n.contactGroups : [];
    if (emails.length + roles.length + groups.length === 0)
      throw invalid(`Notification ${key}: give at least one contact e-mail, role or action group.`, at);
    if (emails.length > 50) throw invalid(`Notification ${key}: at most 50 contact e-mails.`, at);
    out[key] = {
      enabled: n.enabled,
      operator: n.operator,
      threshold: n.threshold,
      contactEmails: emails,
      contactRoles: roles,
      contactGroups: groups,
      thresholdType,
      locale: n.locale ?? "en-us",
    };
  }
  return out;
}

export class ConsumptionProvider implements ResourceProvider {
  constructor(private readonly h: ProviderHost) {}

  readonly types = {
    [BUDGET_TYPE.toLowerCase()]: {
      put: (c: ResourceCtx) => this.putBudget(c),
      // Budgets_Delete answers only 200 (the SDK accepts nothing else): a budget that is not there is a 404.
      delete: (c: ResourceCtx) => {
        if (!c.existing) throw notFound(BUDGET_TYPE, c.name, c.rg);
        return this.h.deleteSync(c);
      },
    },
  };

  private putBudget(ctx: ResourceCtx): SimResponse {
    if (!/^[A-Za-z0-9_-]{1,63}$/.test(ctx.name))
      throw invalid("A budget name has 1–63 letters, digits, hyphens or underscores.", "name");
    const body = asObject(ctx.req.body);
    const input = asObject(body.properties);
    const existing = ctx.existing?.body;
    if (existing && typeof body.eTag === "string" && body.eTag !== existing.eTag) {
      throw new ArmError(
        412,
        "PreconditionFailed",
        "The budget was changed by someone else: read it again and send its current eTag.",
        { target: "eTag" },
      );
    }
    if (typeof input.amount !== "number" || !(input.amount > 0))
      throw invalid("The budget amount must be a number greater than 0.", "properties.amount");
    if (input.category !== "Cost") throw invalid("The budget category must be Cost.", "properties.category");
    if (!TIME_GRAINS.includes(String(input.timeGrain)))
      throw invalid(`The time grain must be one of ${TIME_GRAINS.join(", ")}.`, "properties.timeGrain");
    const period = asObject(input.timePeriod);
    const start = typeof period.startDate === "string" ? new Date(period.startDate) : null;
    if (!start || Number.isNaN(start.getTime()) || start.getUTCDate() !== 1)
      throw invalid("The start date must be the first day of a month.", "properties.timePeriod.startDate");
    const end =
      typeof period.endDate === "string"
        ? period.endDate
        : new Date(Date.UTC(start.getUTCFullYear() + 10, start.getUTCMonth(), 1)).toISOString();
    const final: Json = {
      id: ctx.id,
      name: ctx.name,
      type: BUDGET_TYPE,
      eTag: `"${randomUUID().slice(0, 13)}"`,
      properties: {
        category: "Cost",
        amount: input.amount,
        timeGrain: input.timeGrain,
        timePeriod: { startDate: start.toISOString(), endDate: end },
        ...(isObject(input.filter) ? { filter: input.filter } : {}),
        currentSpend: { amount: 0, unit: "USD" },
        forecastSpend: { amount: 0, unit: "USD" },
        notifications: validNotifications(input.notifications),
      },
    };
    this.h.store.put(this.h.newResource(ctx, final, null));
    return { status: existing ? 200 : 201, body: final, delayMs: this.h.latency.duration("read") };
  }
}
