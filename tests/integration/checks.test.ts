// [CHECKS]: the pre-approval checks against the ARM simulator through the real SDK clients: GPU quota that blocks an
// approval in the portal and the API until the quota is raised, two requests that fit alone but not together, a
// policy denying public workspaces in prod, and the budget every provisioned environment gets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approveRequestAction } from "@/lib/approvals/actions";
import type { ArmSimulator } from "@/lib/azure/simulator/server";
import { setChecksClientFactory } from "@/lib/checks/azure";
import { rerunChecksAction } from "@/lib/checks/actions";
import { runChecks } from "@/lib/checks/run";
import { db } from "@/lib/db/client";
import { createSubmittedRequest, type RequestSpec } from "@/lib/db/request-fixtures";
import { stopProducer } from "@/lib/jobs/queue";
import { estimateCost } from "@/lib/plan/cost";
import { runProvisioning } from "@/lib/provisioning/executor";
import { createApprovedRequestRow, loadSettingsForPlan } from "@/tests/support/provisioning-fixtures";
import { actAs } from "../support/act-as";
import { api, tokenFor } from "./api-support";
import { FAST_EXECUTOR, simulatorFactory, startTestSimulator } from "./provisioning-support";

const GPU_FAMILY = "Standard NCSv3 Family Cluster Dedicated vCPUs";
const DSV2_FAMILY = "Standard DSv2 Family Cluster Dedicated vCPUs";

let sim: ArmSimulator;

beforeAll(async () => {
  // Tight quota: GPU families at Azure's usual 0, DSv2 in westeurope at 20 vCPUs.
  sim = await startTestSimulator({ quotaLimits: { [GPU_FAMILY]: 0, [`westeurope/${DSV2_FAMILY}`]: 20 } });
  setChecksClientFactory(simulatorFactory(sim));
});

afterAll(async () => {
  setChecksClientFactory(null);
  await stopProducer();
  await sim?.close();
});

const spec = (overrides: Partial<RequestSpec> = {}): RequestSpec => ({
  requesterId: "usr-amara",
  pattern: "TEAM",
  team: "fraud",
  environments: ["DEV"],
  visibility: "PUBLIC",
  restriction: "RESTRICTED",
  region: "westeurope",
  members: [
    { userId: "usr-amara", role: "DATA_SCIENTIST" },
    { userId: "usr-diana", role: "MLOPS" },
  ],
  // One DS3_v2 instance (4 vCPUs) and a DS11_v2 cluster of 4 nodes (8 vCPUs): 12 DSv2 vCPUs.
  compute: {
    instanceVmSize: "Standard_DS3_v2",
    idleShutdownMinutes: 60,
    devClusters: [{ vmSize: "Standard_DS11_v2", maxNodes: 4 }],
    pipelines: [],
  },
  costCenter: "CC-4100",
  justification: "Fraud model experiments for the card portfolio.",
  ...overrides,
});

function form(fields: Record<string, string | number>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, String(v));
  return f;
}

const status = async (id: string) =>
  (await db.workspaceRequest.findUniqueOrThrow({ where: { id }, select: { status: true } })).status;

describe("[CHECKS]: quota", () => {
  it("a request needing more GPU cores than the family's free quota fails and cannot be approved, until the quota is raised", async () => {
    const req = await createSubmittedRequest(
      db,
      spec({
        region: "northeurope",
        compute: {
          instanceVmSize: "Standard_DS3_v2",
          idleShutdownMinutes: 60,
          devClusters: [{ vmSize: "Standard_NC6s_v3", maxNodes: 2 }],
          pipelines: [],
        },
      }),
    );
    const report = await runChecks(req.id, { trigger: "submitted", correlationId: "test-gpu" });
    expect(report?.status).toBe("fail");
    const gpu = report!.results.find((r) => r.id.endsWith("/northeurope/ncsv3"));
    expect(gpu).toMatchObject({ kind: "quota", status: "fail", field: "compute" });
    expect(gpu!.detail).toContain("needs 12 vCPUs");
    expect(gpu!.action).toMatch(/Ask for more Standard NCSv3 Family quota in northeurope/);
    // Recorded with the request, and audited.
    expect(await db.feasibilityCheck.count({ where: { requestId: req.id, status: "fail" } })).toBe(1);
    expect(await db.auditEvent.count({ where: { requestId: req.id, action: "request.checks_ran" } })).toBe(1);

    // The portal's approve action refuses, naming the failed check.
    await actAs("fatima.khan@contoso.com");
    const refused = await approveRequestAction(
      req.id,
      { ok: true },
      form({ version: req.version, planHash: req.planHash }),
    );
    expect(refused).toMatchObject({ ok: false });
    expect(refused.message).toMatch(/checks failed.*Standard NCSv3/);
    // So does the REST API.
    const admin = api(await tokenFor("fatima.khan@contoso.com", ["read", "approve"]));
    const viaApi = await admin.post(`/requests/${req.id}/approve`, { planHash: req.planHash });
    expect(viaApi.status).toBe(409);
    expect(await viaApi.text()).toMatch(/checks failed/);
    expect(await db.approval.count({ where: { requestId: req.id } })).toBe(0);
    expect(await status(req.id)).toBe("SUBMITTED");

    // Raising the quota in the simulator and re-running the checks lets it pass.
    sim.setQuotaLimits({ [GPU_FAMILY]: 24 });
    const rerun = await rerunChecksAction(req.id, { ok: true }, form({}));
    expect(rerun).toMatchObject({ ok: true, message: "Checks passed." });
    const approved = await approveRequestAction(
      req.id,
      { ok: true },
      form({ version: req.version, planHash: req.planHash }),
    );
    expect(approved).toMatchObject({ ok: true });
    expect(await status(req.id)).toBe("APPROVED");
  });

  it("two requests that each fit but not together: the second fails while the first is approved and not yet applied", async () => {
    const first = await createSubmittedRequest(db, spec({ team: "fraud" }));
    expect((await runChecks(first.id, { trigger: "submitted", correlationId: "test-a" }))?.status).toBe("pass");
    await actAs("fatima.khan@contoso.com");
    expect(
      await approveRequestAction(first.id, { ok: true }, form({ version: first.version, planHash: first.planHash })),
    ).toMatchObject({ ok: true });
    expect(await status(first.id)).toBe("APPROVED"); // queued, not applied: no worker runs in this file

    const second = await createSubmittedRequest(db, spec({ team: "insights" }));
    const report = await runChecks(second.id, { trigger: "submitted", correlationId: "test-b" });
    const dsv2 = report!.results.find((r) => r.id.endsWith("/westeurope/dsv2"));
    expect(dsv2).toMatchObject({ status: "fail" });
    expect(dsv2!.detail).toContain("needs 12 vCPUs; 0 in use and 12 approved for other requests not yet applied");
    expect(dsv2!.detail).toContain("of a limit of 20");
    const refused = await approveRequestAction(
      second.id,
      { ok: true },
      form({ version: second.version, planHash: second.planHash }),
    );
    expect(refused).toMatchObject({ ok: false });
  });
});

describe("[CHECKS]: warnings", () => {
  it("a warning needs the approver's acknowledgement, which is recorded with the check run and audited", async () => {
    // 12 of 14 DSv2 vCPUs in eastus2 after this request: over 80 %, a warning.
    sim.setQuotaLimits({ [`eastus2/${DSV2_FAMILY}`]: 14 });
    const req = await createSubmittedRequest(db, spec({ team: "insights", region: "eastus2" }));
    const report = await runChecks(req.id, { trigger: "submitted", correlationId: "test-warn" });
    expect(report?.status).toBe("warn");
    await actAs("fatima.khan@contoso.com");
    const fields = { version: req.version, planHash: req.planHash };
    const refused = await approveRequestAction(req.id, { ok: true }, form(fields));
    expect(refused).toMatchObject({
      ok: false,
      fieldErrors: { acknowledgeWarnings: [expect.stringMatching(/Acknowledge/)] },
    });
    expect(await status(req.id)).toBe("SUBMITTED");
    const approved = await approveRequestAction(req.id, { ok: true }, form({ ...fields, acknowledgeWarnings: "on" }));
    expect(approved).toMatchObject({ ok: true });
    const run = await db.feasibilityCheck.findUniqueOrThrow({ where: { id: report!.id } });
    expect(run.acknowledgements).toEqual([
      expect.objectContaining({ userId: "usr-fatima", stage: "ADMIN", warnings: [expect.stringContaining("dsv2")] }),
    ]);
    expect(
      await db.auditEvent.count({ where: { requestId: req.id, action: "request.check_warnings_acknowledged" } }),
    ).toBe(1);
  });
});

describe("[CHECKS]: Azure Policy", () => {
  it("a policy denying public network access in prod fails a public prod request, naming the visibility field", async () => {
    sim.setPolicyRules([
      {
        id: "deny-public-prod",
        displayName: "ML workspaces in prod must be private",
        kind: "denyPublicNetworkAccess",
        effect: "Deny",
        environments: ["prod"],
      },
    ]);
    try {
      const req = await createSubmittedRequest(
        db,
        spec({
          team: "supply",
          environments: ["DEV", "TEST", "PROD"],
          region: "eastus",
          members: [{ userId: "usr-amara", role: "DATA_SCIENTIST" }],
        }),
      );
      const report = await runChecks(req.id, { trigger: "submitted", correlationId: "test-policy" });
      const denied = report!.results.filter((r) => r.kind === "policy" && r.status === "fail");
      expect(denied).toHaveLength(1);
      expect(denied[0]).toMatchObject({ field: "visibility", environment: "prod" });
      expect(denied[0].detail).toContain("deny-public-prod");
      expect(denied[0].action).toMatch(/network visibility to private/);
      // dev and test are not restricted by the rule.
      expect(
        report!.results.filter((r) => r.kind === "policy" && r.status === "pass").map((r) => r.environment),
      ).toEqual(expect.arrayContaining(["dev", "test"]));
    } finally {
      sim.setPolicyRules([]);
    }
  });
});

describe("[CHECKS]: budgets", () => {
  it("a provisioned environment has its monthly budget at its resource group, with the estimate and both thresholds", async () => {
    const settings = await loadSettingsForPlan();
    const created = await createApprovedRequestRow(
      { scope: "budgetchk", environments: ["dev"], region: "northeurope" },
      settings,
    );
    const outcome = await runProvisioning(
      { requestId: created.requestId, runId: created.runId },
      { ...FAST_EXECUTOR, factory: simulatorFactory(sim) },
    );
    expect(outcome).toBe("SUCCEEDED");
    const budgetStep = created.plan.steps.find((s) => s.kind === "budget")!;
    const rg = created.plan.steps.find((s) => s.kind === "resourceGroup")!;
    const budget = sim.resources().find((r) => r.type === "Microsoft.Consumption/budgets");
    expect(budget).toBeDefined();
    expect(budget!.id.toLowerCase()).toBe(
      `${rg.resourceId}/providers/Microsoft.Consumption/budgets/${budgetStep.name}`.toLowerCase(),
    );
    const props = (budget!.resource as { properties: Record<string, unknown> }).properties;
    const estimate = estimateCost(created.plan, settings.vmSizes).byEnvironment.dev;
    expect(estimate).toBeGreaterThan(0);
    expect(props.amount).toBe(estimate);
    expect(props.timeGrain).toBe("Monthly");
    const notifications = props.notifications as Record<
      string,
      { threshold: number; thresholdType: string; contactEmails: string[] }
    >;
    expect(
      Object.values(notifications)
        .map((n) => `${n.thresholdType} ${n.threshold}`)
        .sort(),
    ).toEqual(["Actual 100", "Forecasted 80"]);
    expect(notifications.actual100.contactEmails).toEqual(["amara.okafor@contoso.com", "diana.reyes@contoso.com"]);
    // The engine checked again before its first write.
    expect(await db.feasibilityCheck.count({ where: { requestId: created.requestId, trigger: "apply" } })).toBe(1);
  });
});
