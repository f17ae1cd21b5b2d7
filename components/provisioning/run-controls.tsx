"use client";
import { useActionState } from "react";
import { Alert } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { initialActionState } from "@/lib/action-state";
import { cancelRunAction, retryRunAction } from "@/lib/provisioning/actions";

/** Retry from the failed step, or stop a queued/running provisioning (admins; MLOps for their teams). */
export function RunControls({
  requestId,
  canRetry,
  canCancel,
}: {
  requestId: string;
  canRetry: boolean;
  canCancel: boolean;
}) {
  const [retryState, retry, retrying] = useActionState(retryRunAction.bind(null, requestId), initialActionState);
  const [cancelState, cancel, cancelling] = useActionState(cancelRunAction.bind(null, requestId), initialActionState);
  const outcome = [retryState, cancelState].find((s) => s.message);
  return (
    <div className="flex flex-wrap items-center gap-3">
      {canRetry && (
        <form action={retry}>
          <Button type="submit" disabled={retrying}>
            {retrying ? "Queuing…" : "Retry from failed step"}
          </Button>
        </form>
      )}
      {canCancel && (
        <form action={cancel}>
          <Button type="submit" variant="danger" disabled={cancelling}>
            {cancelling ? "Stopping…" : "Stop provisioning"}
          </Button>
        </form>
      )}
      {outcome && (
        <div role="status" className="w-full">
          <Alert tone={outcome.ok ? "success" : "danger"}>{outcome.message}</Alert>
        </div>
      )}
    </div>
  );
}
