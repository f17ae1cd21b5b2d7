/**
 * Stable plan hash: SHA-256 of the canonical JSON (object keys sorted, arrays in order) of what an
 * approval is about — the plan's schema version and its steps (names, ids, bodies, tags,
 * dependencies). The role matrix is a view of the steps and the cost depends on prices, so neither
 * is hashed: a price change does not void an approval, a changed resource or role assignment does.
 */
import { createHash } from "node:crypto";
import type { Plan } from "./types";

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) throw new TypeError("canonicalJson: non-finite number");
    return JSON.stringify(value) ?? "null";
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export function planHash(plan: Pick<Plan, "schemaVersion" | "steps">): string {
  const digest = createHash("sha256")
    .update(canonicalJson({ schemaVersion: plan.schemaVersion, steps: plan.steps }))
    .digest("hex");
  return `sha256:${digest}`;
}
