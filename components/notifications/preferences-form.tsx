"use client";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { initialActionState } from "@/lib/action-state";
import { saveNotificationPreferencesAction } from "@/lib/notifications/actions";
import { NOTIFICATION_EVENTS, type ChannelChoice, type NotificationEventId } from "@/lib/notifications/events";

/** One row per event: in-app (always on), email, Teams. */
export function PreferencesForm({ choices }: { choices: Record<NotificationEventId, ChannelChoice> }) {
  const [state, action, pending] = useActionState(saveNotificationPreferencesAction, initialActionState);
  return (
    <form action={action} className="space-y-4">
      <table className="min-w-full divide-y divide-slate-200 rounded-lg bg-white text-sm ring-1 ring-slate-200">
        <caption className="sr-only">Channels per event</caption>
        <thead className="bg-slate-50 text-left text-slate-700">
          <tr>
            <th scope="col" className="px-4 py-2 font-semibold">
              Event
            </th>
            <th scope="col" className="px-4 py-2 font-semibold">
              In-app
            </th>
            <th scope="col" className="px-4 py-2 font-semibold">
              Email
            </th>
            <th scope="col" className="px-4 py-2 font-semibold">
              Teams
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {NOTIFICATION_EVENTS.map((e) => (
            <tr key={e.id}>
              <th scope="row" className="px-4 py-2 text-left font-medium text-slate-900">
                {e.label}
              </th>
              <td className="px-4 py-2">
                <input type="checkbox" checked disabled aria-label={`${e.label}: in-app (always on)`} />
              </td>
              <td className="px-4 py-2">
                <input
                  type="checkbox"
                  name={`email:${e.id}`}
                  defaultChecked={choices[e.id].email}
                  aria-label={`${e.label}: email`}
                />
              </td>
              <td className="px-4 py-2">
                <input
                  type="checkbox"
                  name={`teams:${e.id}`}
                  defaultChecked={choices[e.id].teams}
                  aria-label={`${e.label}: Teams`}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save"}
        </Button>
        <p aria-live="polite" className={state.ok ? "text-sm text-emerald-800" : "text-sm text-red-700"}>
          {state.message}
        </p>
      </div>
    </form>
  );
}
