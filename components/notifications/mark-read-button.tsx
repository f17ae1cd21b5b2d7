"use client";
import { useActionState } from "react";
import { initialActionState } from "@/lib/action-state";
import { markNotificationsReadAction } from "@/lib/notifications/actions";

export function MarkReadButton({ id, label }: { id?: string; label: string }) {
  const [, action, pending] = useActionState(markNotificationsReadAction, initialActionState);
  return (
    <form action={action}>
      {id && <input type="hidden" name="id" value={id} />}
      <button
        type="submit"
        disabled={pending}
        className="rounded-md px-2 py-1 text-xs font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50"
      >
        {label}
      </button>
    </form>
  );
}
