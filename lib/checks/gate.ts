import "server-only";
/**
 * The approval gate (called by lib/approvals for the portal's forms and the REST API alike): the checks of the plan
 * being approved must have run; a failed check refuses the approval with what failed and what to do; warnings must be
 * acknowledged by the approver, and the acknowledgement is recorded on the check run with an audit event, in the
 * approval's transaction. No run for this plan yet (the plan was rebuilt, or the request predates the checks): they
 * run now. Without Azure in this process (simulator mode and no simulator) there is nothing to check and no gate.
 */
import { recordAuditEvent } from "@/lib/audit/record-event";
import { db, type Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/generated/prisma/client";
import { toCheckReport, type CheckAcknowledgement, type CheckReport } from "./report";
import { checksClientFactory } from "./azure";
import { runChecks } from "./run";

export const ACKNOWLEDGE_FIELD = "acknowledgeWarnings";

/** The latest run of the checks for exactly this plan, or null. */
export async function latestChecksFor(requestId: string, planHash: string): Promise<CheckReport | null> {
  const row = await db.feasibilityCheck.findFirst({
    where: { requestId, planHash },
    orderBy: { createdAt: "desc" },
  });
  return row ? toCheckReport(row) : null;
}

/** Why the checks refuse this approval, or null when they allow it. Pure. */
export function checksRefusal(
  report: CheckReport | null,
  acknowledged: boolean,
): { message: string; fieldErrors?: Record<string, string[]> } | null {
  if (!report) return null;
  const failed = report.results.filter((r) => r.status === "fail");
  if (failed.length > 0)
    return {
      message: `The pre-approval checks failed, so this request cannot be approved: ${failed
        .map((r) => `${r.title}${r.action ? ` (${r.action})` : ""}`)
        .join("; ")}. Once it is fixed, re-run the checks.`,
    };
  const warnings = report.results.filter((r) => r.status === "warn");
  if (warnings.length > 0 && !acknowledged) {
    const message = `Acknowledge the checks' ${warnings.length === 1 ? "warning" : `${warnings.length} warnings`} before approving: ${warnings.map((r) => r.title).join("; ")}.`;
    return { message, fieldErrors: { [ACKNOWLEDGE_FIELD]: [message] } };
  }
  return null;
}

/** Before the approval's transaction: the checks of this plan (run now if none), refused when they fail. */
export async function checksForApproval(
  requestId: string,
  planHash: string,
  acknowledged: boolean,
  correlationId: string,
): Promise<CheckReport | null> {
  // No Azure here, no checks: decided without touching the database (approvals race on this path).
  const factory = await checksClientFactory();
  if (!factory) return null;
  const report =
    (await latestChecksFor(requestId, planHash)) ??
    (await runChecks(requestId, { trigger: "approval", correlationId, factory }));
  const refusal = checksRefusal(report && report.planHash === planHash ? report : null, acknowledged);
  if (refusal) throw new AppError("CONFLICT", refusal.message, refusal.fieldErrors);
  return report && report.planHash === planHash ? report : null;
}

/** Inside the approval's transaction: records that this approver acknowledged the run's warnings. */
export async function acknowledgeChecks(
  tx: Tx,
  report: CheckReport | null,
  actor: { id: string },
  stage: string,
  correlationId: string,
): Promise<void> {
  const warnings = report?.results.filter((r) => r.status === "warn").map((r) => r.id) ?? [];
  if (!report || warnings.length === 0) return;
  const row = await tx.feasibilityCheck.findUniqueOrThrow({
    where: { id: report.id },
    select: { acknowledgements: true },
  });
  const ack: CheckAcknowledgement = { userId: actor.id, stage, at: new Date().toISOString(), warnings };
  const all = [...((Array.isArray(row.acknowledgements) ? row.acknowledgements : []) as unknown[]), ack];
  await tx.feasibilityCheck.update({
    where: { id: report.id },
    data: { acknowledgements: all as unknown as Prisma.InputJsonValue },
  });
  await recordAuditEvent(tx, {
    actor: { kind: "user", id: actor.id },
    action: "request.check_warnings_acknowledged",
    entityType: "request",
    entityId: report.requestId,
    requestId: report.requestId,
    before: null,
    after: { checkId: report.id, stage, planHash: report.planHash, warnings },
    correlationId,
  });
}
