import { afterEach, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { contentSecurityPolicy, newNonce, securityHeaders, type SecurityHeaderOptions } from "@/lib/security-headers";
import { reloadEnv } from "@/lib/env";
import { proxy } from "@/proxy";

const options: SecurityHeaderOptions = { nonce: "bm9uY2U=", https: false, development: false };
const asMap = (o: SecurityHeaderOptions) => Object.fromEntries(securityHeaders(o).map((h) => [h.key, h.value]));
const directive = (csp: string, name: string) =>
  csp
    .split(";")
    .map((d) => d.trim())
    .find((d) => d.startsWith(`${name} `));

describe("[HEADERS]: security headers built per request", () => {
  it("always sends a CSP with frame-ancestors, nosniff and a referrer policy", () => {
    const h = asMap(options);
    expect(h["Content-Security-Policy"]).toContain("frame-ancestors 'none'");
    expect(h["X-Content-Type-Options"]).toBe("nosniff");
    expect(h["Referrer-Policy"]).toBe("strict-origin-when-cross-origin");
    expect(h["Strict-Transport-Security"]).toBeUndefined(); // local http: HSTS would be ignored or harmful
  });

  it("adds HSTS of at least a year and upgrades requests when the portal is served over https", () => {
    const h = asMap({ ...options, https: true });
    expect(Number(/max-age=(\d+)/.exec(h["Strict-Transport-Security"])?.[1])).toBeGreaterThanOrEqual(31_536_000);
    expect(h["Content-Security-Policy"]).toContain("upgrade-insecure-requests");
  });

  it("allows scripts by this response's nonce only: no 'unsafe-inline', no eval outside development", () => {
    const scripts = directive(contentSecurityPolicy(options), "script-src");
    expect(scripts).toBe("script-src 'self' 'nonce-bm9uY2U=' 'strict-dynamic'");
    expect(directive(contentSecurityPolicy({ ...options, development: true }), "script-src")).toContain(
      "'unsafe-eval'",
    );
    expect(contentSecurityPolicy(options)).not.toMatch(/default-src[^;]*unsafe|script-src[^;]*unsafe/);
  });

  it("mints a fresh 128-bit nonce every time", () => {
    const nonces = new Set(Array.from({ length: 1000 }, () => newNonce()));
    expect(nonces.size).toBe(1000);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });
});

describe("[HEADERS]: the proxy reads the runtime configuration", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    reloadEnv();
  });

  const run = (path: string, init?: { headers?: Record<string, string> }) =>
    proxy(new NextRequest(`http://127.0.0.1:3000${path}`, init));

  it("sends HSTS when the server was started with an https ATRIUM_URL, whatever the build saw", () => {
    vi.stubEnv("ATRIUM_URL", "https://atrium.contoso.com");
    reloadEnv();
    const response = run("/requests");
    expect(response.headers.get("strict-transport-security")).toMatch(/max-age=63072000/);
    vi.stubEnv("ATRIUM_URL", "http://localhost:3000");
    reloadEnv();
    expect(run("/requests").headers.get("strict-transport-security")).toBeNull();
  });

  it("gives every response its own nonce and hands the same policy to Next.js for rendering", () => {
    const first = run("/", { headers: { "content-security-policy": "script-src 'nonce-chosen-by-client'" } });
    const second = run("/");
    const csp = first.headers.get("content-security-policy")!;
    expect(csp).not.toContain("chosen-by-client");
    expect(csp).not.toBe(second.headers.get("content-security-policy"));
    // NextResponse.next({ request }) passes overridden request headers downstream as x-middleware-request-*.
    expect(first.headers.get("x-middleware-request-content-security-policy")).toBe(csp);
  });

  it("leaves /api requests as they came, apart from the response headers", () => {
    const response = run("/api/v1/requests", { headers: { authorization: "Bearer atr_x" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-middleware-next")).toBe("1");
    expect(response.headers.get("x-middleware-request-authorization")).toBe("Bearer atr_x");
    expect(response.headers.get("location")).toBeNull();
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });
});
