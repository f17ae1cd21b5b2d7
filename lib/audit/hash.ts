// Hash chain of the audit trail: each event's hash covers its content and the previous event's hash.
// Pure, so the verifier (CLI, admin page, tests) and the writer compute exactly the same thing.
import { createHash, createHmac } from "node:crypto";
import { canonicalJson as sharedCanonicalJson } from "@/lib/canonical-json";

export const GENESIS_HASH = "0".repeat(64);

export type HashedAuditContent = {
  occurredAt: Date;
  actorId: string | null;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string;
  requestId: string | null;
  before: unknown;
  after: unknown;
  correlationId: string;
};

/**
 * JSON with sorted keys, so the hash survives a round trip through jsonb (which reorders keys). Non-finite numbers
 * hash as null, as jsonb stores them: an audit write never fails on one.
 */
export const canonicalJson = (value: unknown): string => sharedCanonicalJson(value, { nonFinite: "null" });

export function auditEventHash(prevHash: string, content: HashedAuditContent): string {
  const body = canonicalJson({
    occurredAt: content.occurredAt.toISOString(),
    actorId: content.actorId,
    actorLabel: content.actorLabel,
    action: content.action,
    entityType: content.entityType,
    entityId: content.entityId,
    requestId: content.requestId,
    before: content.before ?? null,
    after: content.after ?? null,
    correlationId: content.correlationId,
  });
  return createHash("sha256").update(prevHash).update("\n").update(body).digest("hex");
}

/**
 * The keyed seal of an event: HMAC-SHA256 of its chain hash under the audit key. The hash already covers the
 * event's content and, through the previous hash, everything before it, so one MAC per event keys the whole chain;
 * without the key, nobody who can only write the database can produce a MAC for a rewritten event.
 */
export function auditEventMac(key: Buffer, hash: string): string {
  return createHmac("sha256", key).update("atrium.audit.event.v1\n").update(hash).digest("hex");
}
