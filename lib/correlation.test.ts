import { describe, expect, it } from "vitest";
import { acceptedCorrelationId } from "@/lib/correlation";

describe("correlation ids from clients", () => {
  it("accepts a bounded, inert charset and nothing else", () => {
    expect(acceptedCorrelationId("3f2a9c1e-8b7d-4e6f-a5c4-1d2e3f4a5b6c")).toBe("3f2a9c1e-8b7d-4e6f-a5c4-1d2e3f4a5b6c");
    expect(acceptedCorrelationId("req_1.2-x")).toBe("req_1.2-x");
    for (const bad of [null, "", "a".repeat(65), "a b", "a'b", "a\nb", "a\u0000b", "ä", "a:b", "a/b", "<x>"]) {
      expect(acceptedCorrelationId(bad)).toBeNull();
    }
  });
});
