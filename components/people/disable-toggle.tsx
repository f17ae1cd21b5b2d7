"use client";
import { useActionState } from "react";
import { initialActionState } from "@/lib/action-state";
import { setPersonDisabledAction } from "@/lib/people/actions";

/** Disables a person (ending their sessions at once) or enables them again. */
export function DisableToggle({ userId, name, disabled }: { userId: string; name: string; disabled: boolean }) {
  const [state, action, pending] = useActionState(setPersonDisabledAction.bind(null, userId), initialActionState);
  return (
    <form action={action} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="disabled" value={disabled ? "false" : "true"} />
      <button
        type="submit"
        disabled={pending}
        aria-label={`${disabled ? "Enable" : "Disable"} ${name}`}
        className={
          disabled
            ? "rounded-md px-2 py-1 text-xs font-semibold text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50"
            : "rounded-md px-2 py-1 text-xs font-semibold text-red-800 ring-1 ring-red-300 hover:bg-red-50"
        }
      >
        {pending ? "Saving…" : disabled ? "Enable" : "Disable"}
      </button>
      <span aria-live="polite" className={state.ok ? "text-xs text-emerald-800" : "text-xs text-red-700"}>
        {state.message}
      </span>
    </form>
  );
}
