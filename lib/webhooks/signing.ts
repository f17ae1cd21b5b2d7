// Standard Webhooks signatures (https://www.standardwebhooks.com): the receiver verifies
// `webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>` with the endpoint's `whsec_` secret,
// whose base64 part is the HMAC key. The reference libraries also reject timestamps outside a tolerance window
// (5 minutes), which is why the timestamp is taken at each attempt, not when the event happened.
import { createHmac, randomBytes } from "node:crypto";

const PREFIX = "whsec_";

/** A new signing secret: 32 random bytes, base64, with the `whsec_` prefix the reference libraries expect. */
export function generateWebhookSecret(): string {
  return PREFIX + randomBytes(32).toString("base64");
}

export function isWebhookSecret(value: string): boolean {
  return value.startsWith(PREFIX) && Buffer.from(value.slice(PREFIX.length), "base64").length >= 24;
}

export function signatureOf(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice(PREFIX.length), "base64");
  return createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
}

/** The three headers of one attempt; `id` stays the same across retries and redeliveries (receivers dedupe on it). */
export function webhookHeaders(secret: string, id: string, body: string, now = new Date()): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": `v1,${signatureOf(secret, id, timestamp, body)}`,
  };
}
