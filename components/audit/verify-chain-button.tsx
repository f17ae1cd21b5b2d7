"use client";
import { useActionState } from "react";
import { Alert } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { initialActionState } from "@/lib/action-state";
import { verifyAuditChainAction } from "@/lib/audit/actions";

export function VerifyChainButton() {
  const [state, action, pending] = useActionState(verifyAuditChainAction, initialActionState);
  return (
    <form action={action} className="flex flex-col items-end gap-2">
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Verifying…" : "Verify chain"}
      </Button>
      {state.message && <Alert tone={state.ok ? "success" : "danger"}>{state.message}</Alert>}
    </form>
  );
}
