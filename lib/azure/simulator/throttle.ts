/** ARM token buckets per subscription and operation type (request-limits-and-throttling.md, 2025). */
import { ArmError } from "./errors";
import type { ThrottlingBucket, ThrottlingOptions } from "./types";

export type OperationClass = "reads" | "writes" | "deletes";

export const DEFAULT_BUCKETS: Record<OperationClass, ThrottlingBucket> = {
  writes: { capacity: 200, refillPerSecond: 10 },
  deletes: { capacity: 200, refillPerSecond: 10 },
  reads: { capacity: 250, refillPerSecond: 25 },
};

interface BucketState {
  tokens: number;
  last: number;
}

export type TakeResult = { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number };

export class Throttler {
  private readonly buckets = new Map<string, BucketState>();
  private readonly enabled: boolean;
  private readonly config: Record<OperationClass, ThrottlingBucket>;

  constructor(
    options: ThrottlingOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.enabled = options.enabled ?? true;
    this.config = {
      reads: options.reads ?? DEFAULT_BUCKETS.reads,
      writes: options.writes ?? DEFAULT_BUCKETS.writes,
      deletes: options.deletes ?? DEFAULT_BUCKETS.deletes,
    };
  }

  take(subscriptionId: string, cls: OperationClass): TakeResult {
    const { capacity, refillPerSecond } = this.config[cls];
    if (!this.enabled) return { ok: true, remaining: capacity };
    const key = `${subscriptionId.toLowerCase()}|${cls}`;
    const now = this.now();
    let state = this.buckets.get(key);
    if (!state) {
      state = { tokens: capacity, last: now };
      this.buckets.set(key, state);
    }
    state.tokens = Math.min(capacity, state.tokens + ((now - state.last) / 1000) * refillPerSecond);
    state.last = now;
    if (state.tokens >= 1) {
      state.tokens -= 1;
      return { ok: true, remaining: Math.floor(state.tokens) };
    }
    const seconds = refillPerSecond > 0 ? (1 - state.tokens) / refillPerSecond : 60;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(seconds)) };
  }
}

/** Takes a token for the request or throws ARM's 429; returns the remaining-requests header ARM sends. */
export function takeOrThrottle(throttler: Throttler, sub: string, method: string): Record<string, string> {
  const cls: OperationClass =
    method === "DELETE" ? "deletes" : method === "GET" || method === "HEAD" ? "reads" : "writes";
  const r = throttler.take(sub, cls);
  if (!r.ok) {
    throw new ArmError(
      429,
      "SubscriptionRequestsThrottled",
      `Number of '${cls.slice(0, -1)}' requests for subscription '${sub}' actor 'simulator' exceeded. Please try again after '${r.retryAfterSeconds}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling`,
      { headers: { "Retry-After": String(r.retryAfterSeconds) } },
    );
  }
  return { [`x-ms-ratelimit-remaining-subscription-${cls}`]: String(r.remaining) };
}
