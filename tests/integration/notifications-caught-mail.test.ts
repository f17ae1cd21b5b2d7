// [NOTIFY]: the embedded default (no SMTP_URL) catches mail for the Sent mail page; domain events reach the right
// people with the right links — approval needed to the admins (review page), approved to requester and members.
import { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approveRequestAction } from "@/lib/approvals/actions";
import { db } from "@/lib/db/client";
import { createSubmittedRequest } from "@/lib/db/request-fixtures";
import { databaseUrl, reloadEnv } from "@/lib/env";
import { BOSS_SCHEMA, stopProducer } from "@/lib/jobs/queue";
import { notifyRole } from "@/lib/notifications/notify";
import { registerNotificationWorker } from "@/lib/notifications/worker";
import { actAs } from "../support/act-as";
import { eventually } from "./notifications-support";

let worker: PgBoss;

beforeAll(async () => {
  delete process.env.SMTP_URL;
  process.env.ATRIUM_URL = "http://localhost:3999";
  reloadEnv();
  worker = new PgBoss({ connectionString: databaseUrl(), schema: BOSS_SCHEMA, schedule: false, max: 4 });
  await worker.start();
  await registerNotificationWorker(worker, { pollingIntervalSeconds: 0.5, log: () => {} });
});

afterAll(async () => {
  await worker?.stop({ graceful: false, close: true });
  await stopProducer();
});

async function caughtFor(requestId: string, count: number) {
  return eventually(async () => {
    const rows = await db.notificationDelivery.findMany({
      where: { requestId, channel: "EMAIL", status: "DELIVERED" },
      select: { id: true, recipient: true, event: true },
    });
    if (rows.length < count) return null;
    const mail = await db.caughtMail.findMany({ where: { deliveryId: { in: rows.map((r) => r.id) } } });
    return mail.length === count ? mail : null;
  });
}

describe("[NOTIFY]: caught mail and event routing", () => {
  it("tells the admins an approval is needed, linking to the review page, and catches the mail", async () => {
    const request = await createSubmittedRequest(db, {
      requesterId: "usr-amara",
      pattern: "TEAM",
      team: "fraud",
      environments: ["DEV"],
      visibility: "PUBLIC",
      restriction: "RESTRICTED",
      region: "westeurope",
      members: [{ userId: "usr-amara", role: "DATA_SCIENTIST" }],
      costCenter: "CC-4100",
      justification: "Caught mail for the approval-needed event.",
    });
    await db.$transaction((tx) =>
      notifyRole(tx, "ADMIN", {
        kind: "request.submitted",
        title: "Waits for approval",
        body: "Please review.",
        requestId: request.id,
      }),
    );
    const admins = await db.user.findMany({
      where: { roles: { has: "ADMIN" }, disabled: false },
      select: { email: true },
    });
    const mail = await caughtFor(request.id, admins.length);
    expect(mail.map((m) => m.to).sort()).toEqual(admins.map((a) => a.email).sort());
    for (const m of mail) {
      expect(m.subject).toBe("Waits for approval");
      expect(m.text).toContain(`http://localhost:3999/approvals/${request.id}`);
      expect(m.messageId).toMatch(/^<.+>$/);
    }
  });

  it("tells the requester and the members that their request was approved", async () => {
    const request = await createSubmittedRequest(db, {
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
      justification: "Caught mail for the approved event.",
    });
    await actAs("fatima.khan@contoso.com");
    const form = new FormData();
    form.set("version", String(request.version));
    form.set("planHash", request.planHash!);
    expect(await approveRequestAction(request.id, { ok: true }, form)).toMatchObject({ ok: true });
    const mail = await caughtFor(request.id, 2);
    expect(mail.map((m) => m.to).sort()).toEqual(["amara.okafor@contoso.com", "diana.reyes@contoso.com"]);
    expect(mail[0].text).toContain(`http://localhost:3999/requests/${request.id}`);
  });
});
