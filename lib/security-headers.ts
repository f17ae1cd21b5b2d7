// Security headers for every response, built per request by proxy.ts. Pure: the caller passes the nonce and what
// it read from the runtime configuration, so HSTS follows the URL the server was started with, not the build.

export type SecurityHeaderOptions = {
  /** Fresh for every request (see `newNonce`); allows exactly the scripts Next.js renders for that response. */
  nonce: string;
  /** The portal's public URL is https (`ATRIUM_URL`): the same test that makes cookies `__Host-`/Secure. */
  https: boolean;
  /** `next dev` needs eval for React's debugging features; production never does. */
  development: boolean;
};

/** 128 random bits, base64: unguessable and unique per response, as CSP nonces must be. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

export function contentSecurityPolicy({ nonce, https, development }: SecurityHeaderOptions): string {
  return [
    "default-src 'self'",
    // No 'unsafe-inline': Next.js puts this nonce on its inline bootstrap and chunk scripts, and 'strict-dynamic'
    // lets those scripts load the chunks of later client-side navigations. Injected markup gets neither.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    // React writes style attributes; a style nonce would switch 'unsafe-inline' off for them. Styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

export function securityHeaders(options: SecurityHeaderOptions): { key: string; value: string }[] {
  const headers = [
    { key: "Content-Security-Policy", value: contentSecurityPolicy(options) },
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
    { key: "X-Frame-Options", value: "DENY" },
    { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
  ];
  // Over plain http (local mode) browsers ignore HSTS, and sending it from localhost would pin other local apps.
  if (options.https) headers.push({ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" });
  return headers;
}
