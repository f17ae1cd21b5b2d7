import { describe, expect, it } from "vitest";
import { cycleSlots } from "./schedule";

describe("cycleSlots", () => {
  it("spreads a cycle's sets evenly over the interval, from the cycle's start", () => {
    const hour = 3_600_000;
    const now = 10 * hour + 1234;
    const { cycle, slots } = cycleSlots(now, hour, 4);
    expect(cycle).toBe(10);
    expect(slots).toEqual([10 * hour, 10 * hour + hour / 4, 10 * hour + hour / 2, 10 * hour + (3 * hour) / 4]);
  });

  it("is the same for every worker at any moment of the cycle (slots depend on the cycle, not on now)", () => {
    const day = 86_400_000;
    expect(cycleSlots(5 * day + 1, day, 200)).toEqual(cycleSlots(6 * day - 1, day, 200));
  });
});
