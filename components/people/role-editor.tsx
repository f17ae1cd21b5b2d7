"use client";
import { useActionState } from "react";
import { initialActionState } from "@/lib/action-state";
import { updateUserRolesAction } from "@/lib/people/actions";
import { PORTAL_ROLES, ROLE_LABELS, type PortalRoleName } from "@/lib/auth/permissions";

export function RoleEditor({ userId, name, roles }: { userId: string; name: string; roles: PortalRoleName[] }) {
  const [state, action, pending] = useActionState(updateUserRolesAction.bind(null, userId), initialActionState);
  return (
    <form action={action} className="flex flex-wrap items-center gap-3">
      <fieldset className="flex flex-wrap gap-3">
        <legend className="sr-only">Portal roles of {name}</legend>
        {PORTAL_ROLES.map((role) => (
          <label key={role} className="flex items-center gap-1.5 text-sm text-slate-800">
            <input
              type="checkbox"
              name="roles"
              value={role}
              defaultChecked={roles.includes(role)}
              className="size-4 rounded border-slate-400"
            />
            {ROLE_LABELS[role]}
          </label>
        ))}
      </fieldset>
      <button
        type="submit"
        disabled={pending}
        className="rounded-md px-2 py-1 text-xs font-semibold text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50"
      >
        {pending ? "Saving…" : "Save"}
      </button>
      <span aria-live="polite" className={state.ok ? "text-xs text-emerald-800" : "text-xs text-red-700"}>
        {state.message}
      </span>
    </form>
  );
}
