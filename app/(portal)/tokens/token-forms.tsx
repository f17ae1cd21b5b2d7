"use client";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field, FieldError, Input } from "@/components/ui/field";
import { initialActionState } from "@/lib/action-state";
import { createTokenAction, revokeTokenAction, type CreatedTokenState } from "@/lib/tokens/actions";
import { MAX_TOKEN_DAYS, TOKEN_SCOPE_LABELS, TOKEN_SCOPES } from "@/lib/tokens/schemas";

/** Creates a token; the new token is shown here once, with what to do with it. */
export function CreateTokenForm() {
  const [state, action, pending] = useActionState(createTokenAction, initialActionState);
  const created = state as CreatedTokenState;
  const errors = state.ok ? undefined : state.fieldErrors;
  return (
    <form action={action} className="mb-8 space-y-4 rounded-lg bg-white p-5 ring-1 ring-slate-200">
      <h2 className="text-base font-semibold text-slate-900">New token</h2>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="token-name" label="Name" hint="Where it is used, e.g. ci-pipeline." errors={errors?.name}>
          <Input
            id="token-name"
            name="name"
            required
            maxLength={80}
            aria-describedby="token-name-hint token-name-error"
          />
        </Field>
        <Field id="token-days" label="Lifetime in days" errors={errors?.expiresInDays}>
          <Input
            id="token-days"
            name="expiresInDays"
            type="number"
            min={1}
            max={MAX_TOKEN_DAYS}
            defaultValue={30}
            aria-describedby="token-days-error"
          />
        </Field>
      </div>
      <fieldset aria-describedby="token-scopes-error">
        <legend className="text-sm font-medium text-slate-800">Scopes</legend>
        {TOKEN_SCOPES.map((scope) => (
          <label key={scope} className="mt-1 flex items-center gap-2 text-sm text-slate-800">
            <input type="checkbox" name="scopes" value={scope} defaultChecked={scope === "read"} />
            {TOKEN_SCOPE_LABELS[scope]}
          </label>
        ))}
        <FieldError id="token-scopes-error" errors={errors?.scopes} />
      </fieldset>
      <Button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create token"}
      </Button>
      <div aria-live="polite">
        {created.ok && created.token ? (
          <div className="space-y-2 rounded-md bg-emerald-50 p-3 text-sm text-emerald-900">
            <p>{created.message}</p>
            <p>
              <code className="block font-mono text-sm break-all select-all" data-testid="new-token">
                {created.token}
              </code>
            </p>
            <p>
              Use it as <code>Authorization: Bearer …</code>, or run <code>atrium login</code>.
            </p>
          </div>
        ) : (
          !state.ok && state.message && <p className="text-sm text-red-700">{state.message}</p>
        )}
      </div>
    </form>
  );
}

export function RevokeTokenButton({ tokenId, name }: { tokenId: string; name: string }) {
  const [state, action, pending] = useActionState(revokeTokenAction.bind(null, tokenId), initialActionState);
  return (
    <form action={action} className="flex items-center gap-2">
      <button
        type="submit"
        disabled={pending}
        aria-label={`Revoke ${name}`}
        className="rounded-md px-2 py-1 text-xs font-semibold text-red-800 ring-1 ring-red-300 hover:bg-red-50"
      >
        {pending ? "Revoking…" : "Revoke"}
      </button>
      <span aria-live="polite" className={state.ok ? "text-xs text-emerald-800" : "text-xs text-red-700"}>
        {state.message}
      </span>
    </form>
  );
}
