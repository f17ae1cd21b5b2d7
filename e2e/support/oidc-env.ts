// Where the Entra-configured portal and its test OpenID Connect provider run during `npm run test:e2e`
// (a second portal instance, production settings, no local personas). Override every port when several
// people run end-to-end tests on one machine.
import { Client } from "pg";
import { embeddedSuperuserUrl } from "./embedded-url";

const port = Number(process.env.E2E_ENTRA_PORT ?? 3130);
const pgPort = Number(process.env.E2E_ENTRA_PG_PORT ?? 5492);
const idpPort = Number(process.env.E2E_IDP_PORT ?? 3140);

export const ENTRA_E2E = {
  port,
  // The portal is reached as localhost and the IdP as 127.0.0.1, so their cookies never share a host.
  baseUrl: `http://localhost:${port}`,
  healthUrl: `http://127.0.0.1:${port}/api/health`,
  pgPort,
  simulatorPort: Number(process.env.E2E_ENTRA_SIMULATOR_PORT ?? 8546),
  dataDir: process.env.E2E_ENTRA_DATA_DIR ?? ".data/e2e-entra",
  get databaseUrl() {
    return embeddedSuperuserUrl(this.dataDir, pgPort);
  },
  idpPort,
  // The seeded demo tenant (prisma/seed/data.ts DEMO_TENANT_ID): seeded people carry Entra object ids in it.
  tenantId: "4b1d6c3e-7a2f-4e8b-9c1d-2f3a4b5c6d7e",
  clientId: "2c6e1d2a-0b7f-4a51-9d1e-atrium-e2e",
  clientSecret: "e2e-client-secret-not-used-anywhere-else",
  authorityHost: `http://127.0.0.1:${idpPort}`,
  secret: "e2e-entra-better-auth-secret-0123456789abcdef",
};

export const ENTRA_CALLBACK = `${ENTRA_E2E.baseUrl}/api/auth/callback/entra`;

/** A query against the Entra portal's database (assertions only). */
export async function entraQuery<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: ENTRA_E2E.databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
