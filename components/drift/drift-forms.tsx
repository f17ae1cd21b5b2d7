"use client";
import { useActionState } from "react";
import { Alert } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { initialActionState, type ActionState } from "@/lib/action-state";
import { acceptDriftAction, requestDriftScanAction, restoreDriftAction } from "@/lib/drift/actions";

function Outcome({ state }: { state: ActionState }) {
  if (state.ok) return state.message ? <Alert tone="success">{state.message}</Alert> : null;
  return (
    <Alert tone="danger">
      {state.message}
      {state.fieldErrors?.findingIds && state.fieldErrors.findingIds.length > 1 && (
        <ul className="mt-1 list-disc pl-5">
          {state.fieldErrors.findingIds.slice(1).map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
    </Alert>
  );
}

/** "Scan now": queues a read-only scan of the set. */
export function ScanNowForm({ setId }: { setId: string }) {
  const [state, action, pending] = useActionState(requestDriftScanAction.bind(null, setId), initialActionState);
  return (
    <form action={action} className="space-y-2" aria-label="Scan for drift now">
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Queueing…" : "Scan for drift now"}
      </Button>
      <Outcome state={state} />
    </form>
  );
}

/**
 * Restore or accept the open findings (all, or the ones ticked in the table, whose checkboxes carry
 * form="drift-resolve"). Both create a change request: nothing in Azure changes until it is approved.
 */
export function ResolveDriftForm({ setId, baseVersion }: { setId: string; baseVersion: number }) {
  const [restoreState, restore, restoring] = useActionState(restoreDriftAction.bind(null, setId), initialActionState);
  const [acceptState, accept, accepting] = useActionState(acceptDriftAction.bind(null, setId), initialActionState);
  const pending = restoring || accepting;
  return (
    <form id="drift-resolve" className="space-y-3" aria-label="Restore or accept drift">
      <input type="hidden" name="baseVersion" value={baseVersion} />
      <p className="text-sm text-slate-700">
        Tick findings in the table to act on some of them; with none ticked, every open finding is included. Both
        buttons create a change request; Azure is changed only after it is approved.
      </p>
      <div className="flex flex-wrap gap-2">
        <Button type="submit" formAction={restore} disabled={pending}>
          {restoring ? "Creating the change…" : "Restore the approved state"}
        </Button>
        <Button type="submit" formAction={accept} variant="secondary" disabled={pending}>
          {accepting ? "Creating the change…" : "Accept into the approved state"}
        </Button>
      </div>
      <Outcome state={restoreState} />
      <Outcome state={acceptState} />
    </form>
  );
}
