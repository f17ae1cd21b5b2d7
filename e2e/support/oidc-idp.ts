// A real OpenID Connect provider (oidc-provider) on 127.0.0.1, shaped like a single Microsoft Entra ID tenant:
// issuer http://127.0.0.1:<port>/<tenant>/v2.0, ID tokens carrying `oid`, `tid`, `roles` (app roles) and
// `groups`, authorization code + PKCE required, RS256 keys from its JWKS. Its dev login form accepts any
// password; the login name picks one of PEOPLE below.
// For refusal tests, `tamperNextIdToken` rewrites and re-signs the next ID token the token endpoint returns
// (with the IdP's own key, so only the tampered claim is wrong).
import { createPrivateKey, createSign, generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider, { type Configuration, type KoaContextWithOIDC } from "oidc-provider";

export type IdpPerson = {
  oid: string;
  tid?: string;
  name: string;
  email?: string;
  roles?: string[];
  groups?: string[];
};
/** An app registration using client credentials (a service principal), as a pipeline would. */
export type IdpServiceClient = { clientId: string; clientSecret: string; oid: string; tid?: string; roles?: string[] };

export type IdTokenClaims = Record<string, unknown> & {
  iss: string;
  aud: string;
  exp: number;
  iat: number;
  nonce?: string;
  tid: string;
  oid: string;
};

export type TestIdp = {
  issuer: string;
  port: number;
  people: Map<string, IdpPerson>;
  tamperNextIdToken(change: (claims: IdTokenClaims) => void): void;
  /** Claims of the last ID token handed out (after any tampering). */
  lastIdToken(): IdTokenClaims | undefined;
  stop(): Promise<void>;
};

const b64url = (v: Buffer | string) => Buffer.from(v).toString("base64url");

function signRs256(header: Record<string, unknown>, claims: Record<string, unknown>, key: KeyObject): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(createSign("RSA-SHA256").update(input).sign(key))}`;
}

export async function startTestIdp(options: {
  port: number;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  people: Record<string, IdpPerson>;
  /** Service principals that may get app-only access tokens (JWT, audience `clientId`) for the portal's API. */
  serviceClients?: IdpServiceClient[];
}): Promise<TestIdp> {
  const prefix = `/${options.tenantId}/v2.0`;
  const issuer = `http://127.0.0.1:${options.port}${prefix}`;
  const people = new Map(Object.entries(options.people));
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  // A fresh key id per start: a restarted IdP must not reuse an id the portal has cached with another key.
  const kid = `test-idp-${randomUUID()}`;
  const jwk = { ...privateKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" };
  const signingKey = createPrivateKey({ key: privateKey.export({ format: "jwk" }), format: "jwk" });
  let tamper: ((claims: IdTokenClaims) => void) | undefined;
  let last: IdTokenClaims | undefined;

  const configuration: Configuration = {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      },
      ...(options.serviceClients ?? []).map((c) => ({
        client_id: c.clientId,
        client_secret: c.clientSecret,
        redirect_uris: [],
        response_types: [],
        grant_types: ["client_credentials"],
        token_endpoint_auth_method: "client_secret_post" as const,
      })),
    ],
    jwks: { keys: [jwk as never] },
    pkce: { required: () => true },
    conformIdTokenClaims: false,
    claims: {
      openid: ["sub", "oid", "tid", "roles", "groups"],
      email: ["email"],
      profile: ["name", "preferred_username"],
    },
    cookies: { keys: ["atrium-test-idp-cookie-key"] },
    features: {
      devInteractions: { enabled: true },
      // App-only tokens as Entra issues them for client credentials: a JWT for the portal's API (audience = its client
      // id), carrying the tenant, the service principal's object id, its app roles and idtyp "app".
      // Only when asked for: the sign-in suite's provider stays exactly as it was.
      ...(options.serviceClients?.length
        ? {
            clientCredentials: { enabled: true },
            resourceIndicators: {
              enabled: true,
              defaultResource: () => `api://${options.clientId}`,
              useGrantedResource: () => true,
              getResourceServerInfo: () => ({
                scope: "api",
                audience: options.clientId,
                accessTokenTTL: 600,
                accessTokenFormat: "jwt",
                jwt: { sign: { alg: "RS256" } },
              }),
            },
          }
        : {}),
    },
    async extraTokenClaims(_ctx, token) {
      const client = options.serviceClients?.find((c) => c.clientId === token.clientId);
      if (!client) return undefined;
      return {
        tid: client.tid ?? options.tenantId,
        oid: client.oid,
        azp: client.clientId,
        roles: client.roles ?? [],
        idtyp: "app",
      };
    },
    // First-party client: no consent screen (as with admin consent granted in Entra ID).
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const accountId = ctx.oidc.session?.accountId;
      if (!accountId || !ctx.oidc.client) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
    async findAccount(_ctx, login) {
      const person = people.get(login);
      if (!person) return undefined;
      return {
        accountId: login,
        async claims() {
          return {
            sub: `pairwise-${login}`, // Entra's `sub` is per-application; Atrium must not rely on it
            oid: person.oid,
            tid: person.tid ?? options.tenantId,
            name: person.name,
            preferred_username: person.email ?? `${login}@contoso.example`,
            ...(person.email ? { email: person.email } : {}),
            roles: person.roles ?? [],
            ...(person.groups ? { groups: person.groups } : {}),
          };
        },
      };
    },
  };

  const provider = new Provider(issuer, configuration);
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as { id_token?: string } | undefined;
    if (ctx.path === "/token" && ctx.method === "POST" && body?.id_token) {
      const claims = JSON.parse(Buffer.from(body.id_token.split(".")[1], "base64url").toString()) as IdTokenClaims;
      if (tamper) {
        tamper(claims);
        tamper = undefined;
        body.id_token = signRs256({ alg: "RS256", typ: "JWT", kid }, claims, signingKey);
      }
      last = claims;
    }
  });
  const callback = provider.callback();
  const server = http.createServer((req, res) => {
    const url = req.url ?? "/";
    if (!url.startsWith(prefix)) {
      res.statusCode = 404;
      res.end("not found");
      return;
    }
    (req as http.IncomingMessage & { originalUrl?: string }).originalUrl = url;
    req.url = url.slice(prefix.length) || "/";
    void callback(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  return {
    issuer,
    port: (server.address() as AddressInfo).port,
    people,
    tamperNextIdToken(change) {
      tamper = change;
    },
    lastIdToken: () => last,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
