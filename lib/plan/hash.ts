/**
 * Stable plan hash: SHA-256 of the canonical JSON (object keys sorted, arrays in order) of what an
 * approval is about — the plan's schema version and its steps (names, ids, bodies, tags,
 * dependencies). The role matrix is a view of the steps and the cost depends on prices, so neither
 * is hashed: a price change does not void an approval, a changed resource or role assignment does.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "@/lib/canonical-json";
import type { Plan } from "./types";

// change-plan.ts hashes and compares with the same rules
export { canonicalJson };

export function planHash(plan: Pick<Plan, "schemaVersion" | "steps">): string {
  const digest = createHash("sha256")
    .update(canonicalJson({ schemaVersion: plan.schemaVersion, steps: plan.steps }))
    .digest("hex");
  return `sha256:${digest}`;
}
