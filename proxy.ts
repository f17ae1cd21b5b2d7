import { NextResponse, type NextRequest } from "next/server";
import { newNonce, securityHeaders } from "@/lib/security-headers";
import { env, portalUrl } from "@/lib/env";

// Runs at request time in the Node.js server, so the headers follow the configuration the server was started with
// (HSTS over an https ATRIUM_URL), and each page gets a fresh CSP nonce. It only sets headers: it never decides who
// may do what (pages, actions and route handlers authorise on their own), so /api/* passes through untouched
// apart from the response headers. Without a matcher it runs on every request, static files included.
export function proxy(request: NextRequest) {
  const nonce = newNonce();
  const headers = securityHeaders({
    nonce,
    https: portalUrl(env()).startsWith("https://"),
    development: process.env.NODE_ENV === "development",
  });
  const csp = headers.find((h) => h.key === "Content-Security-Policy")!.value;
  // Next.js reads the nonce from the request's CSP header while rendering and puts it on its own scripts; a CSP
  // header sent by the client is overwritten here, so it can never choose the nonce.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const { key, value } of headers) response.headers.set(key, value);
  return response;
}
