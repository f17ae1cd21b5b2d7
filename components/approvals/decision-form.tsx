"use client";
import { useActionState } from "react";
import { Alert } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { Field, Textarea } from "@/components/ui/field";
import { initialActionState, type ActionState } from "@/lib/action-state";
import {
  approveProductionAction,
  approveRequestAction,
  rejectProductionAction,
  rejectRequestAction,
} from "@/lib/approvals/actions";
import type { ApprovalStageName } from "@/lib/approvals/rules";

function Outcome({ state }: { state: ActionState }) {
  if (state.ok) return state.message ? <Alert tone="success">{state.message}</Alert> : null;
  return <Alert tone="danger">{state.message}</Alert>;
}

/**
 * Approve, or reject with a reason, for the stage the viewer may decide. The hidden version and plan hash are
 * what the viewer saw; the server refuses the decision if either has changed since.
 */
export function DecisionForm({
  requestId,
  stage,
  version,
  planHash,
  number,
  checks = null,
}: {
  requestId: string;
  stage: ApprovalStageName | null;
  version: number;
  planHash: string | null;
  number: string;
  /** The pre-approval checks of this plan: failures block approval, warnings need acknowledging. */
  checks?: { failures: string[]; warnings: string[] } | null;
}) {
  const [approveState, approve, approving] = useActionState(
    (stage === "STAKEHOLDER" ? approveProductionAction : approveRequestAction).bind(null, requestId),
    initialActionState,
  );
  const [rejectState, reject, rejecting] = useActionState(
    (stage === "STAKEHOLDER" ? rejectProductionAction : rejectRequestAction).bind(null, requestId),
    initialActionState,
  );
  const reasonErrors = rejectState.ok ? undefined : rejectState.fieldErrors?.reason;
  const ackErrors = approveState.ok ? undefined : approveState.fieldErrors?.acknowledgeWarnings;
  const blocked = (checks?.failures.length ?? 0) > 0;
  const ackId = `acknowledge-${requestId}`;
  const pending = approving || rejecting;
  // After a decision the server no longer offers one (stage null); the outcome of ours stays visible.
  if (!stage || !planHash) {
    const done = [approveState, rejectState].find((s) => s.ok && s.message);
    return done ? <Outcome state={done} /> : null;
  }
  return (
    <div className="space-y-4">
      <form action={approve} className="space-y-3" aria-label={`Approve ${number}`}>
        <input type="hidden" name="version" value={version} />
        <input type="hidden" name="planHash" value={planHash} />
        {!ackErrors && <Outcome state={approveState} />}
        {blocked && (
          <p id={`approve-blocked-${requestId}`} className="text-sm text-red-800">
            Approval is blocked: the checks failed ({checks!.failures.join("; ")}). Fix what they name and re-run them.
          </p>
        )}
        {!blocked && (checks?.warnings.length ?? 0) > 0 && (
          <div className="space-y-1">
            <div className="flex items-start gap-2">
              <input
                id={ackId}
                name="acknowledgeWarnings"
                type="checkbox"
                required
                className="mt-1 h-4 w-4 rounded border-slate-400"
                aria-invalid={ackErrors ? true : undefined}
                aria-describedby={`${ackId}-error`}
              />
              <label htmlFor={ackId} className="text-sm text-slate-800">
                I have read the checks&apos; {checks!.warnings.length === 1 ? "warning" : "warnings"} (
                {checks!.warnings.join("; ")}) and approve anyway.
              </label>
            </div>
            <div id={`${ackId}-error`} aria-live="polite" className="text-sm text-red-700">
              {ackErrors?.map((e) => (
                <p key={e}>{e}</p>
              ))}
            </div>
          </div>
        )}
        <Button
          type="submit"
          disabled={pending || blocked}
          aria-describedby={blocked ? `approve-blocked-${requestId}` : undefined}
        >
          {approving ? "Approving…" : stage === "ADMIN" ? "Approve" : "Give production approval"}
        </Button>
      </form>
      <form action={reject} className="space-y-3 border-t border-slate-200 pt-4" aria-label={`Reject ${number}`}>
        <input type="hidden" name="version" value={version} />
        <input type="hidden" name="planHash" value={planHash} />
        <Field
          id={`reason-${requestId}`}
          label="Reason for rejection"
          hint="Required. The requester reads it in their inbox and on the request."
          errors={reasonErrors}
        >
          <Textarea
            id={`reason-${requestId}`}
            name="reason"
            rows={3}
            required
            minLength={10}
            maxLength={2000}
            aria-invalid={reasonErrors ? true : undefined}
            aria-describedby={`reason-${requestId}-hint reason-${requestId}-error`}
          />
        </Field>
        {!reasonErrors && <Outcome state={rejectState} />}
        <Button type="submit" variant="danger" disabled={pending}>
          {rejecting ? "Rejecting…" : "Reject"}
        </Button>
      </form>
    </div>
  );
}
