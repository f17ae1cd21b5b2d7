import "server-only";
import { db } from "@/lib/db/client";

export type RateDecision = { allowed: boolean; limit: number; remaining: number; retryAfterSeconds: number };

const WINDOW_MS = 60_000;

/**
 * Counts one call in the caller's current one-minute window and says whether it is within `limit`. One upsert in
 * PostgreSQL, so every portal process (WEB_CONCURRENCY, several hosts) shares the same count; a fixed window is
 * enough here — it bounds a runaway script, it is not a billing meter.
 */
export async function consumeRateLimit(bucket: string, limit: number, now = new Date()): Promise<RateDecision> {
  const windowStart = new Date(Math.floor(now.getTime() / WINDOW_MS) * WINDOW_MS);
  const [row] = await db.$queryRaw<{ count: number }[]>`
    INSERT INTO api_rate_limits (bucket, window_start, count) VALUES (${bucket}, ${windowStart}, 1)
    ON CONFLICT (bucket) DO UPDATE SET
      count = CASE WHEN api_rate_limits.window_start = excluded.window_start THEN api_rate_limits.count + 1 ELSE 1 END,
      window_start = excluded.window_start
    RETURNING count`;
  const count = row?.count ?? 1;
  const retryAfterSeconds = Math.max(1, Math.ceil((windowStart.getTime() + WINDOW_MS - now.getTime()) / 1000));
  return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), retryAfterSeconds };
}
