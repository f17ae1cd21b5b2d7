"use client";
import { useActionState } from "react";
import { Alert } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { initialActionState } from "@/lib/action-state";
import {
  approvePurgeAction,
  decommissionSetAction,
  recoverSetAction,
  requestPurgeAction,
} from "@/lib/decommission/actions";
import { extendLeaseAction } from "@/lib/leases/actions";

function Outcome({ state }: { state: { ok: boolean; message?: string | null } }) {
  if (!state.message) return null;
  return (
    <Alert tone={state.ok ? "success" : "danger"} title={state.ok ? undefined : state.message}>
      {state.ok ? state.message : "Nothing changed."}
    </Alert>
  );
}

/** Owners: extend the lease by N days (within the maximum at once; beyond it, a change request for the admins). */
export function ExtendLeaseForm({ setId, maxOwnDays }: { setId: string; maxOwnDays: number }) {
  const [state, action, pending] = useActionState(extendLeaseAction.bind(null, setId), initialActionState);
  const errors = state.ok ? {} : (state.fieldErrors ?? {});
  return (
    <form action={action} className="space-y-3" aria-label="Extend the lease">
      <Outcome state={state} />
      <div className="flex flex-wrap items-end gap-3">
        <Field
          id="days"
          label="Extend by (days)"
          hint={`Up to ${maxOwnDays} days from now applies at once; more asks the admins.`}
          errors={errors.days}
        >
          <Input
            id="days"
            name="days"
            type="number"
            min={1}
            defaultValue={7}
            className="w-32"
            aria-invalid={errors.days ? true : undefined}
            aria-describedby="days-hint days-error"
          />
        </Field>
        <Button type="submit" disabled={pending}>
          {pending ? "Extending…" : "Extend lease"}
        </Button>
      </div>
    </form>
  );
}

/** Admins: decommission with a reason (a change request: admin, or admin + stakeholder when the set has prod). */
export function DecommissionForm({ setId }: { setId: string }) {
  const [state, action, pending] = useActionState(decommissionSetAction.bind(null, setId), initialActionState);
  const errors = state.ok ? {} : (state.fieldErrors ?? {});
  return (
    <form action={action} className="space-y-3" aria-label="Decommission this workspace set">
      <Outcome state={state} />
      <Field
        id="reason"
        label="Why decommission it?"
        hint="Shown to the approvers. The workspaces stay recoverable for 14 days."
        errors={errors.reason}
      >
        <Input id="reason" name="reason" aria-describedby="reason-hint reason-error" />
      </Field>
      <Button type="submit" variant="danger" disabled={pending}>
        {pending ? "Asking…" : "Decommission"}
      </Button>
    </form>
  );
}

type SimpleAction = (
  setId: string,
  prev: unknown,
  formData: FormData,
) => Promise<{ ok: boolean; message?: string | null }>;

function OneButton({
  setId,
  act,
  label,
  variant,
}: {
  setId: string;
  act: SimpleAction;
  label: string;
  variant?: "danger";
}) {
  const [state, action, pending] = useActionState(act.bind(null, setId), initialActionState);
  return (
    <form action={action} className="space-y-2">
      <Outcome state={state} />
      <Button type="submit" variant={variant} disabled={pending}>
        {label}
      </Button>
    </form>
  );
}

export function RecoverButton({ setId }: { setId: string }) {
  return <OneButton setId={setId} act={recoverSetAction} label="Recover workspace set" />;
}
export function RequestPurgeButton({ setId }: { setId: string }) {
  return <OneButton setId={setId} act={requestPurgeAction} label="Purge now (needs a second admin)" variant="danger" />;
}
export function ApprovePurgeButton({ setId }: { setId: string }) {
  return <OneButton setId={setId} act={approvePurgeAction} label="Approve purge" variant="danger" />;
}
