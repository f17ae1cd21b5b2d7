import "server-only";
import type { SessionUser } from "@/lib/auth/session";
import type { PortalRoleName } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { hashToken } from "./mutations";
import { TOKEN_PATTERN, TOKEN_SCOPES, type TokenScope } from "./schemas";

export type TokenListItem = {
  id: string;
  name: string;
  prefix: string;
  scopes: TokenScope[];
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  state: "active" | "expired" | "revoked";
};

const asScopes = (scopes: string[]) => TOKEN_SCOPES.filter((s) => scopes.includes(s));

/** The actor's own tokens, newest first (never the token or its hash). */
export async function listApiTokens(actor: Pick<SessionUser, "id">): Promise<TokenListItem[]> {
  const rows = await db.apiToken.findMany({
    where: { userId: actor.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 200,
    select: {
      id: true,
      name: true,
      prefix: true,
      scopes: true,
      createdAt: true,
      expiresAt: true,
      lastUsedAt: true,
      revokedAt: true,
    },
  });
  const now = Date.now();
  return rows.map((r) => ({
    ...r,
    scopes: asScopes(r.scopes),
    state: r.revokedAt ? "revoked" : r.expiresAt.getTime() <= now ? "expired" : "active",
  }));
}

export type TokenPrincipal = { user: SessionUser; tokenId: string; scopes: TokenScope[] };

type TokenRow = {
  tokenId: string;
  scopes: string[];
  lastUsedAt: Date | null;
  id: string;
  name: string;
  email: string;
  roles: PortalRoleName[];
  entraObjectId: string | null;
  teamIds: string[];
};

// Writing last-used on every call would turn each read into a write; a minute's precision is what the page shows.
const LAST_USED_PRECISION_MS = 60_000;

/**
 * The person behind a bearer token, read fresh like a session (a revoked role, a disabled person, a revoked or
 * expired token take effect on the next call), with the token's scopes. Null for anything not a live token.
 */
export async function principalForToken(token: string): Promise<TokenPrincipal | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const rows = await db.$queryRaw<TokenRow[]>`
    SELECT t.id::text AS "tokenId", t.scopes, t.last_used_at AS "lastUsedAt",
      u.id, u.name, u.email, u.roles::text[] AS roles, u.entra_object_id AS "entraObjectId",
      ARRAY(SELECT m.team_id::text FROM team_memberships m WHERE m.user_id = u.id ORDER BY m.team_id) AS "teamIds"
    FROM api_tokens t JOIN users u ON u.id = t.user_id
    WHERE t.token_hash = ${hashToken(token)} AND t.revoked_at IS NULL AND t.expires_at > now() AND NOT u.disabled`;
  const row = rows[0];
  if (!row) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
    await db.apiToken.update({ where: { id: row.tokenId }, data: { lastUsedAt: new Date() } });
  }
  return {
    tokenId: row.tokenId,
    scopes: asScopes(row.scopes),
    user: {
      id: row.id,
      name: row.name,
      email: row.email,
      roles: row.roles,
      entraObjectId: row.entraObjectId,
      teamIds: row.teamIds,
      sessionId: `api-token:${row.tokenId}`,
    },
  };
}
