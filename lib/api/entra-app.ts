import "server-only";
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from "jose";
import { entraConfig, type EntraConfig } from "@/lib/auth/entra";
import type { SessionUser } from "@/lib/auth/session";
import { rolesFromClaims } from "@/lib/auth/oidc-claims";
import { UUID_PATTERN } from "@/lib/access/params";
import { db } from "@/lib/db/client";
import type { TokenPrincipal } from "@/lib/tokens/queries";
import { TOKEN_SCOPES } from "@/lib/tokens/schemas";

// Entra ID app-only access tokens (client credentials) for service principals: a pipeline's app registration asks
// Entra for a token for Atrium's API and sends it as a bearer token. Atrium accepts it only when it is a v2.0 token
// of its own tenant, for its own app (audience), signed by a key in the tenant's published JWKS, unexpired, and
// app-only (idtyp "app", no delegated `scp`). The app roles assigned to the service principal (`roles` claim) map to
// portal roles through ENTRA_APP_ROLE_MAP, exactly as people's app roles do at sign-in.
// https://learn.microsoft.com/entra/identity-platform/access-tokens#validate-tokens

type AppClaims = JWTPayload & {
  tid?: string;
  oid?: string;
  azp?: string;
  idtyp?: string;
  scp?: string;
  roles?: unknown;
};

const jwksByIssuer = new Map<string, Promise<ReturnType<typeof createRemoteJWKSet>>>();

/** The tenant's signing keys, from its OpenID configuration's jwks_uri (jose caches them and refetches on rotation). */
function tenantKeys(config: EntraConfig) {
  let keys = jwksByIssuer.get(config.issuer);
  if (!keys) {
    keys = fetch(config.discoveryUrl, { signal: AbortSignal.timeout(10_000) })
      .then(async (response) => {
        if (!response.ok) throw new Error(`OpenID configuration: HTTP ${response.status}`);
        const { jwks_uri: jwksUri } = (await response.json()) as { jwks_uri?: string };
        if (!jwksUri) throw new Error("OpenID configuration without jwks_uri");
        return createRemoteJWKSet(new URL(jwksUri));
      })
      .catch((error: unknown) => {
        jwksByIssuer.delete(config.issuer); // try again on the next call
        throw error;
      });
    jwksByIssuer.set(config.issuer, keys);
  }
  return keys;
}

/** Whether a bearer token looks like a JWT (three base64url parts) rather than a personal access token. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token) && token.length < 16_384;
}

/**
 * The principal behind an Entra app-only token, or null when Entra is not configured or the token is not one Atrium
 * accepts. The service principal is a person-like row (keyed by tenant and object id, like people signed in with
 * Entra) so that requests, approvals and audit events can name it; admins can disable it or add it to teams on the
 * People page. Its roles follow the token's app roles on every call.
 */
export async function principalForAppToken(
  token: string,
  config: EntraConfig | null = entraConfig(),
): Promise<TokenPrincipal | null> {
  if (!config || !looksLikeJwt(token)) return null;
  let claims: AppClaims;
  try {
    ({ payload: claims } = await jwtVerify<AppClaims>(token, await tenantKeys(config), {
      issuer: config.issuer,
      audience: [config.clientId, `api://${config.clientId}`],
      algorithms: ["RS256"],
      requiredClaims: ["exp", "tid", "oid"],
    }));
  } catch {
    return null;
  }
  const tid = String(claims.tid).toLowerCase();
  const oid = String(claims.oid).toLowerCase();
  if (tid !== config.tenantId || !UUID_PATTERN.test(oid) || claims.idtyp !== "app" || claims.scp !== undefined) {
    return null;
  }
  const roles = rolesFromClaims({ roles: claims.roles as string[] | undefined }, config.appRoleMap, new Map());
  const appId = typeof claims.azp === "string" ? claims.azp : oid;
  const person = await db.user.upsert({
    where: { entraTenantId_entraObjectId: { entraTenantId: tid, entraObjectId: oid } },
    create: {
      id: `sp-${oid}`,
      name: `Service principal ${appId}`,
      email: `${oid}@service-principals.invalid`,
      entraTenantId: tid,
      entraObjectId: oid,
      roles,
      entraRoles: roles,
    },
    update: { roles, entraRoles: roles },
    select: { id: true, name: true, email: true, disabled: true, teamMemberships: { select: { teamId: true } } },
  });
  if (person.disabled) return null;
  const user: SessionUser = {
    id: person.id,
    name: person.name,
    email: person.email,
    roles,
    entraObjectId: oid,
    teamIds: person.teamMemberships.map((m) => m.teamId).sort(),
    sessionId: `entra-app:${oid}`,
  };
  return { user, tokenId: `entra-app:${oid}`, scopes: [...TOKEN_SCOPES] };
}
