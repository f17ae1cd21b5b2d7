import { defineConfig } from "@playwright/test";
import { debianChromium, sharedSuiteSettings } from "./e2e/support/chromium";
import { ENTRA_E2E } from "./e2e/support/oidc-env";

// Sign-in with Microsoft Entra ID, end to end: a second portal instance started with production settings
// (NODE_ENV=production, no local personas, a real BETTER_AUTH_SECRET) and ENTRA_* pointing at the
// OpenID Connect provider the specs start on 127.0.0.1 (e2e/support/oidc-idp.ts). Run by `npm run test:e2e`
// after the main configuration.
export default defineConfig({
  testDir: "./e2e",
  testMatch: /(^|\/)entra[^/]*\.spec\.ts$/,
  ...sharedSuiteSettings,
  use: { baseURL: ENTRA_E2E.baseUrl, trace: "retain-on-failure" },
  projects: [{ name: "entra-chromium", use: debianChromium }],
  webServer: {
    command: `rm -rf ${ENTRA_E2E.dataDir} && exec node_modules/.bin/tsx --conditions=react-server scripts/start.ts --no-build`,
    url: ENTRA_E2E.healthUrl,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      CHECKPOINT_DISABLE: "1",
      DATABASE_URL: "",
      // Production settings: persona sign-in off (empty = unset; the launcher only defaults it when undefined).
      ATRIUM_LOCAL_PERSONAS: "",
      BETTER_AUTH_SECRET: ENTRA_E2E.secret,
      PORT: String(ENTRA_E2E.port),
      HOST: "127.0.0.1",
      ATRIUM_URL: ENTRA_E2E.baseUrl,
      EMBEDDED_PG_DIR: `${ENTRA_E2E.dataDir}/postgres`,
      EMBEDDED_PG_PORT: String(ENTRA_E2E.pgPort),
      ARM_SIMULATOR_PORT: String(ENTRA_E2E.simulatorPort),
      ARM_SIMULATOR_STATE_FILE: "",
      ARM_SIMULATOR_TIME_SCALE: "0.005",
      ATRIUM_DEMO_SEED: "0",
      ENTRA_TENANT_ID: ENTRA_E2E.tenantId,
      ENTRA_CLIENT_ID: ENTRA_E2E.clientId,
      ENTRA_CLIENT_SECRET: ENTRA_E2E.clientSecret,
      ENTRA_AUTHORITY_HOST: ENTRA_E2E.authorityHost,
      ENTRA_APP_ROLE_MAP:
        "Atrium.Requester=REQUESTER,Atrium.MLOps=MLOPS,Atrium.Admin=ADMIN,Atrium.Stakeholder=STAKEHOLDER",
      ENTRA_GROUP_ROLE_MAP: "0a0a0a0a-1111-4222-8333-444444444444=STAKEHOLDER",
      NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next",
    },
  },
});
