import { describe, expect, it } from "vitest";
import { formatDuration } from "./format";

describe("formatDuration", () => {
  it("keeps seconds for short work and rounds long lead times", () => {
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(Number.NaN)).toBe("—");
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(12_400)).toBe("12.4 s");
    expect(formatDuration(192_000)).toBe("3 min 12 s");
    expect(formatDuration(45 * 60_000)).toBe("45 min");
    expect(formatDuration(5.2 * 3_600_000)).toBe("5.2 h");
    expect(formatDuration(3.1 * 86_400_000)).toBe("3.1 d");
  });
});
