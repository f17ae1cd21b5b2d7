// Pure rules for Microsoft Entra ID sign-in: which ID-token claims we accept, how app roles and groups
// become portal roles, and the message a person sees for each refusal. No I/O: unit-tested on its own.
import { PORTAL_ROLES, type PortalRoleName } from "@/lib/auth/permissions";
import { UUID_PATTERN as GUID } from "@/lib/access/params";

/** The ID-token claims Atrium reads. `oid` + `tid` identify a person; `email` never does. */
export type EntraClaims = {
  iss: string;
  aud: string | string[];
  sub: string;
  oid: string;
  tid: string;
  nonce?: string;
  name?: string;
  email?: string;
  preferred_username?: string;
  roles?: string[];
  groups?: string[];
};

export const ENTRA_PROVIDER_ID = "entra";

/** Issuer of a single-tenant Entra ID v2.0 authority, e.g. https://login.microsoftonline.com/<tenant>/v2.0. */
export function entraIssuer(authorityHost: string, tenantId: string): string {
  return `${authorityHost.replace(/\/+$/, "")}/${tenantId.toLowerCase()}/v2.0`;
}

/** Better Auth's account key for an Entra person: tenant and object id together. */
export function entraAccountId(tid: string, oid: string): string {
  return `${tid.toLowerCase()}:${oid.toLowerCase()}`;
}

export class RoleMapError extends Error {}

/**
 * Parses `claim=ROLE` pairs separated by commas or semicolons (e.g. `Atrium.Admin=ADMIN,Atrium.MLOps=MLOPS`).
 * One claim may map to several roles by repeating it. Unknown portal roles are configuration errors.
 */
export function parseRoleMap(text: string, variable: string): Map<string, PortalRoleName[]> {
  const map = new Map<string, PortalRoleName[]>();
  for (const entry of text
    .split(/[,;]/)
    .map((s) => s.trim())
    .filter(Boolean)) {
    const at = entry.lastIndexOf("=");
    const claim = at > 0 ? entry.slice(0, at).trim() : "";
    const role =
      at > 0
        ? entry
            .slice(at + 1)
            .trim()
            .toUpperCase()
        : "";
    if (!claim || !(PORTAL_ROLES as readonly string[]).includes(role)) {
      throw new RoleMapError(`${variable}: "${entry}" must look like <claim value>=<${PORTAL_ROLES.join("|")}>`);
    }
    if (variable.includes("GROUP") && !GUID.test(claim)) {
      throw new RoleMapError(`${variable}: "${claim}" must be a group object id (a GUID)`);
    }
    const key = variable.includes("GROUP") ? claim.toLowerCase() : claim;
    map.set(key, [...new Set([...(map.get(key) ?? []), role as PortalRoleName])]);
  }
  return map;
}

/** Portal roles granted by the directory: app roles (`roles` claim) and group object ids (`groups` claim). */
export function rolesFromClaims(
  claims: Pick<EntraClaims, "roles" | "groups">,
  appRoleMap: Map<string, PortalRoleName[]>,
  groupRoleMap: Map<string, PortalRoleName[]>,
): PortalRoleName[] {
  const roles = new Set<PortalRoleName>();
  for (const value of Array.isArray(claims.roles) ? claims.roles : []) {
    for (const role of appRoleMap.get(String(value)) ?? []) roles.add(role);
  }
  for (const value of Array.isArray(claims.groups) ? claims.groups : []) {
    for (const role of groupRoleMap.get(String(value).toLowerCase()) ?? []) roles.add(role);
  }
  return sortRoles([...roles]);
}

/**
 * The rule for roles at sign-in: roles that came from Entra at the previous sign-in follow the directory
 * (added and removed), roles granted in the portal by an admin stay until an admin revokes them.
 * `(current − previousFromEntra) ∪ nextFromEntra`.
 */
export function syncRoles(
  current: readonly PortalRoleName[],
  previousFromEntra: readonly PortalRoleName[],
  nextFromEntra: readonly PortalRoleName[],
): PortalRoleName[] {
  const kept = current.filter((r) => !previousFromEntra.includes(r));
  return sortRoles([...new Set([...kept, ...nextFromEntra])]);
}

export function sortRoles(roles: PortalRoleName[]): PortalRoleName[] {
  return [...roles].sort((a, b) => PORTAL_ROLES.indexOf(a) - PORTAL_ROLES.indexOf(b));
}

/**
 * The email Atrium stores for display and notifications. Entra's `email` is optional and tenant-mutable, so
 * it is never used to find a person; without one we fall back to the UPN, then to a placeholder.
 */
export function displayEmail(claims: Pick<EntraClaims, "email" | "preferred_username" | "oid">): string {
  const candidate = [claims.email, claims.preferred_username].find(
    (v) => typeof v === "string" && /^[^\s@]+@[^\s@]+$/.test(v),
  );
  return (candidate ?? `${claims.oid}@entra.invalid`).toLowerCase();
}

export function displayName(claims: Pick<EntraClaims, "name" | "preferred_username" | "oid">): string {
  return (claims.name ?? claims.preferred_username ?? claims.oid).trim().slice(0, 200);
}

/** Refusal codes (`/sign-in?error=<code>`) and what the person is told. No code ever comes with a session. */
export const SIGN_IN_ERRORS: Record<string, string> = {
  wrong_issuer: "the sign-in token was issued by an identity provider Atrium does not trust",
  wrong_tenant: "your account belongs to a different Microsoft Entra tenant than the one Atrium accepts",
  wrong_audience: "the sign-in token was issued for a different application",
  token_expired: "the sign-in token has expired. Sign in again",
  nonce_mismatch:
    "the sign-in response does not belong to this sign-in attempt (nonce mismatch). Start again from this page",
  state_mismatch:
    "the sign-in response does not belong to this browser session (state mismatch). Start again from this page",
  state_not_found: "the sign-in response is missing its state. Start again from this page",
  state_invalid: "the sign-in response carries an invalid state. Start again from this page",
  invalid_token: "the identity provider returned a token Atrium could not verify",
  missing_identity: "the sign-in token has no Entra object id (oid) and tenant id (tid)",
  account_disabled: "your Atrium account is disabled. Ask a platform admin",
  account_not_linked:
    "another Atrium person already uses your email address with a different Entra identity. Ask a platform admin",
  email_conflict:
    "another Atrium person already uses your email address with a different Entra identity. Ask a platform admin",
  issuer_mismatch: "the sign-in response came from an identity provider Atrium does not trust",
  invalid_code: "the identity provider refused to complete the sign-in (invalid or reused code)",
  access_denied: "the sign-in was cancelled or refused at Microsoft Entra ID",
  entra_unavailable: "Microsoft Entra ID could not be reached. Try again in a minute",
};

export function signInErrorMessage(code: string | undefined): string | null {
  if (!code) return null;
  return SIGN_IN_ERRORS[code] ?? "the sign-in could not be completed";
}
