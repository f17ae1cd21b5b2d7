import "server-only";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { nextCookies } from "better-auth/next-js";
import { db } from "@/lib/db/client";
import { env, localPersonasEnabled, portalUrl } from "@/lib/env";
import { localPersonas } from "@/lib/auth/local-personas";
import { recordStandaloneAuditEvent } from "@/lib/audit/record-event";
import { randomUUID } from "node:crypto";

const e = env();
const secureCookies = portalUrl().startsWith("https://");

export const auth = betterAuth({
  appName: "Atrium",
  baseURL: portalUrl(),
  // `next build` loads this module without secrets; nothing is signed during the build.
  secret: e.BETTER_AUTH_SECRET ?? (process.env.NEXT_PHASE === "phase-production-build" ? "build-phase-placeholder-never-used-to-sign" : undefined),
  database: prismaAdapter(db, { provider: "postgresql" }),
  // In local mode the portal is reached as localhost or 127.0.0.1.
  trustedOrigins: e.NODE_ENV === "production" && !localPersonasEnabled() ? [portalUrl()] : [portalUrl(), `http://localhost:${e.PORT}`, `http://127.0.0.1:${e.PORT}`],
  telemetry: { enabled: false },
  session: {
    // Sliding idle timeout; the absolute limit is enforced in lib/auth/session.ts.
    expiresIn: e.SESSION_IDLE_MINUTES * 60,
    updateAge: Math.min(300, e.SESSION_IDLE_MINUTES * 30),
  },
  account: { encryptOAuthTokens: true },
  advanced: {
    cookiePrefix: "atrium",
    useSecureCookies: secureCookies,
    defaultCookieAttributes: { httpOnly: true, sameSite: "lax", secure: secureCookies },
  },
  databaseHooks: {
    session: {
      create: {
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
  plugins: [localPersonas(), nextCookies()],
});
