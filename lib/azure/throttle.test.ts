import { describe, expect, it } from "vitest";
import { ARM_LIMITS, ArmThrottle, retryAfterMs, subscriptionOfUrl } from "./throttle";

describe("[THROTTLE] client-side ARM token buckets", () => {
  it("grants the burst at once, then at the refill rate, per subscription", async () => {
    let now = 0;
    const t = new ArmThrottle(
      {
        writes: { capacity: 2, refillPerSecond: 1000 },
        reads: { capacity: 1, refillPerSecond: 1 },
        deletes: { capacity: 1, refillPerSecond: 1 },
      },
      () => now,
    );
    const granted: number[] = [];
    const takes = [0, 1, 2, 3].map((i) => t.take("sub-a", "writes").then(() => granted.push(i)));
    await Promise.resolve();
    await Promise.resolve();
    expect(granted).toEqual([0, 1]);
    // Another subscription has its own bucket.
    await t.take("sub-b", "writes");
    now = 2; // 2 ms at 1000/s → two more tokens
    await Promise.all(takes);
    expect(granted).toEqual([0, 1, 2, 3]);
    expect(t.granted.writes).toBe(5);
    expect(t.saturation.writes.grantedWhileSaturated).toBe(2);
  });

  it("holds a class after a 429 with Retry-After", async () => {
    let now = 0;
    const t = new ArmThrottle({ ...ARM_LIMITS, writes: { capacity: 5, refillPerSecond: 1000 } }, () => now);
    t.pause("sub", "writes", 20);
    let done = false;
    const p = t.take("sub", "writes").then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    now = 21;
    await p;
    expect(done).toBe(true);
  });

  it("parses Retry-After forms and finds the subscription of a URL", () => {
    expect(retryAfterMs((n) => (n === "retry-after" ? "3" : undefined))).toBe(3000);
    expect(retryAfterMs((n) => (n === "retry-after-ms" ? "250" : undefined))).toBe(250);
    expect(retryAfterMs(() => undefined)).toBeNull();
    expect(subscriptionOfUrl("https://x/subscriptions/abc/resourceGroups/rg?api-version=1")).toBe("abc");
    expect(subscriptionOfUrl("https://x/providers/Microsoft.Authorization/roleDefinitions")).toBe("tenant");
  });

  it("lets a waiter leave the queue when its signal aborts, without taking a token", async () => {
    let now = 0;
    const t = new ArmThrottle({ ...ARM_LIMITS, reads: { capacity: 1, refillPerSecond: 1000 } }, () => now);
    await t.take("sub", "reads");
    const stop = new AbortController();
    const leaving = t.take("sub", "reads", stop.signal);
    const staying = t.take("sub", "reads");
    stop.abort();
    await expect(leaving).rejects.toMatchObject({ name: "AbortError" });
    now = 1; // one token (1 ms at 1000/s): it goes to the waiter that stayed
    await staying;
    expect(t.granted.reads).toBe(2);
    await expect(t.take("sub", "reads", stop.signal)).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("[THROTTLE] fair queuing between runs", () => {
  it("serves a run that has just started before the backlog of a busy run, and keeps each run's order", async () => {
    let now = 0;
    const t = new ArmThrottle({ ...ARM_LIMITS, writes: { capacity: 1, refillPerSecond: 1000 } }, () => now);
    await t.take("sub", "writes", undefined, "busy");
    const order: string[] = [];
    const busy = [1, 2, 3, 4, 5].map((i) =>
      t.take("sub", "writes", undefined, "busy").then(() => order.push(`busy${i}`)),
    );
    const fresh = [1, 2].map((i) => t.take("sub", "writes", undefined, "fresh").then(() => order.push(`fresh${i}`)));
    for (let ms = 1; ms <= 7; ms++) {
      now = ms;
      await new Promise((r) => setTimeout(r, 2));
    }
    await Promise.all([...busy, ...fresh]);
    // The newcomer waits for one request of the backlog, not five; then the runs alternate, each in its own order.
    expect(order).toEqual(["busy1", "fresh1", "busy2", "fresh2", "busy3", "busy4", "busy5"]);
  });

  it("gives fifty runs that start at once their first request before any run's second", async () => {
    let now = 0;
    const t = new ArmThrottle({ ...ARM_LIMITS, reads: { capacity: 1, refillPerSecond: 1000 } }, () => now);
    await t.take("sub", "reads", undefined, "earlier"); // the bucket is empty when the fifty arrive
    const order: string[] = [];
    const all = [];
    for (let run = 0; run < 50; run++)
      for (let k = 0; k < 3; k++)
        all.push(t.take("sub", "reads", undefined, `run${run}`).then(() => order.push(`${run}:${k}`)));
    for (let ms = 1; ms <= 200 && order.length < 150; ms++) {
      now = ms;
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(all);
    expect(order.slice(0, 50).every((g) => g.endsWith(":0"))).toBe(true);
    expect(new Set(order.slice(0, 50).map((g) => g.split(":")[0])).size).toBe(50);
  });
});
