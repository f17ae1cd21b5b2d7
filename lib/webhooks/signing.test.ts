import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { generateWebhookSecret, isWebhookSecret, webhookHeaders } from "./signing";

describe("Standard Webhooks signing", () => {
  it("produces headers the reference library verifies, and only with the right secret and body", () => {
    const secret = generateWebhookSecret();
    expect(isWebhookSecret(secret)).toBe(true);
    const body = JSON.stringify({ type: "request.approved", data: { requestId: "r1" } });
    const headers = webhookHeaders(secret, "msg_1", body);
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(body.replace("r1", "r2"), headers)).toThrow();
  });

  it("signs with the attempt's time: a stale timestamp is rejected by the receiver", () => {
    const secret = generateWebhookSecret();
    const headers = webhookHeaders(secret, "msg_2", "{}", new Date(Date.now() - 10 * 60_000));
    expect(() => new Webhook(secret).verify("{}", headers)).toThrow();
  });
});
