// Sends one outbox row. At least once: the attempt is counted before sending, and a crash after the send but
// before the result is recorded sends again — receivers dedupe on the webhook-id / X-Atrium-Delivery header.
import "server-only";
import type { NotificationChannel } from "@/generated/prisma/enums";
import { db } from "@/lib/db/client";
import { sendMail, smtpResponseCode } from "@/lib/mail/transport";
import { postJson } from "@/lib/webhooks/http";
import { openSecret } from "@/lib/webhooks/secret-box";
import { webhookHeaders } from "@/lib/webhooks/signing";
import type { EmailPayload } from "./messages";

export type Attempt = { retryCount: number; retryLimit: number };
export type DeliveryOutcome = "delivered" | "failed" | "skipped";

/** Thrown to have the queue retry the job with backoff. */
export class RetryableDeliveryError extends Error {}

type Sent = { ok: true; code: number | null } | { ok: false; code: number | null; error: string; permanent: boolean };

const LAST_ERROR_MAX = 500;

export async function deliverOne(deliveryId: string, attempt: Attempt): Promise<DeliveryOutcome> {
  const row = await db.notificationDelivery.findUnique({
    where: { id: deliveryId },
    select: {
      id: true,
      channel: true,
      recipient: true,
      payload: true,
      status: true,
      endpoint: { select: { id: true, enabled: true, secretCiphertext: true, displayUrl: true } },
    },
  });
  if (!row || row.status === "DELIVERED") return "skipped";
  await db.notificationDelivery.update({
    where: { id: row.id },
    data: { attempts: { increment: 1 }, lastAttemptAt: new Date(), status: "PENDING" },
  });
  const sent = await send(row.id, row.channel, row.recipient, row.payload, row.endpoint);
  if (sent.ok) {
    await db.notificationDelivery.update({
      where: { id: row.id },
      data: { status: "DELIVERED", deliveredAt: new Date(), lastStatusCode: sent.code, lastError: null },
    });
    return "delivered";
  }
  const final = sent.permanent || attempt.retryCount >= attempt.retryLimit;
  await db.notificationDelivery.update({
    where: { id: row.id },
    data: {
      status: final ? "FAILED" : "PENDING",
      lastStatusCode: sent.code,
      lastError: sent.error.slice(0, LAST_ERROR_MAX),
    },
  });
  if (final) return "failed";
  throw new RetryableDeliveryError(sent.error);
}

type Endpoint = { id: string; enabled: boolean; secretCiphertext: string; displayUrl: string } | null;

async function send(id: string, channel: NotificationChannel, to: string, payload: unknown, endpoint: Endpoint) {
  if (channel === "EMAIL") return sendEmail(id, to, payload as EmailPayload);
  if (!endpoint) return refused("The endpoint was deleted.");
  if (!endpoint.enabled) return refused("The endpoint is disabled.");
  let target: { url: string; secret?: string };
  try {
    target = JSON.parse(openSecret(endpoint.secretCiphertext, endpoint.id)) as typeof target;
  } catch {
    return refused("The endpoint's secret cannot be decrypted with the configured ATRIUM_SECRETS_KEY.");
  }
  const body = JSON.stringify(payload);
  // Standard Webhooks: the message id is the outbox row's id, the same for every retry and redelivery.
  const headers = channel === "WEBHOOK" && target.secret ? webhookHeaders(target.secret, id, body) : {};
  try {
    const result = await postJson(target.url, body, headers);
    if (result.ok) return { ok: true, code: result.status } satisfies Sent;
    return httpFailure(result.status);
  } catch (error) {
    // Never record the full URL: a Workflows URL carries its token in the query.
    const message = (error instanceof Error ? causeMessage(error) : String(error)).replaceAll(
      target.url,
      endpoint.displayUrl,
    );
    return { ok: false, code: null, error: message, permanent: false } satisfies Sent;
  }
}

async function sendEmail(id: string, to: string, payload: EmailPayload): Promise<Sent> {
  try {
    const info = await sendMail({ deliveryId: id, to, ...payload });
    return { ok: true, code: info.responseCode };
  } catch (error) {
    const code = smtpResponseCode(error);
    return {
      ok: false,
      code,
      error: error instanceof Error ? error.message : String(error),
      permanent: code !== null && code >= 500,
    };
  }
}

function refused(error: string): Sent {
  return { ok: false, code: null, error, permanent: true };
}

/** 408, 425, 429 and 5xx are worth retrying; any other answer (4xx, a redirect) will not change by waiting. */
function httpFailure(status: number): Sent {
  const transient = status === 408 || status === 425 || status === 429 || status >= 500;
  const error =
    status >= 300 && status < 400
      ? `HTTP ${status}: redirects are not followed`
      : `The receiver answered HTTP ${status}`;
  return { ok: false, code: status, error, permanent: !transient };
}

function causeMessage(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  if (error.name === "TimeoutError") return "No answer within 10 s";
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}
