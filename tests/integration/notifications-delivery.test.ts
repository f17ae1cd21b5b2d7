// [NOTIFY]: the outbox delivered by the job queue to real local receivers — SMTP, a Standard Webhooks receiver
// verifying with the reference library, a receiver that fails twice, a Teams Workflows stand-in — with people's
// channel choices respected and the outbox bound to the event's transaction.
import { randomBytes, randomUUID } from "node:crypto";
import { PgBoss } from "pg-boss";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createSubmittedRequest } from "@/lib/db/request-fixtures";
import { databaseUrl, reloadEnv } from "@/lib/env";
import { BOSS_SCHEMA, stopProducer } from "@/lib/jobs/queue";
import { saveNotificationPreferencesAction } from "@/lib/notifications/actions";
import { NOTIFICATION_EVENT_IDS } from "@/lib/notifications/events";
import { notifyUsers } from "@/lib/notifications/notify";
import { DELIVERY_QUEUE } from "@/lib/notifications/queue";
import { registerNotificationWorker } from "@/lib/notifications/worker";
import { createEndpointAction, redeliverAction } from "@/lib/webhooks/actions";
import { actAs } from "../support/act-as";
import { eventually, startHttpReceiver, startSmtpReceiver } from "./notifications-support";

const smtp = await startSmtpReceiver();
const secrets = new Map<string, string>(); // receiver path → the whsec_ secret it verifies with
const verified = new Map<string, unknown[]>();
const http = await startHttpReceiver(({ path, body, headers }, seen) => {
  if (path === "/flaky" && seen < 2) return 503;
  const secret = secrets.get(path);
  if (!secret) return 200; // Teams Workflows answer 202 without signatures
  try {
    const payload = new Webhook(secret).verify(body, headers as Record<string, string>);
    verified.set(path, [...(verified.get(path) ?? []), payload]);
    return 204;
  } catch {
    return 401;
  }
});

let worker: PgBoss;

beforeAll(async () => {
  process.env.SMTP_URL = smtp.url;
  process.env.ATRIUM_SECRETS_KEY = randomBytes(32).toString("base64");
  process.env.ATRIUM_URL = "http://localhost:3999";
  reloadEnv();
  worker = new PgBoss({ connectionString: databaseUrl(), schema: BOSS_SCHEMA, schedule: false, max: 4 });
  await worker.start();
  await registerNotificationWorker(worker, { pollingIntervalSeconds: 0.5, log: () => {} });
  // Production waits 10 s before the first retry; the same exponential backoff from 1 s keeps the test short.
  await worker.updateQueue(DELIVERY_QUEUE, { retryDelay: 1 });
});

afterEach(async () => {
  await db.notificationEndpoint.deleteMany();
  await db.notificationPreference.deleteMany();
});

afterAll(async () => {
  await worker?.stop({ graceful: false, close: true });
  await stopProducer();
  await Promise.all([smtp.close(), http.close()]);
});

const fraudTeamId = async () => (await db.team.findUniqueOrThrow({ where: { slug: "fraud" } })).id;

async function newRequest() {
  return createSubmittedRequest(db, {
    requesterId: "usr-amara",
    pattern: "TEAM",
    team: "fraud",
    environments: ["DEV"],
    visibility: "PUBLIC",
    restriction: "RESTRICTED",
    region: "westeurope",
    members: [{ userId: "usr-amara", role: "DATA_SCIENTIST" }],
    costCenter: "CC-4100",
    justification: "Notification delivery tests for the fraud team.",
  });
}

async function emit(requestId: string, kind = "request.approved") {
  const title = `REQ notified ${randomUUID().slice(0, 8)}`;
  await db.$transaction((tx) =>
    notifyUsers(tx, ["usr-amara"], { kind, title, body: "Fatima approved it.", requestId }),
  );
  return title;
}

function form(fields: Record<string, string>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
}

async function addEndpoint(fields: { kind: "WEBHOOK" | "TEAMS"; url: string; teamId?: string }) {
  await actAs("fatima.khan@contoso.com");
  const result = (await createEndpointAction(
    undefined,
    form({ name: `${fields.kind} ${fields.url.slice(-12)}`, teamId: "", ...fields }),
  )) as { ok: boolean; secret?: string; fieldErrors?: Record<string, string[]> };
  return result;
}

const settled = (requestId: string, channel: "EMAIL" | "TEAMS" | "WEBHOOK") =>
  eventually(
    async () =>
      db.notificationDelivery.findFirst({
        where: { requestId, channel, status: { in: ["DELIVERED", "FAILED"] } },
      }),
    30_000,
  );

describe("[NOTIFY]: deliveries to real receivers", () => {
  it("emails the recipient over SMTP and records the server's reply", async () => {
    const request = await newRequest();
    const title = await emit(request.id);
    const row = await settled(request.id, "EMAIL");
    expect(row).toMatchObject({
      status: "DELIVERED",
      attempts: 1,
      lastStatusCode: 250,
      recipient: "amara.okafor@contoso.com",
    });
    const message = smtp.messages.find((m) => m.raw.includes(`X-Atrium-Delivery: ${row.id}`));
    expect(message?.to).toEqual(["amara.okafor@contoso.com"]);
    expect(message?.raw).toContain(`Subject: ${title}`);
    expect(message?.raw).toContain(`http://localhost:3999/requests/${request.id}`);
    expect(await db.notification.count({ where: { requestId: request.id, title } })).toBe(1);
  });

  it("signs webhooks the Standard Webhooks way: the reference library verifies them; redelivery keeps the id", async () => {
    const created = await addEndpoint({ kind: "WEBHOOK", url: `${http.base}/hook` });
    expect(created.ok).toBe(true);
    expect(created.secret).toMatch(/^whsec_/);
    secrets.set("/hook", created.secret!);
    const endpoint = await db.notificationEndpoint.findFirstOrThrow({ where: { displayUrl: `${http.base}/hook` } });
    expect(endpoint.secretCiphertext).not.toContain(created.secret!.slice(6, 20));
    const audit = await db.auditEvent.findFirstOrThrow({ where: { entityId: endpoint.id } });
    expect(JSON.stringify([audit.before, audit.after])).not.toContain(created.secret!.slice(6));

    const request = await newRequest();
    await emit(request.id);
    const row = await settled(request.id, "WEBHOOK");
    expect(row).toMatchObject({ status: "DELIVERED", attempts: 1, lastStatusCode: 204 });
    const hits = http.received.filter((r) => r.path === "/hook");
    expect(hits.map((h) => h.answered)).toEqual([204]);
    expect(hits[0].headers["webhook-id"]).toBe(row.id);
    expect(verified.get("/hook")).toEqual([
      expect.objectContaining({ type: "request.approved", data: expect.objectContaining({ requestId: request.id }) }),
    ]);
    const other = new Webhook(`whsec_${randomBytes(32).toString("base64")}`);
    expect(() => other.verify(hits[0].body, hits[0].headers as Record<string, string>)).toThrow();

    const again = (await redeliverAction(row.id, undefined, new FormData())) as { ok: boolean };
    expect(again.ok).toBe(true);
    await eventually(async () =>
      db.notificationDelivery.findFirst({ where: { id: row.id, attempts: 2, status: "DELIVERED" } }),
    );
    const both = http.received.filter((r) => r.path === "/hook");
    expect(both.map((h) => [h.headers["webhook-id"], h.answered])).toEqual([
      [row.id, 204],
      [row.id, 204],
    ]);
  });

  it("retries with backoff: a receiver failing twice then succeeding gets the message once, after 3 attempts", async () => {
    const created = await addEndpoint({ kind: "WEBHOOK", url: `${http.base}/flaky` });
    secrets.set("/flaky", created.secret!);
    const request = await newRequest();
    await emit(request.id);
    const row = await settled(request.id, "WEBHOOK");
    expect(row).toMatchObject({ status: "DELIVERED", attempts: 3, lastStatusCode: 204, lastError: null });
    const hits = http.received.filter((r) => r.path === "/flaky");
    expect(hits.map((h) => h.answered)).toEqual([503, 503, 204]);
    expect(new Set(hits.map((h) => h.headers["webhook-id"]))).toEqual(new Set([row.id]));
    expect(verified.get("/flaky")).toHaveLength(1);
  });

  it("posts an Adaptive Card to the request team's Teams Workflows URL, whose token is stored only encrypted", async () => {
    const insights = await db.team.findUniqueOrThrow({ where: { slug: "insights" } });
    const ours = await addEndpoint({
      kind: "TEAMS",
      url: `${http.base}/teams/fraud?api-version=1&sig=TopSecretSig123`,
      teamId: await fraudTeamId(),
    });
    const theirs = await addEndpoint({ kind: "TEAMS", url: `${http.base}/teams/insights`, teamId: insights.id });
    expect([ours.ok, theirs.ok, ours.secret]).toEqual([true, true, undefined]);
    const stored = await db.notificationEndpoint.findFirstOrThrow({ where: { teamId: await fraudTeamId() } });
    expect(stored.displayUrl).toBe(`${http.base}/teams/fraud`);
    expect(JSON.stringify(stored)).not.toContain("TopSecretSig123");

    const request = await newRequest();
    const title = await emit(request.id);
    const row = await settled(request.id, "TEAMS");
    expect(row).toMatchObject({ status: "DELIVERED", attempts: 1, lastStatusCode: 200, endpointId: stored.id });
    const hit = http.received.find((r) => r.path === "/teams/fraud")!;
    const card = JSON.parse(hit.body) as {
      type: string;
      attachments: { contentType: string; content: Record<string, unknown> & { body: { text: string }[] } }[];
    };
    expect(card.type).toBe("message");
    expect(card.attachments[0].contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(card.attachments[0].content).toMatchObject({
      type: "AdaptiveCard",
      version: "1.4",
      actions: [{ type: "Action.OpenUrl", url: `http://localhost:3999/requests/${request.id}` }],
    });
    expect(card.attachments[0].content.body[0].text).toBe(title);
    expect(http.received.filter((r) => r.path === "/teams/insights")).toEqual([]);
    expect(await db.notificationDelivery.count({ where: { requestId: request.id, channel: "TEAMS" } })).toBe(1);
  });

  it("respects people's choices: email and Teams off for one event leaves only the inbox for it", async () => {
    await addEndpoint({ kind: "TEAMS", url: `${http.base}/teams/prefs`, teamId: await fraudTeamId() });
    await actAs("amara.okafor@contoso.com");
    const choices = new FormData();
    for (const id of NOTIFICATION_EVENT_IDS) {
      if (id === "request_approved") continue;
      choices.set(`email:${id}`, "on");
      choices.set(`teams:${id}`, "on");
    }
    expect(await saveNotificationPreferencesAction(undefined, choices)).toMatchObject({ ok: true });

    const request = await newRequest();
    const approvedTitle = await emit(request.id, "request.approved");
    const rejectedTitle = await emit(request.id, "request.rejected");
    await settled(request.id, "EMAIL");
    await settled(request.id, "TEAMS");
    const rows = await db.notificationDelivery.findMany({
      where: { requestId: request.id },
      select: { event: true, channel: true },
    });
    expect(rows.sort((a, b) => a.channel.localeCompare(b.channel))).toEqual([
      { event: "request.rejected", channel: "EMAIL" },
      { event: "request.rejected", channel: "TEAMS" },
    ]);
    expect(
      await db.notification.count({ where: { requestId: request.id, title: { in: [approvedTitle, rejectedTitle] } } }),
    ).toBe(2);
  });

  it("writes the outbox in the event's transaction: a rollback leaves no delivery and no job", async () => {
    await addEndpoint({ kind: "WEBHOOK", url: `${http.base}/rollback` });
    const request = await newRequest();
    let written: string[] = [];
    await expect(
      db.$transaction(async (tx) => {
        await notifyUsers(tx, ["usr-amara"], {
          kind: "request.approved",
          title: "Rolled back",
          body: "x",
          requestId: request.id,
        });
        written = (await tx.notificationDelivery.findMany({ where: { requestId: request.id } })).map((d) => d.id);
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(written).toHaveLength(2); // the email and the webhook existed inside the transaction
    expect(await db.notificationDelivery.count({ where: { id: { in: written } } })).toBe(0);
    expect(await db.notification.count({ where: { requestId: request.id } })).toBe(0);
    const [jobs] = await db.$queryRaw<[{ n: number }]>`
      SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${DELIVERY_QUEUE} AND data->>'deliveryId' = ANY(${written})`;
    expect(jobs.n).toBe(0);
    expect(http.received.filter((r) => r.path === "/rollback")).toEqual([]);
  });

  it("posts once per endpoint for one event, however many calls notify its people", async () => {
    const created = await addEndpoint({ kind: "WEBHOOK", url: `${http.base}/once` });
    secrets.set("/once", created.secret!);
    const request = await newRequest();
    const note = { kind: "provisioning.failed", title: "REQ failed", body: "Quota exceeded.", requestId: request.id };
    await db.$transaction(async (tx) => {
      await notifyUsers(tx, ["usr-amara"], note);
      await notifyUsers(tx, ["usr-fatima", "usr-amara"], note);
    });
    await settled(request.id, "WEBHOOK");
    const rows = await db.notificationDelivery.findMany({
      where: { requestId: request.id },
      select: { channel: true, recipient: true },
    });
    expect(
      rows
        .filter((r) => r.channel === "EMAIL")
        .map((r) => r.recipient)
        .sort(),
    ).toEqual(["amara.okafor@contoso.com", "fatima.khan@contoso.com"]);
    expect(rows.filter((r) => r.channel === "WEBHOOK")).toHaveLength(1);
    expect(http.received.filter((r) => r.path === "/once")).toHaveLength(1);
  });

  it("refuses endpoint URLs that are not http(s)", async () => {
    for (const url of ["ftp://files.contoso.com/hook", "file:///etc/passwd", "javascript:alert(1)"]) {
      const result = await addEndpoint({ kind: "WEBHOOK", url });
      expect(result.ok, url).toBe(false);
      expect(result.fieldErrors?.url, url).toEqual(["Enter an http:// or https:// URL."]);
    }
    expect(await db.notificationEndpoint.count()).toBe(0);
  });
});
