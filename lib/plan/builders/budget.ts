/**
 * The monthly budget of one environment of a workspace set (Microsoft.Consumption/budgets at the resource group's
 * scope; day-2 anchors §6): its amount defaults to the environment's cost estimate — the figure that was approved —
 * and it warns the owners and the set's MLOps engineers at 80 % of the forecast and at 100 % of actual spend. Pure:
 * the start date (the first day of the current month) is the clock's, so the step handler adds it when it writes.
 */
import type { PlanStep } from "../types";
import type { EnvContext } from "./context";

export const BUDGET_THRESHOLDS = [
  { key: "forecast80", threshold: 80, thresholdType: "Forecasted" },
  { key: "actual100", threshold: 100, thresholdType: "Actual" },
] as const;

/** Azure refuses a budget of 0; an environment estimated at nothing still gets a one-dollar tripwire. */
export const MINIMUM_BUDGET_USD = 1;

export function budgetName(c: Pick<EnvContext, "names">): string {
  return `budget-${c.names.workspace}`;
}

/** Who hears about the budget: the requester (the set's owner) and its MLOps members, each once, sorted. */
export function budgetContacts(c: Pick<EnvContext, "input" | "members">): string[] {
  const emails = [c.input.requestedBy, ...c.members.filter((m) => m.role === "mlops").map((m) => m.email)];
  return [...new Set(emails.map((e) => e.toLowerCase()))].sort();
}

export function budgetStep(c: EnvContext, estimatedMonthlyUsd: number): PlanStep {
  const name = budgetName(c);
  const contactEmails = budgetContacts(c);
  const amount = Math.max(MINIMUM_BUDGET_USD, Math.ceil(estimatedMonthlyUsd * 100) / 100);
  return c.step({
    id: c.key("budget"),
    kind: "budget",
    name,
    resourceId: `${c.ids.rg}/providers/Microsoft.Consumption/budgets/${name}`,
    dependsOn: [c.key("resourceGroup")],
    target: c.inRg,
    body: {
      properties: {
        category: "Cost",
        amount,
        timeGrain: "Monthly",
        notifications: Object.fromEntries(
          BUDGET_THRESHOLDS.map((t) => [
            t.key,
            {
              enabled: true,
              operator: "GreaterThanOrEqualTo",
              threshold: t.threshold,
              thresholdType: t.thresholdType,
              contactEmails,
            },
          ]),
        ),
      },
    },
  });
}
