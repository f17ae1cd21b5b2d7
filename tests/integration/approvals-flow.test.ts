// [APPROVALS]: stages, separation of duties, plan binding and the outbox, through the real server actions.
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createSubmittedRequest, type RequestSpec } from "@/lib/db/request-fixtures";
import {
  approveProductionAction,
  approveRequestAction,
  rejectProductionAction,
  rejectRequestAction,
} from "@/lib/approvals/actions";
import { getProducer, PROVISION_QUEUE, stopProducer } from "@/lib/jobs/queue";
import { updateUserRolesAction } from "@/lib/people/actions";
import { actAs } from "../support/act-as";

const spec = (overrides: Partial<RequestSpec> = {}): RequestSpec => ({
  requesterId: "usr-amara",
  pattern: "TEAM",
  team: "fraud",
  environments: ["DEV", "TEST"],
  visibility: "PUBLIC",
  restriction: "RESTRICTED",
  region: "westeurope",
  members: [
    { userId: "usr-amara", role: "DATA_SCIENTIST" },
    { userId: "usr-diana", role: "MLOPS" },
  ],
  costCenter: "CC-4100",
  justification: "Fraud model experiments for the card portfolio.",
  ...overrides,
});

function form(fields: Record<string, string | number>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, String(v));
  return f;
}

function rolesForm(...roles: string[]) {
  const f = new FormData();
  for (const role of roles) f.append("roles", role);
  return f;
}

async function state(requestId: string) {
  const r = await db.workspaceRequest.findUniqueOrThrow({
    where: { id: requestId },
    select: { status: true, version: true, planHash: true, rejectionReason: true },
  });
  return r;
}

async function jobs(requestId: string) {
  const boss = await getProducer();
  return boss.findJobs(PROVISION_QUEUE, { key: requestId });
}

const audits = (requestId: string, action: string) => db.auditEvent.count({ where: { requestId, action } });
const denials = () => db.auditEvent.count({ where: { action: "authz.denied" } });

describe("[APPROVALS]: decisions", () => {
  afterAll(() => stopProducer());

  it("a dev+test request needs only the admin approval, which queues provisioning in the same transaction", async () => {
    const req = await createSubmittedRequest(db, spec());
    await actAs("fatima.khan@contoso.com");
    const result = await approveRequestAction(
      req.id,
      { ok: true },
      form({ version: req.version, planHash: req.planHash }),
    );
    expect(result).toMatchObject({ ok: true });

    expect(await state(req.id)).toMatchObject({ status: "APPROVED", version: req.version + 1 });
    const approvals = await db.approval.findMany({ where: { requestId: req.id } });
    expect(approvals).toMatchObject([
      { stage: "ADMIN", decision: "APPROVED", approverId: "usr-fatima", planHash: req.planHash, voidedAt: null },
    ]);
    const runs = await db.provisioningRun.findMany({ where: { requestId: req.id } });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ attempt: 1, status: "QUEUED", triggeredById: "usr-fatima" });
    const queued = await jobs(req.id);
    expect(queued).toHaveLength(1);
    expect(queued[0].data).toEqual({ requestId: req.id, runId: runs[0].id });
    expect(runs[0].jobId).toBe(queued[0].id);
    expect(await audits(req.id, "request.approved")).toBe(1);
    const inbox = await db.notification.findMany({ where: { requestId: req.id, userId: "usr-amara" } });
    expect(inbox.map((n) => n.kind)).toContain("request.approved");
  });

  it("a prod request needs the admin, then a stakeholder who is a different person", async () => {
    const req = await createSubmittedRequest(
      db,
      spec({
        team: "insights",
        requesterId: "usr-chen",
        members: [{ userId: "usr-chen", role: "DATA_SCIENTIST" }],
        environments: ["DEV", "TEST", "PROD"],
        costCenter: "CC-5200",
      }),
    );
    await actAs("isabel.costa@contoso.com"); // admin and stakeholder
    expect(
      await approveRequestAction(req.id, { ok: true }, form({ version: req.version, planHash: req.planHash })),
    ).toMatchObject({ ok: true });
    expect(await state(req.id)).toMatchObject({ status: "APPROVED" });
    expect(await jobs(req.id)).toHaveLength(0);
    expect(await db.provisioningRun.count({ where: { requestId: req.id } })).toBe(0);
    const stakeholderInbox = await db.notification.findMany({
      where: { requestId: req.id, kind: "request.awaiting_stakeholder" },
      select: { userId: true },
    });
    expect(stakeholderInbox.map((n) => n.userId).sort()).toEqual(["usr-hannah"]); // not Isabel, who approved

    // The same person can't give the second approval, even holding both roles.
    const before = await denials();
    const refused = await approveProductionAction(
      req.id,
      { ok: true },
      form({ version: req.version + 1, planHash: req.planHash }),
    );
    expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/different person/) });
    expect(await denials()).toBe(before + 1);
    expect(await state(req.id)).toMatchObject({ status: "APPROVED", version: req.version + 1 });

    await actAs("hannah.schmidt@contoso.com");
    expect(
      await approveProductionAction(req.id, { ok: true }, form({ version: req.version + 1, planHash: req.planHash })),
    ).toMatchObject({ ok: true });
    expect(await state(req.id)).toMatchObject({ status: "STAKEHOLDER_APPROVED", version: req.version + 2 });
    const approvals = await db.approval.findMany({ where: { requestId: req.id }, orderBy: { createdAt: "asc" } });
    expect(approvals.map((a) => [a.stage, a.approverId])).toEqual([
      ["ADMIN", "usr-isabel"],
      ["STAKEHOLDER", "usr-hannah"],
    ]);
    expect(await jobs(req.id)).toHaveLength(1);
    expect(await audits(req.id, "request.stakeholder_approved")).toBe(1);
  });

  it("nobody approves a request they submitted or that names them; the refusal is audited and changes nothing", async () => {
    const own = await createSubmittedRequest(
      db,
      spec({
        team: "supply",
        requesterId: "usr-george",
        members: [{ userId: "usr-jonas", role: "DATA_SCIENTIST" }],
        region: "eastus",
        costCenter: "CC-6300",
      }),
    );
    await actAs("george.mensah@contoso.com");
    const before = await denials();
    const result = await approveRequestAction(
      own.id,
      { ok: true },
      form({ version: own.version, planHash: own.planHash }),
    );
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/You submitted this request/) });
    expect(
      await rejectRequestAction(
        own.id,
        { ok: true },
        form({ version: own.version, planHash: own.planHash, reason: "Rejecting my own request" }),
      ),
    ).toMatchObject({ ok: false });
    expect(await denials()).toBe(before + 2);
    expect(await state(own.id)).toMatchObject({ status: "SUBMITTED", version: own.version });
    expect(await db.approval.count({ where: { requestId: own.id } })).toBe(0);

    const naming = await createSubmittedRequest(
      db,
      spec({
        team: "supply",
        requesterId: "usr-jonas",
        members: [{ userId: "usr-george", role: "MLOPS" }],
        region: "eastus",
        costCenter: "CC-6300",
      }),
    );
    const refused = await approveRequestAction(
      naming.id,
      { ok: true },
      form({ version: naming.version, planHash: naming.planHash }),
    );
    expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/names you as a member/) });
    expect(await state(naming.id)).toMatchObject({ status: "SUBMITTED" });
  });

  it("rejection needs a reason, closes the request and tells the requester why", async () => {
    const req = await createSubmittedRequest(db, spec({ environments: ["DEV"] }));
    await actAs("fatima.khan@contoso.com");
    const missing = await rejectRequestAction(
      req.id,
      { ok: true },
      form({ version: req.version, planHash: req.planHash, reason: " " }),
    );
    expect(missing).toMatchObject({ ok: false, fieldErrors: { reason: [expect.stringMatching(/reason/)] } });
    expect(await state(req.id)).toMatchObject({ status: "SUBMITTED" });

    const reason = "Use the shared fraud workspace until the data-residency review is done.";
    expect(
      await rejectRequestAction(req.id, { ok: true }, form({ version: req.version, planHash: req.planHash, reason })),
    ).toMatchObject({ ok: true });
    expect(await state(req.id)).toMatchObject({ status: "REJECTED", rejectionReason: reason });
    const note = await db.notification.findFirstOrThrow({
      where: { requestId: req.id, userId: "usr-amara", kind: "request.rejected" },
    });
    expect(note.body).toContain(reason);
    expect(await audits(req.id, "request.rejected")).toBe(1);
    expect(await jobs(req.id)).toHaveLength(0);
  });

  it("a stakeholder can reject the production stage", async () => {
    const req = await createSubmittedRequest(db, spec({ environments: ["TEST", "PROD"] }));
    await actAs("fatima.khan@contoso.com");
    await approveRequestAction(req.id, { ok: true }, form({ version: req.version, planHash: req.planHash }));
    await actAs("hannah.schmidt@contoso.com");
    const reason = "Production needs the model-risk sign-off first.";
    expect(
      await rejectProductionAction(
        req.id,
        { ok: true },
        form({ version: req.version + 1, planHash: req.planHash, reason }),
      ),
    ).toMatchObject({ ok: true });
    expect(await state(req.id)).toMatchObject({ status: "REJECTED", rejectionReason: reason });
    const told = await db.notification.findMany({
      where: { requestId: req.id, kind: "request.rejected" },
      select: { userId: true },
    });
    // The requester, the members and the admin whose approval the rejection overrides.
    expect(told.map((n) => n.userId).sort()).toEqual(["usr-amara", "usr-diana", "usr-fatima"]);
  });

  it("refuses a decision about a version or plan the decider did not see", async () => {
    const req = await createSubmittedRequest(db, spec({ environments: ["DEV"] }));
    await actAs("fatima.khan@contoso.com");
    expect(
      await approveRequestAction(req.id, { ok: true }, form({ version: req.version - 1, planHash: req.planHash })),
    ).toMatchObject({ ok: false, message: expect.stringMatching(/changed since you opened it/) });
    expect(
      await approveRequestAction(
        req.id,
        { ok: true },
        form({ version: req.version, planHash: `sha256:${"0".repeat(64)}` }),
      ),
    ).toMatchObject({ ok: false });
    expect(await state(req.id)).toMatchObject({ status: "SUBMITTED", version: req.version });
  });

  it("refuses an approval when the plan changed behind the stored hash: approvals are voided, the request re-planned, audited and announced", async () => {
    const req = await createSubmittedRequest(db, spec({ environments: ["TEST", "PROD"] }));
    await actAs("fatima.khan@contoso.com");
    await approveRequestAction(req.id, { ok: true }, form({ version: req.version, planHash: req.planHash }));
    // A directory change the portal did not see coming: a member's role changes the role assignments.
    await db.requestMember.update({
      where: { requestId_userId: { requestId: req.id, userId: "usr-diana" } },
      data: { role: "DATA_ENGINEER" },
    });
    await db.requestMember.update({
      where: { requestId_userId: { requestId: req.id, userId: "usr-amara" } },
      data: { role: "MLOPS" },
    });

    await actAs("hannah.schmidt@contoso.com");
    const result = await approveProductionAction(
      req.id,
      { ok: true },
      form({ version: req.version + 1, planHash: req.planHash }),
    );
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/plan of this request changed/) });
    const after = await state(req.id);
    expect(after.status).toBe("SUBMITTED");
    expect(after.planHash).not.toBe(req.planHash);
    const adminApproval = await db.approval.findFirstOrThrow({ where: { requestId: req.id, stage: "ADMIN" } });
    expect(adminApproval.voidedAt).not.toBeNull();
    expect(await audits(req.id, "request.approval_voided")).toBe(1);
    const told = await db.notification.findMany({
      where: { requestId: req.id, kind: "request.approval_voided" },
      select: { userId: true },
    });
    expect(told.map((n) => n.userId).sort()).toEqual(["usr-amara", "usr-fatima"]);
    expect(await jobs(req.id)).toHaveLength(0);

    // Approving the new plan works again.
    await actAs("fatima.khan@contoso.com");
    expect(
      await approveRequestAction(req.id, { ok: true }, form({ version: after.version, planHash: after.planHash! })),
    ).toMatchObject({ ok: true });
  });
});

describe("[APPROVALS]: plans follow the portal admins", () => {
  afterAll(() => stopProducer());

  it("granting the admin role re-plans waiting requests and voids approvals of the changed plan", async () => {
    const req = await createSubmittedRequest(
      db,
      spec({
        environments: ["TEST", "PROD"],
        team: "insights",
        requesterId: "usr-liam",
        members: [{ userId: "usr-liam", role: "DATA_SCIENTIST" }],
        region: "swedencentral",
        costCenter: "CC-5200",
      }),
    );
    await actAs("fatima.khan@contoso.com");
    expect(
      await approveRequestAction(req.id, { ok: true }, form({ version: req.version, planHash: req.planHash })),
    ).toMatchObject({ ok: true });
    expect(await updateUserRolesAction("usr-keiko", { ok: true }, rolesForm("MLOPS", "ADMIN"))).toMatchObject({
      ok: true,
    });
    const after = await db.workspaceRequest.findUniqueOrThrow({ where: { id: req.id }, include: { approvals: true } });
    expect(after.status).toBe("SUBMITTED");
    expect(after.planHash).not.toBe(req.planHash);
    expect(JSON.stringify(after.plan)).toContain("Keiko Tanaka");
    expect(after.approvals.every((a) => a.voidedAt)).toBe(true);
    expect(await audits(req.id, "request.approval_voided")).toBe(1);
    // Restore the directory for the other tests.
    expect(await updateUserRolesAction("usr-keiko", { ok: true }, rolesForm("MLOPS"))).toMatchObject({ ok: true });
  });
});
