import { embeddedSuperuserUrl } from "./embedded-url";

// Where the end-to-end portal runs (ports differ from `npm start` so both can run at once).
const port = Number(process.env.E2E_PORT ?? 3100);
const pgPort = Number(process.env.E2E_PG_PORT ?? 5490);

export const E2E = {
  port,
  baseUrl: `http://127.0.0.1:${port}`,
  pgPort,
  simulatorPort: Number(process.env.E2E_SIMULATOR_PORT ?? 8544),
  dataDir: process.env.E2E_DATA_DIR ?? ".data/e2e",
  /** The embedded cluster's superuser on the portal database (generated credentials, read when first used). */
  get databaseUrl() {
    return embeddedSuperuserUrl(this.dataDir, pgPort);
  },
};
