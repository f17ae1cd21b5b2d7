import { describe, expect, it } from "vitest";
import { buildPlan } from "@/lib/plan/build-plan";
import { journeyInput } from "@/tests/support/plan-fixtures";
import { checkStep } from "@/lib/provisioning/verify";
import { armErrorInfo, computeDrift, describeStepError, STEP_HANDLERS, StepError } from "./operations";

const plan = buildPlan(journeyInput());
const cluster = plan.steps.find((s) => s.kind === "computeCluster")!;
const instance = plan.steps.find((s) => s.kind === "computeInstance")!;

describe("[OPERATIONS] error classification and drift", () => {
  it("retries throttling, 5xx, resets, PrincipalNotFound and in-progress conflicts; not validation or quota errors", () => {
    const rest = (statusCode: number, code: string, message = "m") =>
      Object.assign(new Error(message), { statusCode, code });
    expect(armErrorInfo(rest(429, "SubscriptionRequestsThrottled")).retryable).toBe(true);
    expect(armErrorInfo(rest(503, "ServiceUnavailable")).retryable).toBe(true);
    expect(armErrorInfo(rest(400, "PrincipalNotFound")).retryable).toBe(true);
    expect(
      armErrorInfo(rest(409, "Conflict", "The workspace 'w' is in provisioning state 'Creating'.")).retryable,
    ).toBe(true);
    expect(armErrorInfo(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })).retryable).toBe(true);
    expect(armErrorInfo(rest(400, "ValidationError")).retryable).toBe(false);
    expect(armErrorInfo(rest(403, "AuthorizationFailed")).retryable).toBe(false);
    const lro = armErrorInfo(new Error("The long-running operation has failed. QuotaExceeded. Not enough cores."));
    expect(lro).toMatchObject({ code: "QuotaExceeded", message: "Not enough cores.", retryable: false });
    expect(armErrorInfo(new Error("The long-running operation has failed. InternalServerError. boom")).retryable).toBe(
      true,
    );
  });

  it("treats a request that got no answer as transient, and a passed deadline as the step's failure", () => {
    const timedOut = armErrorInfo(
      Object.assign(new Error("ARM did not answer GET within 60 s"), { code: "ETIMEDOUT" }),
    );
    expect(timedOut).toMatchObject({ code: "RequestTimedOut", retryable: true });
    expect(describeStepError(cluster, timedOut)).toMatch(/Azure did not answer.*then retry/);
    const deadline = armErrorInfo(new StepError("OperationTimedOut", "still running after 30 min.", false));
    expect(deadline).toMatchObject({ code: "OperationTimedOut", retryable: false });
    expect(describeStepError(cluster, deadline)).toMatch(/did not finish in time.*a retry waits for it again/);
  });

  it("has a handler with a deadline for every step kind, and reads first where a PUT would overwrite", () => {
    for (const step of plan.steps) expect(STEP_HANDLERS[step.kind].deadlineMs).toBeGreaterThanOrEqual(30 * 60_000);
    expect(STEP_HANDLERS.computeInstance.readFirst && STEP_HANDLERS.computeCluster.readFirst).toBe(true);
    expect(STEP_HANDLERS.roleDefinition.readFirst).toBe(true);
    expect(STEP_HANDLERS.storageAccount.readFirst).toBeFalsy();
  });

  it("words Azure's errors so that a person can act", () => {
    expect(describeStepError(cluster, { code: "QuotaExceeded", message: "x" })).toMatch(/Request more quota/);
    expect(describeStepError(cluster, { code: "AuthorizationFailed", message: "x" })).toMatch(
      /lacks permission in subscription/,
    );
  });

  it("reports compute drift field by field and accepts the planned spec", () => {
    const props = cluster.body.properties as {
      computeType: string;
      properties: { vmSize: string; scaleSettings: { maxNodeCount: number } };
    };
    const same = {
      properties: {
        computeType: "AmlCompute",
        provisioningState: "Succeeded",
        properties: {
          vmSize: props.properties.vmSize.toUpperCase(),
          scaleSettings: { minNodeCount: 0, maxNodeCount: props.properties.scaleSettings.maxNodeCount },
        },
      },
    };
    expect(computeDrift(cluster, same)).toEqual([]);
    const other = {
      properties: {
        computeType: "AmlCompute",
        properties: { vmSize: "Standard_NC6s_v3", scaleSettings: { minNodeCount: 1, maxNodeCount: 9 } },
      },
    };
    expect(computeDrift(cluster, other).map((d) => d.field)).toEqual([
      "vmSize",
      "scaleSettings.minNodeCount",
      "scaleSettings.maxNodeCount",
    ]);
    const ci = {
      properties: {
        computeType: "ComputeInstance",
        properties: {
          vmSize: "Standard_DS3_v2",
          personalComputeInstanceSettings: { assignedUser: { objectId: "someone-else" } },
        },
      },
    };
    expect(computeDrift(instance, ci).map((d) => d.field)).toEqual(["assignedUser.objectId"]);
  });

  it("verifies idle shutdown, minimum nodes and missing resources", () => {
    const noIdle = { properties: { properties: {} } };
    expect(checkStep(instance, noIdle).find((c) => c.label.includes("idle shutdown"))?.ok).toBe(false);
    expect(
      checkStep(instance, { properties: { properties: { idleTimeBeforeShutdown: "PT60M" } } }).every((c) => c.ok),
    ).toBe(true);
    expect(
      checkStep(cluster, { properties: { properties: { scaleSettings: { minNodeCount: 1 } } } }).some((c) => !c.ok),
    ).toBe(true);
    expect(checkStep(cluster, null)).toMatchObject([{ ok: false, actual: "missing" }]);
  });
});
