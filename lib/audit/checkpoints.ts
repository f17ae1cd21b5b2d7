import "server-only";
// Checkpoints of the chain head, published outside the database (a folder here; in production a write-once store
// such as an immutable Azure Blob container). Each is keyed with the audit key, so someone who can only write the
// database can neither forge one nor make the chain agree with one after deleting or rewriting events.
import { createHmac } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { canonicalJson } from "@/lib/audit/hash";
import { auditKey, type AuditKey } from "@/lib/audit/key";
import { db } from "@/lib/db/client";
import { databaseUrl, env, type Env } from "@/lib/env";

export type Checkpoint = {
  version: 1;
  /** The chain head when the checkpoint was written: its id, its position in the chain and its hash. */
  eventId: string;
  /** Absent in checkpoints written before sealing moved to the sequencer, when the position was the id. */
  seq?: string;
  hash: string;
  /** The first keyed event (the switch-over point); from then on every event must carry a valid MAC. */
  keyedFrom: string | null;
  keyId: string;
  writtenAt: string;
  mac: string;
};

export type CheckpointSet = { checkpoints: Checkpoint[]; invalid: string[] };

/**
 * AUDIT_CHECKPOINT_DIR, else one folder per database: a chain's checkpoints must never be compared with another
 * database's chain (the launcher points the embedded default at a folder beside its cluster, removed with it).
 */
export function checkpointDir(e: Env = env()): string {
  if (e.AUDIT_CHECKPOINT_DIR) return path.resolve(e.AUDIT_CHECKPOINT_DIR);
  const url = new URL(databaseUrl(e));
  const name = `${url.hostname}-${url.port || "5432"}-${url.pathname.slice(1) || "postgres"}`.replace(/[^\w.-]/g, "_");
  return path.resolve(".data/audit-checkpoints", name);
}

function checkpointMac(key: AuditKey, body: Omit<Checkpoint, "mac">): string {
  return createHmac("sha256", key.bytes)
    .update("atrium.audit.checkpoint.v1\n")
    .update(canonicalJson(body))
    .digest("hex");
}

/** Named by chain position, so a name sort is chain order (before the sequencer, position and id were the same). */
const fileName = (seq: string) => `${seq.padStart(20, "0")}.json`;
const positionOf = (c: Pick<Checkpoint, "eventId" | "seq">) => c.seq ?? c.eventId;

/** Every checkpoint in the folder, oldest first; files that don't carry the audit key's MAC are listed as invalid. */
export function readCheckpoints(key: AuditKey | null = auditKey(), dir = checkpointDir()): CheckpointSet {
  const result: CheckpointSet = { checkpoints: [], invalid: [] };
  if (!existsSync(dir)) return result;
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith(".json"))
    .sort()) {
    try {
      const parsed = JSON.parse(readFileSync(path.join(dir, name), "utf8")) as Checkpoint;
      const { mac, ...body } = parsed;
      if (!key || typeof mac !== "string" || checkpointMac(key, body) !== mac || fileName(positionOf(body)) !== name) {
        result.invalid.push(name);
      } else {
        result.checkpoints.push(parsed);
      }
    } catch {
      result.invalid.push(name);
    }
  }
  return result;
}

/**
 * Publishes the current chain head (a no-op when it is already published, or without a key). Files are written
 * once and never rewritten, so a later checkpoint cannot erase what an earlier one recorded.
 */
export async function writeCheckpoint(key: AuditKey | null = auditKey(), dir = checkpointDir()) {
  if (!key) return null;
  const head = await db.auditEvent.findFirst({
    where: { hash: { not: null } },
    orderBy: { seq: "desc" },
    select: { id: true, seq: true, hash: true },
  });
  if (!head?.hash) return null;
  const { checkpoints } = readCheckpoints(key, dir);
  const previous = checkpoints.at(-1);
  // Already published: the same head event with the same hash is the same evidence.
  if (previous && (positionOf(previous) === head.seq.toString() || previous.eventId === head.id.toString()))
    return previous;
  // Once a checkpoint records the switch-over point, later ones carry it on rather than trusting the database again.
  const firstKeyed = previous?.keyedFrom
    ? null
    : await db.auditEvent.findFirst({ where: { mac: { not: null } }, orderBy: { seq: "asc" }, select: { id: true } });
  const body: Omit<Checkpoint, "mac"> = {
    version: 1,
    eventId: head.id.toString(),
    seq: head.seq.toString(),
    hash: head.hash,
    keyedFrom: previous?.keyedFrom ?? firstKeyed?.id.toString() ?? null,
    keyId: key.id,
    writtenAt: new Date().toISOString(),
  };
  const checkpoint: Checkpoint = { ...body, mac: checkpointMac(key, body) };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(path.join(dir, fileName(head.seq.toString())), JSON.stringify(checkpoint, null, 2) + "\n", {
      flag: "wx",
      mode: 0o600,
    });
  } catch (error) {
    // Another process published the same head first: same evidence.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return checkpoint;
}
