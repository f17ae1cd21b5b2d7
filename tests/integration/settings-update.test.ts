// [SETTINGS]: admins edit the portal settings with validation; every change is audited with its diff, and
// requests waiting for approval are re-planned (their approvals voided when the plan changed).
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createSubmittedRequest, type RequestSpec } from "@/lib/db/request-fixtures";
import { approveRequestAction } from "@/lib/approvals/actions";
import { updateSettingsAction } from "@/lib/settings/actions";
import { loadSettingsSnapshot } from "@/lib/settings/queries";
import { stopProducer } from "@/lib/jobs/queue";
import { verifyAuditChain } from "@/lib/audit/verify";
import { actAs } from "../support/act-as";

async function currentForm(overrides: Record<string, string | string[]> = {}) {
  const { version, snapshot } = await loadSettingsSnapshot();
  const fields: Record<string, string | string[]> = {
    version: String(version),
    azureTenantId: snapshot.azureTenantId,
    subscriptionDev: snapshot.subscriptions.dev ?? "",
    subscriptionTest: snapshot.subscriptions.test ?? "",
    subscriptionProd: snapshot.subscriptions.prod ?? "",
    allowedRegions: snapshot.allowedRegions.join(", "),
    privateEndpointSubnetId: snapshot.privateEndpointSubnetId ?? "",
    apiDnsZoneId: snapshot.privateDnsZoneIds[0] ?? "",
    notebooksDnsZoneId: snapshot.privateDnsZoneIds[1] ?? "",
    defaultIdleShutdownMinutes: String(snapshot.defaultIdleShutdownMinutes),
    allowedVmSizes: snapshot.allowedVmSizes,
    ...overrides,
  };
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    if (Array.isArray(v)) for (const item of v) form.append(k, item);
    else form.set(k, v);
  }
  return form;
}

function decisionForm(req: { version: number; planHash: string }) {
  const f = new FormData();
  f.set("version", String(req.version));
  f.set("planHash", req.planHash);
  return f;
}

const spec = (overrides: Partial<RequestSpec>): RequestSpec => ({
  requesterId: "usr-chen",
  pattern: "TEAM",
  team: "insights",
  environments: ["DEV", "TEST"],
  visibility: "PUBLIC",
  restriction: "UNRESTRICTED",
  region: "swedencentral",
  members: [{ userId: "usr-liam", role: "DATA_SCIENTIST" }],
  costCenter: "CC-5200",
  justification: "Customer insights experiments for the loyalty programme.",
  ...overrides,
});

describe("[SETTINGS]: portal settings", () => {
  afterAll(() => stopProducer());

  it("validates every field on the server and stores nothing invalid", async () => {
    await actAs("fatima.khan@contoso.com");
    const before = await loadSettingsSnapshot();
    const result = await updateSettingsAction(
      { ok: true },
      await currentForm({
        azureTenantId: "contoso",
        allowedRegions: "westeurope, West Europe!",
        privateEndpointSubnetId: "/subscriptions/x/subnets/y",
        apiDnsZoneId: "",
        defaultIdleShutdownMinutes: "5",
        allowedVmSizes: [],
      }),
    );
    expect(result.ok).toBe(false);
    const errors = (result as { fieldErrors: Record<string, string[]> }).fieldErrors;
    expect(Object.keys(errors).sort()).toEqual(
      [
        "allowedRegions",
        "allowedVmSizes",
        "apiDnsZoneId",
        "azureTenantId",
        "defaultIdleShutdownMinutes",
        "privateEndpointSubnetId",
      ].sort(),
    );
    expect(await loadSettingsSnapshot()).toEqual(before);
  });

  it("audits the diff of what changed, and refuses a stale form", async () => {
    await actAs("fatima.khan@contoso.com");
    const staleForm = await currentForm();
    const { version } = await loadSettingsSnapshot();
    const result = await updateSettingsAction(
      { ok: true },
      await currentForm({
        defaultIdleShutdownMinutes: "45",
        allowedRegions: "westeurope northeurope swedencentral eastus eastus2 uksouth",
      }),
    );
    expect(result).toMatchObject({ ok: true });
    const event = await db.auditEvent.findFirstOrThrow({
      where: { action: "settings.updated" },
      orderBy: { id: "desc" },
    });
    expect(event.actorId).toBe("usr-fatima");
    expect(event.before).toEqual({
      version,
      defaultIdleShutdownMinutes: 60,
      allowedRegions: ["westeurope", "northeurope", "swedencentral", "eastus", "eastus2"],
    });
    expect(event.after).toEqual({
      version: version + 1,
      defaultIdleShutdownMinutes: 45,
      allowedRegions: ["westeurope", "northeurope", "swedencentral", "eastus", "eastus2", "uksouth"],
    });

    const stale = await updateSettingsAction({ ok: true }, staleForm);
    expect(stale).toMatchObject({
      ok: false,
      message: expect.stringMatching(/changed the settings since you opened them/),
    });
    expect((await loadSettingsSnapshot()).snapshot.defaultIdleShutdownMinutes).toBe(45);
    expect(await verifyAuditChain()).toMatchObject({ intact: true });
  });

  it("a change that alters plans voids the approvals of waiting requests and re-plans them; final approvals stand", async () => {
    const waitingProd = await createSubmittedRequest(db, spec({ environments: ["DEV", "TEST", "PROD"] }));
    const submitted = await createSubmittedRequest(db, spec({ environments: ["TEST"] }));
    const final = await createSubmittedRequest(db, spec({ environments: ["DEV"], region: "eastus" }));
    await actAs("fatima.khan@contoso.com");
    expect(await approveRequestAction(waitingProd.id, { ok: true }, decisionForm(waitingProd))).toMatchObject({
      ok: true,
    });
    expect(await approveRequestAction(final.id, { ok: true }, decisionForm(final))).toMatchObject({ ok: true });

    const result = await updateSettingsAction(
      { ok: true },
      await currentForm({
        subscriptionTest: "d0000000-aaaa-4bbb-8ccc-0000000000aa",
        subscriptionProd: "d0000000-aaaa-4bbb-8ccc-0000000000bb",
      }),
    );
    expect(result).toMatchObject({ ok: true, message: expect.stringMatching(/approvals of 1 were voided/) });

    const prod = await db.workspaceRequest.findUniqueOrThrow({
      where: { id: waitingProd.id },
      include: { approvals: true },
    });
    expect(prod.status).toBe("SUBMITTED");
    expect(prod.planHash).not.toBe(waitingProd.planHash);
    expect(JSON.stringify(prod.plan)).toContain("d0000000-aaaa-4bbb-8ccc-0000000000bb");
    expect(prod.approvals.every((a) => a.voidedAt !== null)).toBe(true);
    const voided = await db.auditEvent.findFirstOrThrow({
      where: { requestId: waitingProd.id, action: "request.approval_voided" },
    });
    expect(voided.after).toMatchObject({
      status: "submitted",
      planHash: prod.planHash,
      cause: expect.stringMatching(/settings changed/),
    });
    const told = await db.notification.findMany({
      where: { requestId: waitingProd.id, kind: "request.approval_voided" },
      select: { userId: true },
    });
    expect(told.map((n) => n.userId).sort()).toEqual(["usr-chen", "usr-fatima"]);

    const replanned = await db.workspaceRequest.findUniqueOrThrow({ where: { id: submitted.id } });
    expect(replanned.status).toBe("SUBMITTED");
    expect(replanned.planHash).not.toBe(submitted.planHash);
    expect(await db.auditEvent.count({ where: { requestId: submitted.id, action: "request.plan_updated" } })).toBe(1);

    const untouched = await db.workspaceRequest.findUniqueOrThrow({ where: { id: final.id } });
    expect(untouched).toMatchObject({ status: "APPROVED", planHash: final.planHash });
    expect(await verifyAuditChain()).toMatchObject({ intact: true });
  });
});
