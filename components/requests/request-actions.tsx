"use client";
import { useActionState } from "react";
import { Alert } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { initialActionState, type ActionState } from "@/lib/action-state";
import { cancelRequestAction, submitRequestAction } from "@/lib/requests/actions";

function messages(state: ActionState) {
  if (state.ok) return state.message ? <Alert tone="success">{state.message}</Alert> : null;
  const fields = Object.values(state.fieldErrors ?? {}).flatMap((m) => m ?? []);
  return (
    <Alert tone="danger" title={state.message}>
      {fields.length > 0 && (
        <ul className="list-disc pl-5">
          {fields.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
    </Alert>
  );
}

export function SubmitRequestForm({ id, version }: { id: string; version: number }) {
  const [state, action, pending] = useActionState(submitRequestAction, initialActionState);
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="version" value={version} />
      {messages(state)}
      <Button type="submit" disabled={pending}>
        {pending ? "Submitting…" : "Submit for approval"}
      </Button>
    </form>
  );
}

export function CancelRequestForm({ id, label = "Cancel request" }: { id: string; label?: string }) {
  const [state, action, pending] = useActionState(cancelRequestAction, initialActionState);
  return (
    <form
      action={action}
      className="space-y-3"
      onSubmit={(e) => {
        if (!window.confirm("Cancel this request? This can't be undone.")) e.preventDefault();
      }}
    >
      <input type="hidden" name="id" value={id} />
      {messages(state)}
      <Button type="submit" variant="danger" disabled={pending}>
        {pending ? "Cancelling…" : label}
      </Button>
    </form>
  );
}
