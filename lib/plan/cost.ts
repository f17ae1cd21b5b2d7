/**
 * Monthly cost estimate of a plan, per environment and in total. Derived from the plan's steps (so
 * it prices exactly what would be provisioned) and the price table in `prices.ts`; VM prices from
 * the portal settings win over the table. An estimate, always shown with its assumptions.
 */
import { FIXED_PRICES, USAGE_ASSUMPTIONS, VM_HOURLY_PRICES } from "./prices";
import type { Plan, PlanEnvironment, PlanStep, PlanVmSize, StepKind } from "./types";

export interface CostLine {
  environment: PlanEnvironment;
  stepId: string;
  kind: StepKind;
  name: string;
  monthlyUsd: number;
  /** The most this line can cost in a month (clusters at max nodes all month). */
  ceilingMonthlyUsd: number;
  basis: string;
}

export interface CostEstimate {
  currency: "USD";
  monthlyTotal: number;
  ceilingMonthlyTotal: number;
  byEnvironment: Partial<Record<PlanEnvironment, number>>;
  ceilingByEnvironment: Partial<Record<PlanEnvironment, number>>;
  lines: CostLine[];
  assumptions: string[];
  sources: { item: string; usd: number; unit: string; source: string; recordedOn: string }[];
}

const cents = (n: number) => Math.round(n * 100) / 100;

/** Hours a compute instance runs per month under idle shutdown (see the assumption text). */
export function expectedInstanceHours(idleShutdownMinutes: number): number {
  const { workDaysPerMonth, activeHoursPerWorkDay, hoursPerMonth } = USAGE_ASSUMPTIONS;
  return Math.min(hoursPerMonth, workDaysPerMonth * (activeHoursPerWorkDay + idleShutdownMinutes / 60));
}

function vmPrice(vmSize: string, vmSizes: PlanVmSize[]): { usd: number; from: string } | null {
  const fromSettings = vmSizes.find((v) => v.name.toLowerCase() === vmSize.toLowerCase());
  if (fromSettings && fromSettings.hourlyPriceUsd > 0)
    return { usd: fromSettings.hourlyPriceUsd, from: "portal settings" };
  const key = Object.keys(VM_HOURLY_PRICES).find((k) => k.toLowerCase() === vmSize.toLowerCase());
  return key ? { usd: VM_HOURLY_PRICES[key].usd, from: "price table" } : null;
}

type ComputeBody = {
  properties?: {
    properties?: { vmSize?: string; idleTimeBeforeShutdown?: string; scaleSettings?: { maxNodeCount?: number } };
  };
};

export function estimateCost(plan: Pick<Plan, "steps" | "environments">, vmSizes: PlanVmSize[]): CostEstimate {
  const a = USAGE_ASSUMPTIONS;
  const lines: CostLine[] = [];
  const unpriced = new Set<string>();
  const fixedPerWorkspace =
    a.storageGb * FIXED_PRICES.storagePerGbMonth.usd +
    (a.keyVaultOperations / 10_000) * FIXED_PRICES.keyVaultPer10kOperations.usd +
    a.appInsightsGb * FIXED_PRICES.appInsightsPerGb.usd;

  const add = (s: PlanStep, monthlyUsd: number, ceilingMonthlyUsd: number, basis: string) =>
    lines.push({
      environment: s.environment as PlanEnvironment,
      stepId: s.id,
      kind: s.kind,
      name: s.name,
      monthlyUsd: cents(monthlyUsd),
      ceilingMonthlyUsd: cents(ceilingMonthlyUsd),
      basis,
    });

  for (const s of plan.steps) {
    if (!s.environment) continue;
    switch (s.kind) {
      case "storageAccount": {
        const v = a.storageGb * FIXED_PRICES.storagePerGbMonth.usd;
        add(s, v, v, `${a.storageGb} GB × $${FIXED_PRICES.storagePerGbMonth.usd}/GB-month`);
        break;
      }
      case "keyVault": {
        const v = (a.keyVaultOperations / 10_000) * FIXED_PRICES.keyVaultPer10kOperations.usd;
        add(
          s,
          v,
          v,
          `${a.keyVaultOperations.toLocaleString("en-US")} operations × $${FIXED_PRICES.keyVaultPer10kOperations.usd}/10k`,
        );
        break;
      }
      case "applicationInsights": {
        const v = a.appInsightsGb * FIXED_PRICES.appInsightsPerGb.usd;
        add(s, v, v, `${a.appInsightsGb} GB ingested × $${FIXED_PRICES.appInsightsPerGb.usd}/GB`);
        break;
      }
      case "workspace":
        add(s, FIXED_PRICES.workspace.usd, FIXED_PRICES.workspace.usd, "Basic workspace: no charge of its own");
        break;
      case "privateEndpoint": {
        const v =
          a.hoursPerMonth * FIXED_PRICES.privateEndpointPerHour.usd +
          a.privateEndpointGb * FIXED_PRICES.privateEndpointPerGb.usd;
        add(
          s,
          v,
          v,
          `${a.hoursPerMonth} h × $${FIXED_PRICES.privateEndpointPerHour.usd}/h + ${a.privateEndpointGb} GB × $${FIXED_PRICES.privateEndpointPerGb.usd}/GB`,
        );
        break;
      }
      case "computeInstance": {
        const p = (s.body as ComputeBody).properties?.properties;
        const vmSize = p?.vmSize ?? "";
        const idle = Number(/^PT(\d+)M$/.exec(p?.idleTimeBeforeShutdown ?? "")?.[1] ?? 0);
        const price = vmPrice(vmSize, vmSizes);
        if (!price) unpriced.add(vmSize);
        const hours = expectedInstanceHours(idle);
        add(
          s,
          hours * (price?.usd ?? 0),
          a.hoursPerMonth * (price?.usd ?? 0),
          `${hours.toFixed(1)} h × $${price?.usd ?? 0}/h (${vmSize}, ${price?.from ?? "no price known"})`,
        );
        break;
      }
      case "computeCluster": {
        const p = (s.body as ComputeBody).properties?.properties;
        const vmSize = p?.vmSize ?? "";
        const maxNodes = p?.scaleSettings?.maxNodeCount ?? 0;
        const price = vmPrice(vmSize, vmSizes);
        if (!price) unpriced.add(vmSize);
        add(
          s,
          0,
          a.hoursPerMonth * maxNodes * (price?.usd ?? 0),
          `$0 when idle (min nodes 0); ceiling ${maxNodes} × ${vmSize} × ${a.hoursPerMonth} h × $${price?.usd ?? 0}/h`,
        );
        break;
      }
      default:
        break;
    }
  }

  const byEnvironment: Partial<Record<PlanEnvironment, number>> = {};
  const ceilingByEnvironment: Partial<Record<PlanEnvironment, number>> = {};
  for (const env of plan.environments) {
    byEnvironment[env] = cents(lines.filter((l) => l.environment === env).reduce((t, l) => t + l.monthlyUsd, 0));
    ceilingByEnvironment[env] = cents(
      lines.filter((l) => l.environment === env).reduce((t, l) => t + l.ceilingMonthlyUsd, 0),
    );
  }
  const assumptions = [
    `Compute instances run ${a.activeHoursPerWorkDay} hours on each of ${a.workDaysPerMonth} working days a month, then idle until idle shutdown stops them (at most ${a.hoursPerMonth} hours a month).`,
    `Clusters scale to 0 nodes when idle and cost nothing then; the ceiling assumes every cluster at max nodes for all ${a.hoursPerMonth} hours.`,
    `Each workspace stores ${a.storageGb} GB, makes ${a.keyVaultOperations.toLocaleString("en-US")} Key Vault operations and ingests ${a.appInsightsGb} GB into Application Insights a month (about $${cents(fixedPerWorkspace)} per workspace).`,
    `A private endpoint runs all month and processes ${a.privateEndpointGb} GB; the hub's private DNS zones are shared and not counted.`,
    "Pay-as-you-go list prices in USD, before taxes, reservations and discounts; Azure Machine Learning adds no surcharge to VM prices.",
    ...[...unpriced].map((v) => `No price is known for ${v}; it is counted at $0. Ask an admin to record its price.`),
  ];
  const sources = [
    ...Object.entries(FIXED_PRICES).map(([item, p]) => ({ item, ...p })),
    ...Object.entries(VM_HOURLY_PRICES).map(([item, p]) => ({ item, ...p })),
  ];
  return {
    currency: "USD",
    monthlyTotal: cents(Object.values(byEnvironment).reduce((t, v) => t + (v ?? 0), 0)),
    ceilingMonthlyTotal: cents(Object.values(ceilingByEnvironment).reduce((t, v) => t + (v ?? 0), 0)),
    byEnvironment,
    ceilingByEnvironment,
    lines,
    assumptions,
    sources,
  };
}
