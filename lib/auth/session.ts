import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { cache } from "react";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { auth } from "@/lib/auth/auth";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { hasPermission, permissionsOf, type Permission, type PortalRoleName } from "@/lib/auth/permissions";
import { recordDenial } from "@/lib/audit/denials";
import { getCorrelationId } from "@/lib/correlation";

export type SessionUser = {
  id: string;
  name: string;
  email: string;
  roles: PortalRoleName[];
  entraObjectId: string | null;
  teamIds: string[];
  sessionId: string;
};

type SessionRow = {
  sessionId: string;
  sessionCreatedAt: Date;
  sessionExpiresAt: Date;
  id: string;
  name: string;
  email: string;
  roles: PortalRoleName[];
  disabled: boolean;
  entraObjectId: string | null;
  teamIds: string[];
};

/** The session behind a token with its person, roles and teams: one query, read fresh on every request. */
async function sessionByToken(token: string): Promise<SessionRow | null> {
  const rows = await db.$queryRaw<SessionRow[]>`
    SELECT s.id AS "sessionId", s.created_at AS "sessionCreatedAt", s.expires_at AS "sessionExpiresAt",
      u.id, u.name, u.email, u.roles::text[] AS roles, u.disabled, u.entra_object_id AS "entraObjectId",
      ARRAY(SELECT m.team_id::text FROM team_memberships m WHERE m.user_id = u.id ORDER BY m.team_id) AS "teamIds"
    FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.token = ${token}`;
  return rows[0] ?? null;
}

type CookieSettings = {
  sessionToken: string;
  sessionData: string;
  dontRemember: string;
  secret: string;
  expiresInMs: number;
  updateAgeMs: number;
};
let cookieSettings: Promise<CookieSettings | null> | undefined;

/** What the fast path needs from Better Auth's configuration; null when it must not be used. */
function fastPathSettings(): Promise<CookieSettings | null> {
  cookieSettings ??= auth.$context.then((ctx) =>
    // Rotated secrets or a secondary session store: always ask Better Auth.
    typeof ctx.secretConfig !== "string" || ctx.secondaryStorage
      ? null
      : {
          sessionToken: ctx.authCookies.sessionToken.name,
          sessionData: ctx.authCookies.sessionData.name,
          dontRemember: ctx.authCookies.dontRememberToken.name,
          secret: ctx.secret,
          expiresInMs: ctx.sessionConfig.expiresIn * 1000,
          updateAgeMs: ctx.sessionConfig.updateAge * 1000,
        },
  );
  return cookieSettings;
}

/** Cookie names present in the header, with the first value of each (as better-call parses them). */
function parseCookies(header: string): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    if (cookies.has(name)) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"')) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      // kept as sent
    }
    cookies.set(name, value);
  }
  return cookies;
}

/** The token of a correctly signed session cookie (HMAC-SHA256 with the auth secret, as Better Auth signs it). */
function verifiedToken(signed: string | undefined, secret: string): string | null {
  if (!signed) return null;
  const dot = signed.lastIndexOf(".");
  if (dot < 1) return null;
  const token = signed.slice(0, dot);
  const encoded = signed.slice(dot + 1);
  if (encoded.length !== 44 || !encoded.endsWith("=")) return null;
  const signature = Buffer.from(encoded, "base64");
  const expected = createHmac("sha256", secret).update(token).digest();
  return signature.length === expected.length && timingSafeEqual(signature, expected) ? token : null;
}

/**
 * The session row for this request. Fast path: a correctly signed session cookie whose session is valid and
 * not yet due for its sliding refresh is looked up with the one query above — exactly the case in which Better
 * Auth's getSession would only read. Everything else (no or badly signed cookie, expired session, refresh due,
 * "don't remember me", a stale cookie cache) goes through `auth.api.getSession`, which refreshes, deletes or
 * refuses as configured; the person is then still read with the same query.
 */
async function currentSessionRow(): Promise<SessionRow | null> {
  const requestHeaders = await headers();
  const settings = await fastPathSettings();
  if (settings) {
    const cookies = parseCookies(requestHeaders.get("cookie") ?? "");
    const token = verifiedToken(cookies.get(settings.sessionToken), settings.secret);
    if (!token) return null; // what getSession answers for a missing or forged cookie
    if (!cookies.has(settings.dontRemember) && !cookies.has(settings.sessionData)) {
      const row = await sessionByToken(token);
      const expiresAt = row?.sessionExpiresAt.getTime() ?? 0;
      const now = Date.now();
      const refreshDue = expiresAt - settings.expiresInMs + settings.updateAgeMs <= now;
      if (row && expiresAt > now && !refreshDue) return row;
    }
  }
  const session = await auth.api.getSession({ headers: requestHeaders });
  if (!session) return null;
  const row = await sessionByToken(session.session.token);
  return row && row.sessionId === session.session.id ? row : null;
}

/**
 * The signed-in person, read fresh from the database on every request: a revoked role or a disabled
 * person takes effect on the very next request. Null when there is no valid session.
 */
export const getCurrentUser = cache(async (): Promise<SessionUser | null> => {
  const row = await currentSessionRow();
  if (!row) return null;
  const absoluteLimitMs = env().SESSION_ABSOLUTE_HOURS * 3600_000;
  if (Date.now() - row.sessionCreatedAt.getTime() > absoluteLimitMs) {
    await db.session.deleteMany({ where: { id: row.sessionId } });
    return null;
  }
  if (row.disabled) return null;
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    roles: row.roles,
    entraObjectId: row.entraObjectId,
    teamIds: row.teamIds,
    sessionId: row.sessionId,
  };
});

export function can(user: Pick<SessionUser, "roles"> | null, permission: Permission): boolean {
  return !!user && hasPermission(user.roles, permission);
}

export function permissionList(user: Pick<SessionUser, "roles">): Permission[] {
  return [...permissionsOf(user.roles)];
}

/**
 * Records a refusal: the first few of a source and permission per minute as `authz.denied` audit events at once,
 * further ones as a count flushed later as one event (lib/audit/denials.ts), so denials cannot flood the audit chain.
 */
export async function auditDenial(user: SessionUser | null, permission: string, entity?: { type: string; id: string }) {
  await recordDenial({ userId: user?.id ?? null, permission, entity, correlationId: await getCorrelationId() });
}

/** For pages: the signed-in person, or a redirect to sign-in. */
export async function requireUser(): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) redirect("/sign-in");
  return user;
}
