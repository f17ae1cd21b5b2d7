"use server";
import { guardedAction } from "@/lib/auth/guards";
import { getCorrelationId } from "@/lib/correlation";
import { recordStandaloneAuditEvent } from "@/lib/audit/record-event";
import { verifyAuditChain } from "@/lib/audit/verify";
import { writeCheckpoint } from "@/lib/audit/checkpoints";

/**
 * Walks the whole hash chain; the verification itself is recorded (after the walk, so it is not part of it), and an
 * intact chain's head is published as a checkpoint outside the database.
 */
export const verifyAuditChainAction = guardedAction("audit.verify", async (actor) => {
  const result = await verifyAuditChain();
  await recordStandaloneAuditEvent({
    actor: { kind: "user", id: actor.id },
    action: "audit.verified",
    entityType: "audit_chain",
    entityId: "audit_events",
    after: result,
    correlationId: await getCorrelationId(),
  });
  if (result.intact) await writeCheckpoint();
  return result.intact
    ? {
        ok: true,
        message: `Chain intact: all ${result.events.toLocaleString("en-US")} events verified. ${result.keyed.toLocaleString("en-US")} keyed with the audit key; ${result.checkpoints.toLocaleString("en-US")} checkpoints outside the database agree.`,
      }
    : { ok: false, message: `Chain broken at event #${result.brokenAt}: ${result.reason}.` };
});
