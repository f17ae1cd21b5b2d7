/**
 * Client-side token buckets mirroring ARM's per-subscription limits (request-limits-and-throttling, 2025: writes
 * 200 burst / 10 per s, reads 250 / 25 per s, deletes 200 / 10 per s). Every ARM request the provisioner sends takes
 * a token first, so a burst of approvals queues in-process instead of collecting 429s; a 429 with Retry-After pauses
 * the subscription's bucket for that long (the server told us when it has tokens again).
 *
 * Waiters are served fairly between flows (a flow is one provisioning run, or one check run), not first come first
 * served: start-time fair queuing gives each request a tag one past the later of its flow's last tag and the tag last
 * granted, and the smallest tag goes next. A run that has just started is therefore served before the hundredth write
 * of a run that has been busy for a minute: fifty approvals at once all get their first ARM request out within the
 * burst, and a small request is never starved behind a large one. Requests of one flow keep their order.
 */
export type OperationClass = "reads" | "writes" | "deletes";

export interface BucketConfig {
  capacity: number;
  refillPerSecond: number;
}

export type ThrottleConfig = Record<OperationClass, BucketConfig>;

export const ARM_LIMITS: ThrottleConfig = {
  writes: { capacity: 200, refillPerSecond: 10 },
  deletes: { capacity: 200, refillPerSecond: 10 },
  reads: { capacity: 250, refillPerSecond: 25 },
};

interface Waiter {
  /** Virtual start tag (start-time fair queuing); ties go to the earlier arrival. */
  tag: number;
  arrival: number;
  grant: () => void;
}

interface Bucket {
  tokens: number;
  last: number;
  pausedUntil: number;
  /** Waiters ordered by (tag, arrival). */
  queue: Waiter[];
  /** The tag of the waiter granted last: a flow that was idle starts here. */
  virtualTime: number;
  /** Each busy flow's last tag (cleared when the queue empties: every flow is then idle). */
  flowTags: Map<string, number>;
  arrivals: number;
  timer: NodeJS.Timeout | null;
  /** Since when requests have been waiting for tokens (null: not saturated). */
  saturatedSince: number | null;
}

export interface SaturationStats {
  /** Total time some request of this class waited for a token. */
  saturatedMs: number;
  /** Tokens granted during that time. */
  grantedWhileSaturated: number;
}

export function operationClassOf(method: string): OperationClass {
  const m = method.toUpperCase();
  if (m === "DELETE") return "deletes";
  if (m === "GET" || m === "HEAD") return "reads";
  return "writes";
}

export class ArmThrottle {
  private readonly buckets = new Map<string, Bucket>();
  /** Tokens granted per class (for benchmarks). */
  readonly granted: Record<OperationClass, number> = { reads: 0, writes: 0, deletes: 0 };
  /** How busy each class was (benchmarks: achieved rate while saturated vs. the refill rate). */
  readonly saturation: Record<OperationClass, SaturationStats> = {
    reads: { saturatedMs: 0, grantedWhileSaturated: 0 },
    writes: { saturatedMs: 0, grantedWhileSaturated: 0 },
    deletes: { saturatedMs: 0, grantedWhileSaturated: 0 },
  };

  constructor(
    readonly config: ThrottleConfig = ARM_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  private bucket(key: string, cls: OperationClass): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = {
        tokens: this.config[cls].capacity,
        last: this.now(),
        pausedUntil: 0,
        queue: [],
        virtualTime: 0,
        flowTags: new Map(),
        arrivals: 0,
        timer: null,
        saturatedSince: null,
      };
      this.buckets.set(key, b);
    }
    return b;
  }

  private refill(b: Bucket, cls: OperationClass) {
    const now = this.now();
    const { capacity, refillPerSecond } = this.config[cls];
    b.tokens = Math.min(capacity, b.tokens + ((now - b.last) / 1000) * refillPerSecond);
    b.last = now;
  }

  private drain(key: string, cls: OperationClass) {
    const b = this.bucket(key, cls);
    b.timer = null;
    this.refill(b, cls);
    const now = this.now();
    while (b.queue.length > 0 && b.tokens >= 1 && now >= b.pausedUntil) {
      b.tokens -= 1;
      this.granted[cls] += 1;
      if (b.saturatedSince !== null) this.saturation[cls].grantedWhileSaturated += 1;
      const next = b.queue.shift()!;
      b.virtualTime = next.tag;
      next.grant();
    }
    if (b.queue.length === 0) b.flowTags.clear();
    if (b.queue.length > 0 && b.saturatedSince === null) b.saturatedSince = now;
    if (b.queue.length === 0 && b.saturatedSince !== null) {
      this.saturation[cls].saturatedMs += now - b.saturatedSince;
      b.saturatedSince = null;
    }
    if (b.queue.length > 0) {
      const waitForToken = ((1 - b.tokens) / this.config[cls].refillPerSecond) * 1000;
      const wait = Math.max(b.pausedUntil - now, waitForToken, 1);
      b.timer = setTimeout(() => this.drain(key, cls), Math.ceil(wait));
      b.timer.unref?.();
    }
  }

  /**
   * Resolves when a token for this subscription and operation class is available; rejects when `signal` aborts.
   * `flow` names whose request this is (a run id); requests without one are each a flow of their own.
   */
  take(subscriptionId: string, cls: OperationClass, signal?: AbortSignalLike, flow?: string): Promise<void> {
    const key = `${subscriptionId.toLowerCase()}|${cls}`;
    const b = this.bucket(key, cls);
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError());
      const tag = Math.max(b.virtualTime, flow === undefined ? 0 : (b.flowTags.get(flow) ?? 0)) + 1;
      if (flow !== undefined) b.flowTags.set(flow, tag);
      const waiter: Waiter = { tag, arrival: b.arrivals++, grant: () => {} };
      const onAbort = () => {
        const i = b.queue.indexOf(waiter);
        if (i >= 0) b.queue.splice(i, 1);
        reject(abortError());
      };
      waiter.grant = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      b.queue.splice(insertionIndex(b.queue, waiter), 0, waiter);
      if (!b.timer) this.drain(key, cls);
    });
  }

  /** ARM answered 429 with Retry-After: hold every request of this class for the subscription until then. */
  pause(subscriptionId: string, cls: OperationClass, ms: number) {
    const key = `${subscriptionId.toLowerCase()}|${cls}`;
    const b = this.bucket(key, cls);
    b.pausedUntil = Math.max(b.pausedUntil, this.now() + ms);
    this.refill(b, cls);
    b.tokens = Math.min(b.tokens, 0);
  }
}

/** Where `waiter` goes in a queue ordered by (tag, arrival): after every waiter with a tag ≤ its own. */
function insertionIndex(queue: Waiter[], waiter: Waiter): number {
  let lo = 0;
  let hi = queue.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (queue[mid].tag <= waiter.tag) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The part of an AbortSignal this module uses (the SDK pipeline hands over an AbortSignalLike). */
interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

function abortError(): Error {
  const e = new Error("The operation was aborted while it waited for an ARM token.");
  e.name = "AbortError";
  return e;
}

/** `/subscriptions/{id}/...` → id; tenant-level paths share one bucket. */
export function subscriptionOfUrl(url: string): string {
  const m = /\/subscriptions\/([^/?]+)/i.exec(url);
  return m ? m[1] : "tenant";
}

/** Parses Retry-After (seconds or HTTP date) and retry-after-ms / x-ms-retry-after-ms into milliseconds. */
export function retryAfterMs(get: (name: string) => string | undefined | null, now = Date.now()): number | null {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const v = get(name);
    if (v && Number.isFinite(Number(v))) return Number(v);
  }
  const v = get("retry-after");
  if (!v) return null;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(v);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}
