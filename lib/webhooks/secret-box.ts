// Endpoint secrets (a webhook's signing secret, a Teams Workflows URL with its sig= token) are needed in clear to
// sign and to post, so they are encrypted rather than hashed: AES-256-GCM with a key from configuration
// (ATRIUM_SECRETS_KEY, base64 of 32 bytes), bound to the endpoint's id as associated data so a ciphertext copied onto
// another row does not decrypt. In the embedded default the key is generated once into .data/secrets-key (0600),
// the same way the launcher keeps the auth secret.
import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env, EnvError, localPersonasEnabled } from "@/lib/env";

const VERSION = "v1";
const LOCAL_KEY_FILE = ".data/secrets-key";

let cachedKey: Buffer | undefined;

function localKey(): Buffer {
  const file = path.resolve(LOCAL_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    try {
      // "wx": of two processes starting at once, one writes the key and the other reads it.
      writeFileSync(file, randomBytes(32).toString("base64"), { mode: 0o600, flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  return Buffer.from(readFileSync(file, "utf8").trim(), "base64");
}

function key(): Buffer {
  if (cachedKey) return cachedKey;
  const e = env();
  if (e.ATRIUM_SECRETS_KEY) cachedKey = Buffer.from(e.ATRIUM_SECRETS_KEY, "base64");
  // Local mode (development, or the embedded default with personas) keeps a generated key; a deployment sets one.
  else if (e.NODE_ENV !== "production" || localPersonasEnabled(e)) cachedKey = localKey();
  else throw new EnvError("ATRIUM_SECRETS_KEY is not set: it encrypts webhook and Teams secrets (see .env.example).");
  if (cachedKey.length !== 32) throw new EnvError("ATRIUM_SECRETS_KEY must be the base64 of 32 bytes.");
  return cachedKey;
}

export function sealSecret(plaintext: string, boundTo: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  cipher.setAAD(Buffer.from(boundTo));
  const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64"), cipher.getAuthTag().toString("base64"), sealed.toString("base64")].join(":");
}

export function openSecret(ciphertext: string, boundTo: string): string {
  const [version, iv, tag, sealed] = ciphertext.split(":");
  if (version !== VERSION || !iv || !tag || !sealed) throw new Error("Unknown secret format.");
  const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64"));
  decipher.setAAD(Buffer.from(boundTo));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(sealed, "base64")), decipher.final()]).toString("utf8");
}
