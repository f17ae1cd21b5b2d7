import "server-only";
import { randomUUID } from "node:crypto";
import { cache } from "react";
import { headers } from "next/headers";

// A caller's id is recorded in the audit trail, so only a bounded, inert charset is accepted; anything else
// (too long, spaces, quotes, control or non-ASCII characters) is replaced by a fresh UUID, not cleaned up.
const SAFE_CORRELATION_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function acceptedCorrelationId(sent: string | null | undefined): string | null {
  return sent && SAFE_CORRELATION_ID.test(sent) ? sent : null;
}

/** One id per incoming request (taken from `x-correlation-id` when a caller sends a safe one). */
export const getCorrelationId = cache(async (): Promise<string> => {
  try {
    const sent = acceptedCorrelationId((await headers()).get("x-correlation-id"));
    if (sent) return sent;
  } catch {
    // Outside a request (worker, scripts): a fresh id.
  }
  return randomUUID();
});
