// The audit key, which must never live in the database it protects: AUDIT_HMAC_KEY from configuration (in
// production a Key Vault secret handed to the process), or the embedded default's generated `.data/audit-hmac-key`.
// No `server-only`: the launcher and command-line tools use it too.
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";

export const LOCAL_AUDIT_KEY_FILE = ".data/audit-hmac-key";

export type AuditKey = { bytes: Buffer; id: string };

const cache = new Map<string, AuditKey>();

function toKey(secret: string): AuditKey {
  let key = cache.get(secret);
  if (!key) {
    const bytes = Buffer.from(secret, "utf8");
    // A public fingerprint, so checkpoints and logs can say which key sealed them without revealing it.
    key = { bytes, id: createHash("sha256").update("atrium.audit.key-id\n").update(bytes).digest("hex").slice(0, 16) };
    cache.set(secret, key);
  }
  return key;
}

/** The configured key, or null when neither AUDIT_HMAC_KEY nor the local key file exists (events stay unkeyed). */
export function auditKey(): AuditKey | null {
  const configured = env().AUDIT_HMAC_KEY;
  if (configured) return toKey(configured);
  const file = path.resolve(LOCAL_AUDIT_KEY_FILE);
  return existsSync(file) ? toKey(readFileSync(file, "utf8").trim()) : null;
}

/** For the embedded default: the local key, generated on first use (mode 0600, beside the auth secret). */
export function ensureLocalAuditKey(): string {
  const file = path.resolve(LOCAL_AUDIT_KEY_FILE);
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
  chmodSync(file, 0o600);
  return secret;
}
