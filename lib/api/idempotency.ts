import "server-only";
import { createHash } from "node:crypto";
import type { Prisma } from "@/generated/prisma/client";
import { db } from "@/lib/db/client";
import { HttpProblem } from "./http";

// Keys live a day (as Stripe's do): long enough for any client retry, short enough to keep the table small.
const KEY_TTL_MS = 24 * 3600_000;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export function requestFingerprint(method: string, path: string, body: string): string {
  return createHash("sha256").update(`${method}\n${path}\n${body}`).digest("hex");
}

/**
 * Runs a creating POST at most once per (principal, Idempotency-Key): the first call claims the key, runs and stores
 * its successful answer; a repeat with the same request gets that answer again (marked Idempotent-Replayed); a
 * repeat with a different request is refused (422), and one that arrives while the first still runs gets 409.
 * A failed first call releases the key, so the client may retry it.
 */
export async function withIdempotency(
  principal: string,
  key: string | null,
  fingerprint: string,
  run: () => Promise<Response>,
): Promise<Response> {
  if (key === null) return run();
  if (!KEY_PATTERN.test(key)) {
    throw new HttpProblem({
      status: 400,
      type: "invalid-idempotency-key",
      detail: "An Idempotency-Key is 1 to 255 visible ASCII characters (a UUID is a good choice).",
    });
  }
  await db.apiIdempotencyKey.deleteMany({ where: { createdAt: { lt: new Date(Date.now() - KEY_TTL_MS) } } });
  const claimed = await db.$executeRaw`
    INSERT INTO api_idempotency_keys (principal, key, fingerprint) VALUES (${principal}, ${key}, ${fingerprint})
    ON CONFLICT DO NOTHING`;
  if (claimed === 0) return replay(principal, key, fingerprint);
  let response: Response;
  try {
    response = await run();
  } catch (error) {
    await db.apiIdempotencyKey.deleteMany({ where: { principal, key } });
    throw error;
  }
  if (response.status >= 200 && response.status < 300) {
    const text = await response.clone().text();
    await db.apiIdempotencyKey.update({
      where: { principal_key: { principal, key } },
      data: {
        status: response.status,
        body: JSON.parse(text) as Prisma.InputJsonValue,
        location: response.headers.get("location"),
      },
    });
  } else {
    await db.apiIdempotencyKey.deleteMany({ where: { principal, key } });
  }
  return response;
}

async function replay(principal: string, key: string, fingerprint: string): Promise<Response> {
  const row = await db.apiIdempotencyKey.findUnique({ where: { principal_key: { principal, key } } });
  if (!row || row.status === null) {
    throw new HttpProblem({
      status: 409,
      type: "idempotency-key-in-use",
      detail: "A request with this Idempotency-Key is still being handled; retry in a moment.",
      headers: { "retry-after": "1" },
    });
  }
  if (row.fingerprint !== fingerprint) {
    throw new HttpProblem({
      status: 422,
      type: "idempotency-key-reused",
      detail: "This Idempotency-Key was used for a different request; use a new key for a new request.",
    });
  }
  const headers = new Headers({
    "content-type": "application/json; charset=utf-8",
    "cache-control": "private, no-store",
    "idempotent-replayed": "true",
  });
  if (row.location) headers.set("location", row.location);
  return new Response(JSON.stringify(row.body), { status: row.status, headers });
}
