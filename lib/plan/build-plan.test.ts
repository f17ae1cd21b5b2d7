import { describe, expect, it } from "vitest";
import { buildPlan, checkPlanNames, PlanNameError } from "./build-plan";
import { planHash } from "./hash";
import { estimateCost } from "./cost";
import { ALICE, BOB, DANA, MO, SETTINGS, SUBSCRIPTIONS, TENANT_ID, journeyInput } from "@/tests/support/plan-fixtures";
import type { Plan, PlanEnvironment, PlanInput, PlanStep } from "./types";
import type { OrgPatternValue, RestrictionValue, VisibilityValue } from "@/lib/vocabulary";

// the product rules "Access per environment", written out again here on purpose (not imported from roles.ts).
const EXPECTED_ROLES: Record<string, Record<PlanEnvironment, string[]>> = {
  "dataScientist/restricted": {
    dev: ["Atrium Data Scientist"],
    test: ["Atrium Test Operator", "Reader"],
    prod: ["Reader"],
  },
  "dataEngineer/restricted": {
    dev: ["Atrium Data Scientist"],
    test: ["Atrium Test Operator", "Reader"],
    prod: ["Reader"],
  },
  "dataScientist/unrestricted": { dev: ["Contributor"], test: ["Atrium Test Operator", "Reader"], prod: ["Reader"] },
  "dataEngineer/unrestricted": { dev: ["Contributor"], test: ["Atrium Test Operator", "Reader"], prod: ["Reader"] },
  "mlops/restricted": { dev: ["Atrium Data Scientist"], test: ["Contributor"], prod: ["Contributor"] },
  "mlops/unrestricted": { dev: ["Atrium Data Scientist"], test: ["Contributor"], prod: ["Contributor"] },
  admin: { dev: ["Atrium Workspace Admin"], test: ["Atrium Workspace Admin"], prod: ["Atrium Workspace Admin"] },
};
const BUILT_IN: Record<string, string> = {
  "acdd72a7-3385-48ef-bd42-f606fba81ae7": "Reader",
  "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
};
const TAG_KEYS = ["cost-center", "environment", "managed-by", "project", "request-id", "requested-by", "team"];

const ENV_SUBSETS: PlanEnvironment[][] = [
  ["dev"],
  ["test"],
  ["prod"],
  ["dev", "test"],
  ["dev", "prod"],
  ["test", "prod"],
  ["dev", "test", "prod"],
];
const CONFIGS: [VisibilityValue, RestrictionValue][] = [
  ["public", "restricted"],
  ["public", "unrestricted"],
  ["private", "restricted"],
  ["private", "unrestricted"],
];
const PATTERNS: OrgPatternValue[] = ["team", "project", "shared"];

function inputFor(
  pattern: OrgPatternValue,
  visibility: VisibilityValue,
  restriction: RestrictionValue,
  environments: PlanEnvironment[],
): PlanInput {
  return journeyInput({
    pattern,
    project: pattern === "project" ? { slug: "churn", teamSlug: "fraud", costCenter: "CC-1001" } : null,
    visibility,
    restriction,
    environments,
    members: [ALICE, BOB, DANA, MO],
    compute: {
      instanceVmSize: "Standard_DS3_v2",
      idleShutdownMinutes: 45,
      devClusters: [
        { vmSize: "Standard_DS11_v2", maxNodes: 4 },
        { vmSize: "Standard_NC6s_v3", maxNodes: 2 },
      ],
      pipelines: ["scoring", "retrain"],
    },
  });
}

/** role name of a roleAssignment step, resolved through the plan's own role definitions. */
function roleNameOf(plan: Plan, step: PlanStep): string {
  const rdId = (step.body as { properties: { roleDefinitionId: string } }).properties.roleDefinitionId;
  const guid = rdId.split("/").pop()!;
  if (BUILT_IN[guid]) return BUILT_IN[guid];
  const def = plan.steps.find((s) => s.kind === "roleDefinition" && s.name === guid);
  expect(def, `role definition ${guid} is in the plan`).toBeDefined();
  return (def!.body as { properties: { roleName: string } }).properties.roleName.replace(/ \([0-9a-f-]{36}\)$/, "");
}

function stepsOf(plan: Plan, env: PlanEnvironment, kind: PlanStep["kind"]) {
  return plan.steps.filter((s) => s.environment === env && s.kind === kind);
}

describe("[PLAN]: derivation for every configuration, pattern and environment subset", () => {
  for (const pattern of PATTERNS)
    for (const [visibility, restriction] of CONFIGS)
      for (const envs of ENV_SUBSETS) {
        it(`${pattern} · ${visibility}/${restriction} · ${envs.join("+")}`, () => {
          const input = inputFor(pattern, visibility, restriction, envs);
          const plan = buildPlan(input);
          const scope = pattern === "project" ? "churn" : pattern === "shared" ? "retail-banking" : "fraud";
          expect(plan.scopeSlug).toBe(scope);
          expect(plan.environments).toEqual(envs);
          expect(new Set(plan.steps.map((s) => s.environment).filter(Boolean))).toEqual(new Set(envs));

          for (const env of envs) {
            const sub = SUBSCRIPTIONS[env];
            // Exactly one of each fixed resource, in the environment's subscription and resource group.
            for (const kind of [
              "resourceGroup",
              "storageAccount",
              "keyVault",
              "applicationInsights",
              "workspace",
            ] as const) {
              const found = stepsOf(plan, env, kind);
              expect(found, `${env} ${kind}`).toHaveLength(1);
              expect(
                found[0].resourceId.startsWith(`/subscriptions/${sub}/resourceGroups/rg-${scope}-${env}-westeurope`),
              ).toBe(true);
            }
            const ws = stepsOf(plan, env, "workspace")[0];
            expect(ws.name).toBe(`mlw-${scope}-${env}`);
            const wsBody = ws.body as { identity: { type: string }; properties: Record<string, unknown> };
            expect(wsBody.identity.type).toBe("SystemAssigned");
            expect(wsBody.properties.publicNetworkAccess).toBe(visibility === "private" ? "Disabled" : "Enabled");
            expect(ws.dependsOn).toEqual([`${env}/storageAccount`, `${env}/keyVault`, `${env}/applicationInsights`]);

            // Private endpoint and DNS zone group only when private.
            const pe = stepsOf(plan, env, "privateEndpoint");
            const dns = stepsOf(plan, env, "privateDnsZoneGroup");
            if (visibility === "private") {
              expect(pe).toHaveLength(1);
              expect(pe[0].name).toBe(`pep-mlw-${scope}-${env}`);
              const conn = (
                pe[0].body as {
                  properties: {
                    privateLinkServiceConnections: {
                      properties: { groupIds: string[]; privateLinkServiceId: string };
                    }[];
                    subnet: { id: string };
                  };
                }
              ).properties;
              expect(conn.privateLinkServiceConnections[0].properties.groupIds).toEqual(["amlworkspace"]);
              expect(conn.privateLinkServiceConnections[0].properties.privateLinkServiceId).toBe(ws.resourceId);
              expect(conn.subnet.id).toBe(SETTINGS.privateEndpointSubnetId);
              expect(dns).toHaveLength(1);
              expect(dns[0].dependsOn).toEqual([`${env}/privateEndpoint`]);
            } else {
              expect(pe).toHaveLength(0);
              expect(dns).toHaveLength(0);
            }

            // Role per member per environment, exactly the product rules' matrix, at the workspace's scope.
            const assignments = stepsOf(plan, env, "roleAssignment");
            for (const m of [ALICE, BOB, DANA, MO]) {
              const mine = assignments.filter(
                (a) => (a.body as { properties: { principalId: string } }).properties.principalId === m.entraObjectId,
              );
              expect(mine.map((a) => roleNameOf(plan, a)).sort(), `${m.role} in ${env}`).toEqual(
                EXPECTED_ROLES[`${m.role}/${restriction}`][env],
              );
            }
            const adminOid = SETTINGS.portalAdmins[0].entraObjectId;
            const adminRoles = assignments.filter(
              (a) => (a.body as { properties: { principalId: string } }).properties.principalId === adminOid,
            );
            expect(adminRoles.map((a) => roleNameOf(plan, a))).toEqual(EXPECTED_ROLES.admin[env]);
            expect(assignments).toHaveLength(
              4 * 0 +
                EXPECTED_ROLES[`dataScientist/${restriction}`][env].length * 3 +
                EXPECTED_ROLES[`mlops/${restriction}`][env].length +
                1,
            );
            for (const a of assignments) {
              expect(a.target.scope).toBe(ws.resourceId);
              expect(a.resourceId).toBe(`${ws.resourceId}/providers/Microsoft.Authorization/roleAssignments/${a.name}`);
              expect(a.dependsOn[0]).toBe(`${env}/workspace`);
            }

            // Compute: one instance per data scientist in dev (not engineers, not mlops), assigned to that person.
            const cis = stepsOf(plan, env, "computeInstance");
            if (env === "dev") {
              expect(cis).toHaveLength(2);
              const assigned = cis.map(
                (c) =>
                  (
                    c.body as {
                      properties: {
                        properties: {
                          personalComputeInstanceSettings: { assignedUser: { objectId: string; tenantId: string } };
                          idleTimeBeforeShutdown: string;
                        };
                      };
                    }
                  ).properties.properties,
              );
              expect(assigned.map((p) => p.personalComputeInstanceSettings.assignedUser.objectId).sort()).toEqual(
                [ALICE.entraObjectId, BOB.entraObjectId].sort(),
              );
              for (const p of assigned) {
                expect(p.personalComputeInstanceSettings.assignedUser.tenantId).toBe(TENANT_ID);
                expect(p.idleTimeBeforeShutdown).toBe("PT45M");
              }
            } else {
              expect(cis).toHaveLength(0);
            }
            // Clusters: one per dev VM size in dev, one per pipeline in test and prod.
            const clusters = stepsOf(plan, env, "computeCluster");
            expect(clusters.map((c) => c.name).sort()).toEqual(
              env === "dev" ? ["cc-ds11v2", "cc-nc6sv3"] : ["cc-retrain", "cc-scoring"],
            );
            for (const c of [...clusters, ...cis]) {
              expect(c.dependsOn).toEqual(
                visibility === "private" ? [`${env}/workspace`, `${env}/privateEndpoint`] : [`${env}/workspace`],
              );
            }
            for (const c of clusters) {
              expect(
                (c.body as { properties: { properties: { scaleSettings: { minNodeCount: number } } } }).properties
                  .properties.scaleSettings.minNodeCount,
              ).toBe(0);
            }
            // Git connection on every workspace.
            expect(stepsOf(plan, env, "gitConnection")).toHaveLength(1);
          }

          // Tags on every step, and in the ARM body of every taggable resource.
          for (const s of plan.steps) {
            expect(Object.keys(s.tags).sort(), s.id).toEqual(TAG_KEYS);
            expect(s.tags["managed-by"]).toBe("atrium");
            expect(s.tags.team).toBe("fraud");
            expect(s.tags.project).toBe(pattern === "project" ? "churn" : "none");
            expect(s.tags["request-id"]).toBe(input.requestId);
            expect(s.tags["requested-by"]).toBe("alice@contoso.com");
            expect(s.tags["cost-center"]).toBe("CC-1001");
            if (s.environment) expect(s.tags.environment).toBe(s.environment);
            // Budgets are proxy resources without tags in Azure's model.
            if (
              !["roleDefinition", "roleAssignment", "privateDnsZoneGroup", "gitConnection", "budget"].includes(s.kind)
            ) {
              expect((s.body as { tags: Record<string, string> }).tags, s.id).toEqual(s.tags);
            }
          }
          // Every dependency exists.
          const ids = new Set(plan.steps.map((s) => s.id));
          expect(ids.size).toBe(plan.steps.length);
          for (const s of plan.steps) for (const d of s.dependsOn) expect(ids.has(d), `${s.id} → ${d}`).toBe(true);
        });
      }
});

describe("[PLAN]: the journey's request, spelled out", () => {
  // Private, restricted, project "churn" of team "fraud", dev+test+prod, westeurope,
  // data scientists Alice and Bob, MLOps engineer Mo, portal admin Ada; DS3_v2 instances with 60 min
  // idle shutdown, one DS11_v2 dev cluster (4 nodes), pipeline "scoring", a Git repository.
  const plan = buildPlan(journeyInput());
  const summary = (env: PlanEnvironment) =>
    plan.steps
      .filter((s) => s.environment === env && s.kind !== "roleAssignment")
      .map((s) => `${s.kind} ${s.name}`)
      .sort();
  const roles = (env: PlanEnvironment) =>
    plan.roleMatrix
      .filter((r) => r.environment === env)
      .map((r) => `${r.displayName}: ${r.roles.map((x) => x.roleName).join(" + ")}`)
      .sort();

  it("dev: the resources, two personal instances, the DS11 cluster, Git", () => {
    expect(summary("dev")).toEqual(
      [
        "resourceGroup rg-churn-dev-westeurope",
        "storageAccount stchurndevc74882",
        "keyVault kv-churn-dev-c7488",
        "applicationInsights appi-churn-dev",
        "budget budget-mlw-churn-dev",
        "workspace mlw-churn-dev",
        "privateEndpoint pep-mlw-churn-dev",
        "privateDnsZoneGroup default",
        "gitConnection git-churn-model",
        "computeInstance ci-alice-ixpvy",
        "computeInstance ci-bob-iwfls",
        "computeCluster cc-ds11v2",
      ].sort(),
    );
    expect(roles("dev")).toEqual([
      "Ada Admin: Atrium Workspace Admin",
      "Alice Scientist: Atrium Data Scientist",
      "Bob Scientist: Atrium Data Scientist",
      "Mo Ops: Atrium Data Scientist",
    ]);
  });

  it("test: the resources and the pipeline cluster, no instances", () => {
    expect(summary("test")).toEqual(
      [
        "resourceGroup rg-churn-test-westeurope",
        "storageAccount stchurntest7205f2",
        "keyVault kv-churn-test-7205f",
        "applicationInsights appi-churn-test",
        "budget budget-mlw-churn-test",
        "workspace mlw-churn-test",
        "privateEndpoint pep-mlw-churn-test",
        "privateDnsZoneGroup default",
        "gitConnection git-churn-model",
        "computeCluster cc-scoring",
      ].sort(),
    );
    expect(roles("test")).toEqual([
      "Ada Admin: Atrium Workspace Admin",
      "Alice Scientist: Reader + Atrium Test Operator",
      "Bob Scientist: Reader + Atrium Test Operator",
      "Mo Ops: Contributor",
    ]);
  });

  it("prod: the resources and the pipeline cluster", () => {
    expect(summary("prod")).toEqual(
      [
        "resourceGroup rg-churn-prod-westeurope",
        "storageAccount stchurnprode3d2da",
        "keyVault kv-churn-prod-e3d2d",
        "applicationInsights appi-churn-prod",
        "budget budget-mlw-churn-prod",
        "workspace mlw-churn-prod",
        "privateEndpoint pep-mlw-churn-prod",
        "privateDnsZoneGroup default",
        "gitConnection git-churn-model",
        "computeCluster cc-scoring",
      ].sort(),
    );
    expect(roles("prod")).toEqual([
      "Ada Admin: Atrium Workspace Admin",
      "Alice Scientist: Reader",
      "Bob Scientist: Reader",
      "Mo Ops: Contributor",
    ]);
  });

  it("budgets: one per environment at its resource group, the estimate as amount, 80 % forecast and 100 % actual", () => {
    const cost = estimateCost(plan, journeyInput().settings.vmSizes);
    for (const env of ["dev", "test", "prod"] as const) {
      const [budget] = plan.steps.filter((s) => s.environment === env && s.kind === "budget");
      expect(budget.resourceId).toBe(
        `/subscriptions/${SUBSCRIPTIONS[env]}/resourceGroups/rg-churn-${env}-westeurope/providers/Microsoft.Consumption/budgets/budget-mlw-churn-${env}`,
      );
      expect(budget.dependsOn).toEqual([`${env}/resourceGroup`]);
      const props = (budget.body as { properties: Record<string, unknown> }).properties;
      expect(props).toMatchObject({ category: "Cost", timeGrain: "Monthly", amount: cost.byEnvironment[env] });
      // The requester and the MLOps member, each once.
      expect(props.notifications).toEqual({
        forecast80: {
          enabled: true,
          operator: "GreaterThanOrEqualTo",
          threshold: 80,
          thresholdType: "Forecasted",
          contactEmails: ["alice@contoso.com", "mo@contoso.com"],
        },
        actual100: {
          enabled: true,
          operator: "GreaterThanOrEqualTo",
          threshold: 100,
          thresholdType: "Actual",
          contactEmails: ["alice@contoso.com", "mo@contoso.com"],
        },
      });
    }
  });

  it("role assignments: 4 in dev, 6 in test, 4 in prod; custom roles created once per subscription", () => {
    expect(plan.steps.filter((s) => s.kind === "roleAssignment").map((s) => s.environment)).toEqual([
      ...Array(4).fill("dev"),
      ...Array(6).fill("test"),
      ...Array(4).fill("prod"),
    ]);
    const defs = plan.steps.filter((s) => s.kind === "roleDefinition");
    expect(
      defs
        .map(
          (d) => `${d.target.subscriptionId} ${(d.body as { properties: { roleName: string } }).properties.roleName}`,
        )
        .sort(),
    ).toEqual([
      `${SUBSCRIPTIONS.dev} Atrium Data Scientist (${SUBSCRIPTIONS.dev})`,
      `${SUBSCRIPTIONS.dev} Atrium Workspace Admin (${SUBSCRIPTIONS.dev})`,
      `${SUBSCRIPTIONS.test} Atrium Test Operator (${SUBSCRIPTIONS.test})`,
      `${SUBSCRIPTIONS.test} Atrium Workspace Admin (${SUBSCRIPTIONS.test})`,
      `${SUBSCRIPTIONS.prod} Atrium Workspace Admin (${SUBSCRIPTIONS.prod})`,
    ]);
    for (const d of defs) {
      expect(d.environment).toBeNull();
      expect(d.resourceId).toBe(
        `/subscriptions/${d.target.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${d.name}`,
      );
      expect((d.body as { properties: { assignableScopes: string[]; type: string } }).properties).toMatchObject({
        type: "CustomRole",
        assignableScopes: [`/subscriptions/${d.target.subscriptionId}`],
      });
    }
  });

  it("a data scientist's instance is theirs, private, with idle shutdown", () => {
    const ci = plan.steps.find((s) => s.id === "dev/ci/ci-alice-ixpvy")!;
    expect(ci.resourceId).toBe(
      `/subscriptions/${SUBSCRIPTIONS.dev}/resourceGroups/rg-churn-dev-westeurope/providers/Microsoft.MachineLearningServices/workspaces/mlw-churn-dev/computes/ci-alice-ixpvy`,
    );
    expect(ci.apiVersion).toBe("2024-04-01");
    expect(ci.body).toMatchObject({
      location: "westeurope",
      properties: {
        computeType: "ComputeInstance",
        properties: {
          vmSize: "Standard_DS3_v2",
          idleTimeBeforeShutdown: "PT60M",
          enableNodePublicIp: false,
          personalComputeInstanceSettings: { assignedUser: { objectId: ALICE.entraObjectId, tenantId: TENANT_ID } },
        },
      },
    });
  });

  it("the pipeline cluster copies the first dev cluster's size and scales to 0", () => {
    const cc = plan.steps.find((s) => s.id === "prod/cc/cc-scoring")!;
    expect(cc.body).toMatchObject({
      properties: {
        computeType: "AmlCompute",
        properties: { vmSize: "Standard_DS11_v2", scaleSettings: { minNodeCount: 0, maxNodeCount: 4 } },
      },
    });
  });
});

describe("[PLAN]: determinism and the hash", () => {
  it("the same request gives the same plan and hash, whatever the member order", () => {
    const a = buildPlan(journeyInput());
    const b = buildPlan(
      journeyInput({ members: [MO, BOB, ALICE], settings: { ...SETTINGS, portalAdmins: [...SETTINGS.portalAdmins] } }),
    );
    expect(b).toEqual(a);
    expect(planHash(b)).toBe(planHash(a));
    expect(planHash(a)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("a changed member, role, network or compute changes the hash", () => {
    const base = planHash(buildPlan(journeyInput()));
    expect(planHash(buildPlan(journeyInput({ members: [ALICE, MO] })))).not.toBe(base);
    expect(planHash(buildPlan(journeyInput({ members: [ALICE, { ...BOB, role: "dataEngineer" }, MO] })))).not.toBe(
      base,
    );
    expect(planHash(buildPlan(journeyInput({ visibility: "public" })))).not.toBe(base);
    expect(
      planHash(buildPlan(journeyInput({ compute: { ...journeyInput().compute, idleShutdownMinutes: 30 } }))),
    ).not.toBe(base);
  });

  it("names do not depend on the request id or requester (only tags do)", () => {
    const a = buildPlan(journeyInput());
    const b = buildPlan(
      journeyInput({
        requestId: "00000000-0000-4000-8000-000000000000",
        requestedBy: "bob@contoso.com",
        requestNumber: 7,
      }),
    );
    expect(b.steps.map((s) => s.resourceId)).toEqual(a.steps.map((s) => s.resourceId));
    expect(planHash(b)).not.toBe(planHash(a));
  });

  it("a public request has no private endpoint and computes get public IPs", () => {
    const plan = buildPlan(journeyInput({ visibility: "public" }));
    expect(plan.steps.some((s) => s.kind === "privateEndpoint" || s.kind === "privateDnsZoneGroup")).toBe(false);
    const ws = plan.steps.find((s) => s.id === "dev/workspace")!;
    expect((ws.body as { properties: Record<string, unknown> }).properties.managedNetwork).toBeUndefined();
  });

  it("no repository, no Git connection", () => {
    const plan = buildPlan(journeyInput({ gitRepositoryUrl: null }));
    expect(plan.steps.some((s) => s.kind === "gitConnection")).toBe(false);
  });

  it("long scopes are truncated deterministically with a hash, and stay distinct", () => {
    const long = (slug: string) => journeyInput({ project: { slug, teamSlug: "fraud", costCenter: "x" } });
    const a = buildPlan(long("customer-lifetime-value-forecasting-emea"));
    const b = buildPlan(long("customer-lifetime-value-forecasting-apac"));
    const names = (p: Plan) =>
      p.steps.filter((s) => s.environment === "dev" && s.kind !== "roleAssignment").map((s) => s.name);
    expect(checkPlanNames(long("customer-lifetime-value-forecasting-emea"))).toEqual({});
    for (const [x, y] of names(a).map((n, i) => [n, names(b)[i]]))
      if (!["default", "git-churn-model", "cc-ds11v2"].includes(x) && !x.startsWith("ci-")) expect(x).not.toBe(y);
  });

  it("buildPlan refuses a plan whose names cannot be valid, with a field error", () => {
    const bad = journeyInput({
      pattern: "shared",
      project: null,
      team: { slug: "fraud", costCenter: "x", businessDivision: "***", allowedRegions: [] },
    });
    expect(checkPlanNames(bad)).toHaveProperty("team");
    expect(() => buildPlan(bad)).toThrow(PlanNameError);
  });
});
