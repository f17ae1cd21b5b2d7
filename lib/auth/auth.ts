import "server-only";
import { betterAuth, type BetterAuthPlugin } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { nextCookies } from "better-auth/next-js";
import { db } from "@/lib/db/client";
import { env, localPersonasEnabled, portalUrl } from "@/lib/env";
import { localPersonas } from "@/lib/auth/personas";
import { recordStandaloneAuditEvent } from "@/lib/audit/record-event";
import { randomUUID } from "node:crypto";
import { entraConfig } from "@/lib/auth/entra";
import { entraOidc } from "@/lib/auth/oidc-entra";
import { decodeIdTokenClaims, syncEntraPerson } from "@/lib/auth/oidc-sync";
import { ENTRA_PROVIDER_ID } from "@/lib/auth/oidc-claims";
import { sessionCookieSettings } from "@/lib/auth/oidc-cookies";

const e = env();
const entra = entraConfig();
const cookies = sessionCookieSettings(portalUrl());

// Better Auth serves a whole account API over HTTP (update-user, change-email, change-password, delete-user,
// list and revoke sessions, ...). Atrium uses none of it from the browser: names and emails come from the
// directory (lib/auth/oidc-sync.ts) and are shown in approvals, notifications and exports, so their owners must
// not set them; sign-in, persona sign-in and sign-out are called on the server through `auth.api`. Only the
// OAuth callback, which Entra ID redirects the browser to, is reachable; every other path answers 404, also
// endpoints a future Better Auth version adds.
const AUTH_BASE_PATH = "/api/auth";
const HTTP_ENDPOINTS = new Set([`/callback/${ENTRA_PROVIDER_ID}`]);

export function authHttpPathAllowed(requestUrl: string): boolean {
  const pathname = new URL(requestUrl).pathname.replace(/\/+$/, "");
  if (!pathname.startsWith(`${AUTH_BASE_PATH}/`)) return false;
  return HTTP_ENDPOINTS.has(pathname.slice(AUTH_BASE_PATH.length));
}

const httpAllowlist = () =>
  ({
    id: "atrium-http-allowlist",
    onRequest: async (request) => {
      if (!authHttpPathAllowed(request.url)) return { response: new Response("Not Found", { status: 404 }) };
    },
  }) satisfies BetterAuthPlugin;

const PROFILE_FIELDS = ["name", "email", "image"] as const;

/** Copies the just-verified Entra claims onto the person (identity, name, roles) before the session exists. */
async function syncFromAccount(
  account: { providerId: string; userId: string; idToken?: string | null },
  created: boolean,
) {
  if (!entra || account.providerId !== ENTRA_PROVIDER_ID || !account.idToken) return;
  await syncEntraPerson(account.userId, decodeIdTokenClaims(account.idToken), entra, created);
}

export const auth = betterAuth({
  appName: "Atrium",
  baseURL: portalUrl(),
  // `next build` loads this module without secrets; nothing is signed during the build.
  secret:
    e.BETTER_AUTH_SECRET ??
    (process.env.NEXT_PHASE === "phase-production-build" ? "build-phase-placeholder-never-used-to-sign" : undefined),
  database: prismaAdapter(db, { provider: "postgresql" }),
  // In local mode the portal is reached as localhost or 127.0.0.1.
  trustedOrigins:
    e.NODE_ENV === "production" && !localPersonasEnabled()
      ? [portalUrl()]
      : [portalUrl(), `http://localhost:${e.PORT}`, `http://127.0.0.1:${e.PORT}`],
  telemetry: { enabled: false },
  session: {
    // Sliding idle timeout; the absolute limit is enforced in lib/auth/session.ts.
    expiresIn: e.SESSION_IDLE_MINUTES * 60,
    updateAge: Math.min(300, e.SESSION_IDLE_MINUTES * 30),
  },
  // People are never matched by email: an Entra identity is bound to a person only by tid+oid (lib/auth/oidc-sync.ts),
  // so implicit linking of a new identity to an existing email is off.
  account: { encryptOAuthTokens: true, accountLinking: { enabled: false }, updateAccountOnSignIn: true },
  // OAuth callback failures (state mismatch, issuer mismatch, ...) land on the sign-in page with a message.
  onAPIError: { errorURL: `${portalUrl()}/sign-in` },
  // `__Host-atrium.*` cookies (Secure, Path=/, no Domain) when the portal is served over https.
  advanced: cookies,
  databaseHooks: {
    user: {
      update: {
        // Second line behind the allowlist: Better Auth never rewrites a person's profile, whichever endpoint or
        // server call asks. The directory sync writes names and emails itself, with an audit event.
        before: async (changes) => {
          if (PROFILE_FIELDS.some((field) => field in changes)) {
            console.warn("[auth] refused a profile change through Better Auth: names and emails come from Entra ID");
            return false;
          }
        },
      },
    },
    account: {
      create: { after: async (account) => syncFromAccount(account, true) },
      update: { after: async (account) => syncFromAccount(account, false) },
    },
    session: {
      create: {
        // A disabled person never gets a session, whatever the sign-in method.
        before: async (session) => {
          const person = await db.user.findUnique({ where: { id: session.userId }, select: { disabled: true } });
          if (!person || person.disabled) return false;
        },
        // Every sign-in, whatever the method, is an audit event.
        after: async (session) => {
          await recordStandaloneAuditEvent({
            actor: { kind: "user", id: session.userId },
            action: "session.signed_in",
            entityType: "user",
            entityId: session.userId,
            after: { userAgent: session.userAgent ?? null },
            correlationId: randomUUID(),
          });
        },
      },
    },
  },
  basePath: AUTH_BASE_PATH,
  plugins: [httpAllowlist(), localPersonas(), ...(entra ? [entraOidc(entra)] : []), nextCookies()],
});
