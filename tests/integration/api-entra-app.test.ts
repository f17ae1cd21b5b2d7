// [API] Entra ID app-only tokens: service principals get client-credentials access tokens from the local OpenID
// provider of the Entra e2e suite (a real oidc-provider shaped like a tenant, signing with its own JWKS) and call
// API v1 with them; their app roles map to portal roles. Forged, foreign and disabled principals are refused.
import { createServer } from "node:net";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { reloadEnv } from "@/lib/env";
import { startTestIdp, type TestIdp } from "../../e2e/support/oidc-idp";
import { api, tokenFor } from "./api-support";

const TENANT = "7d3e1c52-4b8a-4f0e-9a51-2c6f0b9d8e41";
const PORTAL_CLIENT = "atrium-portal-test";
const SP = {
  admin: { clientId: "pipeline-admin", clientSecret: "s-admin", oid: randomUUID(), roles: ["Atrium.Admin"] },
  requester: { clientId: "pipeline-req", clientSecret: "s-req", oid: randomUUID(), roles: ["Atrium.Requester"] },
  foreign: { clientId: "pipeline-foreign", clientSecret: "s-foreign", oid: randomUUID(), tid: randomUUID() },
};

let idp: TestIdp;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A client-credentials token from the IdP, as a pipeline gets one from Entra ID. */
async function appToken(client: { clientId: string; clientSecret: string }): Promise<string> {
  const response = await fetch(`${idp.issuer}/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: client.clientId,
      client_secret: client.clientSecret,
    }),
  });
  const body = (await response.json()) as { access_token?: string; error_description?: string };
  if (!body.access_token) throw new Error(`no token: ${JSON.stringify(body)}`);
  return body.access_token;
}

beforeAll(async () => {
  const port = await freePort();
  idp = await startTestIdp({
    port,
    tenantId: TENANT,
    clientId: PORTAL_CLIENT,
    clientSecret: "portal-secret",
    redirectUri: "http://localhost:3000/api/auth/callback/entra",
    people: {},
    serviceClients: Object.values(SP),
  });
  Object.assign(process.env, {
    ENTRA_TENANT_ID: TENANT,
    ENTRA_CLIENT_ID: PORTAL_CLIENT,
    ENTRA_CLIENT_SECRET: "portal-secret",
    ENTRA_AUTHORITY_HOST: `http://127.0.0.1:${port}`,
    ENTRA_APP_ROLE_MAP: "Atrium.Admin=ADMIN,Atrium.Requester=REQUESTER",
  });
  delete process.env.ATRIUM_LOCAL_PERSONAS; // with Entra ID configured the portal has real identities only
  reloadEnv();
});

afterAll(async () => {
  await idp?.stop();
});

describe("[API] Entra ID app-only tokens", () => {
  it("a service principal with the Admin app role acts as an admin, named in the people table by tenant and object id", async () => {
    const token = await appToken(SP.admin);
    const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ aud: PORTAL_CLIENT, tid: TENANT, oid: SP.admin.oid, idtyp: "app" });
    const admin = api(token);
    const queue = await admin.get("/approvals");
    expect(queue.status).toBe(200);
    expect((await admin.get("/audit-events")).status).toBe(200);
    const row = await db.user.findUniqueOrThrow({
      where: { entraTenantId_entraObjectId: { entraTenantId: TENANT, entraObjectId: SP.admin.oid } },
    });
    expect(row).toMatchObject({ id: `sp-${SP.admin.oid}`, roles: ["ADMIN"], entraRoles: ["ADMIN"], disabled: false });
  });

  it("roles follow the token's app roles: a requester principal may not read the approval queue", async () => {
    const requester = api(await appToken(SP.requester));
    expect((await requester.get("/requests")).status).toBe(200);
    expect((await requester.get("/approvals")).status).toBe(403);
  });

  it("refuses a token of another tenant, a forged or re-signed token, and a disabled principal (401)", async () => {
    expect((await api(await appToken(SP.foreign)).get("/requests")).status).toBe(401);

    const genuine = await appToken(SP.admin);
    const [header, payload, signature] = genuine.split(".");
    const raised = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
    raised.oid = SP.requester.oid;
    const tampered = `${header}.${Buffer.from(JSON.stringify(raised)).toString("base64url")}.${signature}`;
    expect((await api(tampered).get("/requests")).status).toBe(401);

    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const forged = await new SignJWT({ tid: TENANT, oid: SP.admin.oid, roles: ["Atrium.Admin"], idtyp: "app" })
      .setProtectedHeader({ alg: "RS256", kid: "attacker" })
      .setIssuer(idp.issuer)
      .setAudience(PORTAL_CLIENT)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(privateKey);
    expect((await api(forged).get("/requests")).status).toBe(401);

    await db.user.update({ where: { id: `sp-${SP.admin.oid}` }, data: { disabled: true } });
    expect((await api(genuine).get("/requests")).status).toBe(401);
    await db.user.update({ where: { id: `sp-${SP.admin.oid}` }, data: { disabled: false } });
    expect((await api(genuine).get("/requests")).status).toBe(200);
  });

  it("personal access tokens keep working beside Entra ID", async () => {
    expect((await api(await tokenFor("amara.okafor@contoso.com", ["read"])).get("/requests")).status).toBe(200);
  });
});
