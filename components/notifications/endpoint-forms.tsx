"use client";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { initialActionState } from "@/lib/action-state";
import { NOTIFICATION_KINDS } from "@/lib/notifications/events";
import {
  createEndpointAction,
  deleteEndpointAction,
  redeliverAction,
  setEndpointEnabledAction,
} from "@/lib/webhooks/actions";
import type { CreatedEndpointState } from "@/lib/webhooks/schemas";

/** Adds a webhook or Teams channel; a webhook's signing secret is shown here once. */
export function CreateEndpointForm({ teams }: { teams: { id: string; name: string }[] }) {
  const [state, action, pending] = useActionState(createEndpointAction, initialActionState);
  const created = state as CreatedEndpointState;
  const errors = state.ok ? undefined : state.fieldErrors;
  return (
    <form action={action} className="mb-8 space-y-4 rounded-lg bg-white p-5 ring-1 ring-slate-200">
      <h2 className="text-base font-semibold text-slate-900">New endpoint</h2>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="endpoint-kind" label="Kind" errors={errors?.kind}>
          <Select id="endpoint-kind" name="kind" defaultValue="WEBHOOK">
            <option value="WEBHOOK">Webhook (signed, Standard Webhooks)</option>
            <option value="TEAMS">Microsoft Teams channel (Workflows URL)</option>
          </Select>
        </Field>
        <Field id="endpoint-name" label="Name" errors={errors?.name}>
          <Input id="endpoint-name" name="name" required maxLength={80} aria-describedby="endpoint-name-error" />
        </Field>
        <Field id="endpoint-team" label="For" errors={errors?.teamId}>
          <Select id="endpoint-team" name="teamId" defaultValue="">
            <option value="">Every team (portal-wide)</option>
            {teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </Select>
        </Field>
        <Field
          id="endpoint-url"
          label="URL"
          hint="http:// or https:// only. For Teams: the URL of a “post to a channel when a webhook request is received” workflow."
          errors={errors?.url}
        >
          <Input
            id="endpoint-url"
            name="url"
            type="url"
            required
            aria-describedby="endpoint-url-hint endpoint-url-error"
          />
        </Field>
      </div>
      <fieldset>
        <legend className="text-sm font-medium text-slate-800">Events (none ticked = every event)</legend>
        <div className="mt-1 grid gap-1 sm:grid-cols-3">
          {NOTIFICATION_KINDS.map((kind) => (
            <label key={kind} className="flex items-center gap-2 font-mono text-xs text-slate-800">
              <input type="checkbox" name="events" value={kind} />
              {kind}
            </label>
          ))}
        </div>
      </fieldset>
      <Button type="submit" disabled={pending}>
        {pending ? "Adding…" : "Add endpoint"}
      </Button>
      <div aria-live="polite" className="text-sm">
        {created.ok && created.secret ? (
          <div className="space-y-2 rounded-md bg-emerald-50 p-3 text-emerald-900">
            <p>{created.message}</p>
            <code className="block font-mono break-all select-all" data-testid="new-webhook-secret">
              {created.secret}
            </code>
          </div>
        ) : (
          state.message && <p className={state.ok ? "text-emerald-800" : "text-red-700"}>{state.message}</p>
        )}
      </div>
    </form>
  );
}

export function EndpointToggle({ id, enabled }: { id: string; enabled: boolean }) {
  const [state, action, pending] = useActionState(setEndpointEnabledAction.bind(null, id), initialActionState);
  return (
    <form action={action} className="inline">
      <input type="hidden" name="enabled" value={enabled ? "false" : "true"} />
      <Button type="submit" variant="secondary" disabled={pending}>
        {enabled ? "Disable" : "Enable"}
      </Button>
      {!state.ok && <span className="ml-2 text-xs text-red-700">{state.message}</span>}
    </form>
  );
}

export function DeleteEndpointButton({ id }: { id: string }) {
  const [state, action, pending] = useActionState(deleteEndpointAction.bind(null, id), initialActionState);
  return (
    <form action={action} className="inline">
      <Button type="submit" variant="danger" disabled={pending}>
        Delete
      </Button>
      {!state.ok && <span className="ml-2 text-xs text-red-700">{state.message}</span>}
    </form>
  );
}

export function RedeliverButton({ id }: { id: string }) {
  const [state, action, pending] = useActionState(redeliverAction.bind(null, id), initialActionState);
  return (
    <form action={action}>
      <button
        type="submit"
        disabled={pending}
        className="rounded-md px-2 py-1 text-xs font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50"
      >
        Redeliver
      </button>
      <span aria-live="polite" className="ml-1 text-xs text-slate-600">
        {state.message}
      </span>
    </form>
  );
}
