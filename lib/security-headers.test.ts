import { afterEach, describe, expect, it, vi } from "vitest";
import { securityHeaders } from "@/lib/security-headers";

const asMap = () => Object.fromEntries(securityHeaders().map((h) => [h.key, h.value]));

describe("[ENTRA]: security headers", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("always sends a CSP with frame-ancestors, nosniff and a referrer policy", () => {
    vi.stubEnv("ATRIUM_URL", "http://localhost:3000");
    const h = asMap();
    expect(h["Content-Security-Policy"]).toContain("frame-ancestors 'none'");
    expect(h["X-Content-Type-Options"]).toBe("nosniff");
    expect(h["Referrer-Policy"]).toBe("strict-origin-when-cross-origin");
    expect(h["Strict-Transport-Security"]).toBeUndefined(); // local http: HSTS would be ignored or harmful
  });

  it("adds HSTS of at least a year when the portal is served over https", () => {
    vi.stubEnv("ATRIUM_URL", "https://atrium.contoso.com");
    const hsts = asMap()["Strict-Transport-Security"];
    expect(Number(/max-age=(\d+)/.exec(hsts)?.[1])).toBeGreaterThanOrEqual(31_536_000);
  });
});
