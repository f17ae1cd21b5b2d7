"use server";
import { guardedAction } from "@/lib/auth/guards";
import { getCorrelationId } from "@/lib/correlation";
import { recordStandaloneAuditEvent } from "@/lib/audit/record-event";
import { verifyAuditChain } from "@/lib/audit/verify";

/** Walks the whole hash chain; the verification itself is recorded (after the walk, so it is not part of it). */
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
  return result.intact
    ? { ok: true, message: `Chain intact: all ${result.events.toLocaleString("en-US")} events verified.` }
    : { ok: false, message: `Chain broken at event #${result.brokenAt}: ${result.reason}.` };
});
