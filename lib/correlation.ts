import "server-only";
import { randomUUID } from "node:crypto";
import { cache } from "react";
import { headers } from "next/headers";

/** One id per incoming request (taken from `x-correlation-id` when a caller sends a sane one). */
export const getCorrelationId = cache(async (): Promise<string> => {
  try {
    const sent = (await headers()).get("x-correlation-id");
    if (sent && /^[A-Za-z0-9._:-]{8,100}$/.test(sent)) return sent;
  } catch {
    // Outside a request (worker, scripts): a fresh id.
  }
  return randomUUID();
});
