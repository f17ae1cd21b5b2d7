import { defineConfig } from "@playwright/test";
import { debianChromium, sharedSuiteSettings } from "./e2e/support/chromium";
import { E2E } from "./e2e/support/env";

// End-to-end tests drive Debian's Chromium against the production build, started exactly as `npm start`
// starts it (embedded PostgreSQL in a fresh folder, the ARM simulator, an in-process worker).
export default defineConfig({
  testDir: "./e2e",
  // Entra ID sign-in specs need their own portal instance (playwright.entra.config.ts; `npm run test:e2e` runs both).
  testIgnore: /(^|\/)entra[^/]*\.spec\.ts$/,
  ...sharedSuiteSettings,
  use: { baseURL: E2E.baseUrl, trace: "retain-on-failure" },
  projects: [{ name: "chromium", use: debianChromium }],
  webServer: {
    command: `rm -rf ${E2E.dataDir} && exec node_modules/.bin/tsx --conditions=react-server scripts/start.ts --no-build`,
    url: `${E2E.baseUrl}/api/health`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      CHECKPOINT_DISABLE: "1",
      DATABASE_URL: "",
      PORT: String(E2E.port),
      HOST: "127.0.0.1",
      ATRIUM_URL: E2E.baseUrl,
      EMBEDDED_PG_DIR: `${E2E.dataDir}/postgres`,
      EMBEDDED_PG_PORT: String(E2E.pgPort),
      ARM_SIMULATOR_PORT: String(E2E.simulatorPort),
      ARM_SIMULATOR_STATE_FILE: "",
      ARM_SIMULATOR_TIME_SCALE: "0.005",
      NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next",
    },
  },
});
