import "server-only";
import type { BetterAuthPlugin } from "better-auth";
import { APIError } from "better-auth/api";
import {
  createAuthorizationURL,
  validateAuthorizationCode,
  validateToken,
  type OAuthProvider,
} from "better-auth/oauth2";
import { portalUrl } from "@/lib/env";
import type { EntraConfig } from "@/lib/auth/entra";
import { ENTRA_PROVIDER_ID, entraAccountId, displayEmail, displayName, type EntraClaims } from "@/lib/auth/oidc-claims";
import { prepareEntraSignIn, SignInRefusal } from "@/lib/auth/oidc-sync";

// Microsoft Entra ID as a Better Auth social provider: authorization code + PKCE + nonce against one
// tenant's v2.0 authority. The same code path serves real Entra ID and the local OpenID Connect provider the
// tests start (ENTRA_AUTHORITY_HOST), because everything comes from the tenant's discovery document.
//
// Checks, in order (Better Auth already checks the `state` parameter against its signed cookie and the
// stored verification row, the RFC 9207 `iss` callback parameter, and runs PKCE):
//   discovery `issuer` == https://<authority>/<tenant>/v2.0 (else the provider is refused)
//   ID token: RS256 signature from the discovery JWKS, `iss` == that issuer, `aud` == client id,
//   `exp`/`iat` (30 s skew), `nonce` == the one minted for this attempt, `tid` == the configured tenant,
//   `oid` present. Each refusal redirects to /sign-in?error=<code> before any person or session is written.

type Discovery = { issuer: string; authorization_endpoint: string; token_endpoint: string; jwks_uri: string };

/** A redirect to the sign-in page with a refusal code; thrown from inside the OAuth callback. */
function refuse(code: string): APIError {
  const location = `${portalUrl()}/sign-in?error=${encodeURIComponent(code)}`;
  return new APIError("FOUND", undefined, { location });
}

export function tokenErrorCode(error: unknown): string {
  const e = error as { code?: string; claim?: string };
  if (e?.code === "ERR_JWT_EXPIRED") return "token_expired";
  if (e?.code === "ERR_JWT_CLAIM_VALIDATION_FAILED") {
    if (e.claim === "iss") return "wrong_issuer";
    if (e.claim === "aud") return "wrong_audience";
    if (e.claim === "iat" || e.claim === "nbf") return "token_expired";
  }
  return "invalid_token";
}

export function entraOidc(config: EntraConfig) {
  let discovery: Promise<Discovery> | undefined;

  async function fetchDiscovery(): Promise<Discovery> {
    const response = await fetch(config.discoveryUrl, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(10_000),
      redirect: "error",
    });
    if (!response.ok) throw new Error(`discovery answered ${response.status}`);
    const doc = (await response.json()) as Partial<Discovery>;
    if (doc.issuer !== config.issuer) throw new Error(`discovery issuer ${doc.issuer} is not ${config.issuer}`);
    if (!doc.authorization_endpoint || !doc.token_endpoint || !doc.jwks_uri)
      throw new Error("discovery document is incomplete");
    return doc as Discovery;
  }

  /** Cached per process; a failure is not cached, so Entra coming back is picked up on the next attempt. */
  async function discover(): Promise<Discovery> {
    discovery ??= fetchDiscovery().catch((error) => {
      discovery = undefined;
      throw error;
    });
    try {
      return await discovery;
    } catch (error) {
      console.error(
        `[entra] OpenID discovery failed at ${config.discoveryUrl}: ${error instanceof Error ? error.message : String(error)}`,
      );
      throw refuse("entra_unavailable");
    }
  }

  const clientOptions = {
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    redirectURI: config.redirectUrl,
  };
  const tokenEndpointAuth = config.clientAssertion
    ? { method: "private_key_jwt" as const, getClientAssertion: config.clientAssertion }
    : { method: "client_secret_post" as const };

  const provider: OAuthProvider<EntraClaims> = {
    id: ENTRA_PROVIDER_ID,
    name: "Microsoft Entra ID",
    issuer: config.issuer,
    requiresIdTokenNonce: true,
    // Only the redirect flow: a client-submitted ID token is never accepted.
    options: { clientId: config.clientId, disableIdTokenSignIn: true, disableSignUp: false },
    accountSubject: ({ profile }) => entraAccountId(profile.tid, profile.oid),
    async createAuthorizationURL({ state, codeVerifier, redirectURI, idTokenNonce }) {
      if (!idTokenNonce) throw refuse("nonce_mismatch");
      const { authorization_endpoint } = await discover();
      return createAuthorizationURL({
        id: ENTRA_PROVIDER_ID,
        options: clientOptions,
        authorizationEndpoint: authorization_endpoint,
        redirectURI,
        state,
        codeVerifier,
        scopes: ["openid", "profile", "email"],
        nonce: idTokenNonce,
        responseMode: "query",
      });
    },
    async validateAuthorizationCode({ code, codeVerifier, redirectURI }) {
      const { token_endpoint } = await discover();
      return validateAuthorizationCode({
        code,
        codeVerifier,
        redirectURI,
        options: clientOptions,
        tokenEndpoint: token_endpoint,
        tokenEndpointAuth,
      });
    },
    async getUserInfo(tokens) {
      if (!tokens.idToken) throw refuse("invalid_token");
      const { jwks_uri } = await discover();
      let claims: EntraClaims;
      try {
        const verified = await validateToken<EntraClaims>(tokens.idToken, jwks_uri, {
          issuer: config.issuer,
          audience: config.clientId,
          algorithms: ["RS256"],
          requiredClaims: ["iss", "sub", "aud", "exp", "iat"],
          clockTolerance: 30,
        });
        claims = verified.payload;
      } catch (error) {
        const code = tokenErrorCode(error);
        console.warn(`[entra] ID token refused: ${code} (${error instanceof Error ? error.message : String(error)})`);
        throw refuse(code);
      }
      if (!tokens.expectedIdTokenNonce || claims.nonce !== tokens.expectedIdTokenNonce) throw refuse("nonce_mismatch");
      if (typeof claims.tid !== "string" || claims.tid.toLowerCase() !== config.tenantId) throw refuse("wrong_tenant");
      if (typeof claims.oid !== "string" || !/^[0-9a-f-]{36}$/i.test(claims.oid)) throw refuse("missing_identity");
      try {
        await prepareEntraSignIn(claims);
      } catch (error) {
        if (error instanceof SignInRefusal) throw refuse(error.code);
        throw error;
      }
      return {
        user: { name: displayName(claims), email: displayEmail(claims), emailVerified: false },
        data: claims,
      };
    },
  };

  return {
    id: "entra-oidc",
    init: (ctx) => ({
      context: { socialProviders: [provider, ...ctx.socialProviders.filter((p) => p.id !== ENTRA_PROVIDER_ID)] },
    }),
  } satisfies BetterAuthPlugin;
}
