"use client";
import { useActionState } from "react";
import { Alert } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { initialActionState } from "@/lib/action-state";
import { rerunChecksAction } from "@/lib/checks/actions";

/** Runs the request's checks again now; the page re-renders with the new run. */
export function RerunChecksButton({ requestId }: { requestId: string }) {
  const [state, rerun, running] = useActionState(rerunChecksAction.bind(null, requestId), initialActionState);
  return (
    <form action={rerun} className="space-y-2" aria-label="Re-run the checks">
      <Button type="submit" variant="secondary" disabled={running}>
        {running ? "Checking…" : "Re-run checks"}
      </Button>
      {state.message && <Alert tone={state.ok ? "success" : "danger"}>{state.message}</Alert>}
    </form>
  );
}
