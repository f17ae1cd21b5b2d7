import "server-only";
import { readFileSync } from "node:fs";
import { env, EnvError, portalUrl } from "@/lib/env";
import type { PortalRoleName } from "@/lib/auth/permissions";
import { ENTRA_PROVIDER_ID, entraIssuer, parseRoleMap, RoleMapError } from "@/lib/auth/oidc-claims";
import { certificateAssertionSigner, type ClientAssertionSigner } from "@/lib/auth/oidc-client-assertion";

/** Microsoft Entra ID sign-in settings, from the ENTRA_* variables (see README). */
export type EntraConfig = {
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  clientAssertion?: ClientAssertionSigner;
  /** https://login.microsoftonline.com/<tenant>/v2.0 — the only issuer accepted. */
  issuer: string;
  discoveryUrl: string;
  redirectUrl: string;
  appRoleMap: Map<string, PortalRoleName[]>;
  groupRoleMap: Map<string, PortalRoleName[]>;
};

export const ENTRA_CALLBACK_PATH = `/api/auth/callback/${ENTRA_PROVIDER_ID}`;

let cached: EntraConfig | null | undefined;

export function entraConfig(): EntraConfig | null {
  if (cached !== undefined) return cached;
  const e = env();
  if (!e.ENTRA_TENANT_ID || !e.ENTRA_CLIENT_ID) return (cached = null);
  const tenantId = e.ENTRA_TENANT_ID.toLowerCase();
  const issuer = entraIssuer(e.ENTRA_AUTHORITY_HOST, tenantId);
  const redirectUrl = e.ENTRA_REDIRECT_URL ?? `${portalUrl(e)}${ENTRA_CALLBACK_PATH}`;
  if (new URL(redirectUrl).pathname !== ENTRA_CALLBACK_PATH) {
    throw new EnvError(
      `ENTRA_REDIRECT_URL must end with ${ENTRA_CALLBACK_PATH} (Atrium's callback), e.g. ${portalUrl(e)}${ENTRA_CALLBACK_PATH}`,
    );
  }
  let clientAssertion: ClientAssertionSigner | undefined;
  if (e.ENTRA_CLIENT_CERTIFICATE_FILE) {
    try {
      clientAssertion = certificateAssertionSigner(readFileSync(e.ENTRA_CLIENT_CERTIFICATE_FILE, "utf8"));
    } catch (error) {
      throw new EnvError(`ENTRA_CLIENT_CERTIFICATE_FILE: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  try {
    cached = {
      tenantId,
      clientId: e.ENTRA_CLIENT_ID,
      clientSecret: e.ENTRA_CLIENT_SECRET,
      clientAssertion,
      issuer,
      discoveryUrl: `${issuer}/.well-known/openid-configuration`,
      redirectUrl,
      appRoleMap: parseRoleMap(e.ENTRA_APP_ROLE_MAP, "ENTRA_APP_ROLE_MAP"),
      groupRoleMap: parseRoleMap(e.ENTRA_GROUP_ROLE_MAP, "ENTRA_GROUP_ROLE_MAP"),
    };
  } catch (error) {
    if (error instanceof RoleMapError) throw new EnvError(error.message);
    throw error;
  }
  return cached;
}

/** Whether Microsoft Entra ID sign-in is configured. */
export function entraSignInAvailable(): boolean {
  return entraConfig() !== null;
}
