import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { recordAuditEvent } from "@/lib/audit/record-event";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { TOKEN_PREFIX, type CreateTokenInput } from "./schemas";

/** What is stored: the SHA-256 of the token. A 256-bit random token needs no slow hash (nothing to guess). */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

const MAX_ACTIVE_TOKENS = 50;

/** Creates a token for the actor and returns it once; only its hash and a short prefix are kept. */
export async function createApiToken(
  actor: Pick<SessionUser, "id">,
  input: CreateTokenInput,
  correlationId: string,
): Promise<{ id: string; token: string; expiresAt: Date }> {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const expiresAt = new Date(Date.now() + input.expiresInDays * 86_400_000);
  return db.$transaction(async (tx) => {
    const active = await tx.apiToken.count({
      where: { userId: actor.id, revokedAt: null, expiresAt: { gt: new Date() } },
    });
    if (active >= MAX_ACTIVE_TOKENS)
      throw new AppError("CONFLICT", `You have ${MAX_ACTIVE_TOKENS} active tokens; revoke one you no longer use.`);
    const row = await tx.apiToken.create({
      data: {
        userId: actor.id,
        name: input.name,
        prefix: token.slice(0, TOKEN_PREFIX.length + 6),
        tokenHash: hashToken(token),
        scopes: input.scopes,
        expiresAt,
      },
      select: { id: true, prefix: true },
    });
    await recordAuditEvent(tx, {
      actor: { kind: "user", id: actor.id },
      action: "token.created",
      entityType: "api_token",
      entityId: row.id,
      after: { name: input.name, prefix: row.prefix, scopes: input.scopes, expiresAt: expiresAt.toISOString() },
      correlationId,
    });
    return { id: row.id, token, expiresAt };
  });
}

/** Revokes one of the actor's own tokens; it stops working on the next call. */
export async function revokeApiToken(actor: Pick<SessionUser, "id">, tokenId: string, correlationId: string) {
  await db.$transaction(async (tx) => {
    const { count } = await tx.apiToken.updateMany({
      where: { id: tokenId, userId: actor.id, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (count !== 1) throw new AppError("NOT_FOUND", "This token does not exist, is not yours or is already revoked.");
    await recordAuditEvent(tx, {
      actor: { kind: "user", id: actor.id },
      action: "token.revoked",
      entityType: "api_token",
      entityId: tokenId,
      after: { revoked: true },
      correlationId,
    });
  });
}
