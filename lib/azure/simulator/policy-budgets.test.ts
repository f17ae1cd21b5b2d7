/** Azure Policy's dry run (checkPolicyRestrictions) and Consumption budgets through the real SDK clients. */
import { ConsumptionManagementClient } from "@azure/arm-consumption";
import { PolicyInsightsClient } from "@azure/arm-policyinsights";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startArmSimulator } from "./server";
import { TEST_CERT_DIR, clientOptions, credential, sdkClients } from "./test-support";
import type { ArmSimulator } from "./types";

const SUB = "7c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5";
const RG = "rg-policy";

let sim: ArmSimulator;
let policy: PolicyInsightsClient;
let consumption: ConsumptionManagementClient;

beforeAll(async () => {
  sim = await startArmSimulator({ port: 0, timeScale: 0, stateFile: null, certDir: TEST_CERT_DIR });
  policy = new PolicyInsightsClient(credential, SUB, clientOptions(sim));
  consumption = new ConsumptionManagementClient(credential, SUB, clientOptions(sim));
  await sdkClients(sim, SUB).resources.resourceGroups.createOrUpdate(RG, { location: "westeurope" });
});

afterAll(async () => {
  await sim?.close();
});

const workspace = (publicNetworkAccess: string, environment: string) => ({
  type: "Microsoft.MachineLearningServices/workspaces",
  name: "mlw-x",
  location: "westeurope",
  tags: { environment },
  properties: { publicNetworkAccess },
});

describe("[SIMULATOR] checkPolicyRestrictions", () => {
  it("reports nothing without rules", async () => {
    const r = await policy.policyRestrictions.checkAtResourceGroupScope(RG, {
      resourceDetails: { resourceContent: workspace("Enabled", "prod"), apiVersion: "2024-04-01" },
    });
    expect(r.fieldRestrictions).toEqual([]);
    expect(r.contentEvaluationResult?.policyEvaluations).toEqual([]);
  });

  it("requires public network access Disabled in prod, and names the allowed locations", async () => {
    sim.setPolicyRules([
      {
        id: "deny-public-prod",
        displayName: "Deny public ML workspaces in prod",
        kind: "denyPublicNetworkAccess",
        effect: "Deny",
        environments: ["prod"],
      },
      {
        id: "allowed-eu",
        displayName: "EU only",
        kind: "allowedLocations",
        effect: "Audit",
        locations: ["northeurope"],
      },
    ]);
    const prod = await policy.policyRestrictions.checkAtResourceGroupScope(RG, {
      resourceDetails: { resourceContent: workspace("Enabled", "prod") },
    });
    const pna = prod.fieldRestrictions?.find((f) => f.field?.endsWith("publicNetworkAccess"));
    expect(pna?.restrictions?.[0]).toMatchObject({ result: "Required", values: ["Disabled"], policyEffect: "Deny" });
    expect(pna?.restrictions?.[0].policy?.policyAssignmentId).toContain("/policyAssignments/deny-public-prod");
    expect(prod.fieldRestrictions?.find((f) => f.field === "location")?.restrictions?.[0]).toMatchObject({
      result: "Audit",
      values: ["northeurope"],
    });
    expect(prod.contentEvaluationResult?.policyEvaluations).toHaveLength(2);

    const dev = await policy.policyRestrictions.checkAtSubscriptionScope({
      resourceDetails: { resourceContent: workspace("Enabled", "dev") },
    });
    expect(dev.fieldRestrictions?.map((f) => f.field)).toEqual(["location"]);
    const privateProd = await policy.policyRestrictions.checkAtResourceGroupScope(RG, {
      resourceDetails: { resourceContent: { ...workspace("Disabled", "prod"), location: "northeurope" } },
    });
    expect(privateProd.contentEvaluationResult?.policyEvaluations).toEqual([]);
  });

  it("answers 404 for a resource group that does not exist", async () => {
    await expect(
      policy.policyRestrictions.checkAtResourceGroupScope("rg-missing", {
        resourceDetails: { resourceContent: workspace("Enabled", "prod") },
      }),
    ).rejects.toMatchObject({ statusCode: 404, code: "ResourceGroupNotFound" });
  });
});

describe("[SIMULATOR] Consumption budgets at resource-group scope", () => {
  const scope = `subscriptions/${SUB}/resourceGroups/${RG}`;
  const budget = (amount: number) => ({
    category: "Cost",
    amount,
    timeGrain: "Monthly",
    timePeriod: { startDate: new Date("2026-12-01T00:00:00Z") },
    notifications: {
      forecast80: {
        enabled: true,
        operator: "GreaterThanOrEqualTo",
        threshold: 80,
        thresholdType: "Forecasted",
        contactEmails: ["owner@contoso.com"],
      },
      actual100: {
        enabled: true,
        operator: "GreaterThanOrEqualTo",
        threshold: 100,
        thresholdType: "Actual",
        contactEmails: ["owner@contoso.com"],
      },
    },
  });

  it("creates (201), reads, updates (200), lists and deletes a budget", async () => {
    const created = await consumption.budgets.createOrUpdate(scope, "budget-x", budget(120));
    expect(created).toMatchObject({ name: "budget-x", type: "Microsoft.Consumption/budgets", amount: 120 });
    expect(created.id).toBe(
      `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Consumption/budgets/budget-x`,
    );
    const log = sim.requestLog().filter((e) => e.path.includes("budgets/budget-x") && e.method === "PUT");
    expect(log.map((e) => e.status)).toEqual([201]);
    expect((await consumption.budgets.get(scope, "budget-x")).notifications?.forecast80).toMatchObject({
      threshold: 80,
      thresholdType: "Forecasted",
    });
    await consumption.budgets.createOrUpdate(scope, "budget-x", budget(150));
    const listed = [];
    for await (const b of consumption.budgets.list(scope)) listed.push(b);
    expect(listed.map((b) => [b.name, b.amount])).toEqual([["budget-x", 150]]);
    await consumption.budgets.delete(scope, "budget-x");
    await expect(consumption.budgets.get(scope, "budget-x")).rejects.toMatchObject({ statusCode: 404 });
    await expect(consumption.budgets.delete(scope, "budget-x")).rejects.toMatchObject({ statusCode: 404 });
  });

  it("refuses what Azure refuses: no amount, a start date not on the first, a stale eTag", async () => {
    await expect(consumption.budgets.createOrUpdate(scope, "b1", budget(0))).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(
      consumption.budgets.createOrUpdate(scope, "b1", {
        ...budget(10),
        timePeriod: { startDate: new Date("2026-12-15T00:00:00Z") },
      }),
    ).rejects.toMatchObject({ statusCode: 400 });
    await consumption.budgets.createOrUpdate(scope, "b1", budget(10));
    await expect(
      consumption.budgets.createOrUpdate(scope, "b1", { ...budget(20), eTag: '"stale"' }),
    ).rejects.toMatchObject({ statusCode: 412 });
  });
});
