// The notification settings form (pure). Checkboxes are named `email:<event>` and `teams:<event>`; an unchecked
// box sends nothing, so every event is read explicitly and absent means off.
import { z } from "zod";
import { NOTIFICATION_EVENT_IDS } from "./events";

const box = z.union([z.literal("on"), z.null()]).transform((v) => v === "on");
const choice = z.object({ email: box, teams: box });

export const preferencesSchema = z.object(
  Object.fromEntries(NOTIFICATION_EVENT_IDS.map((id) => [id, choice])) as Record<
    (typeof NOTIFICATION_EVENT_IDS)[number],
    typeof choice
  >,
);

/** Groups the decoded form's flat `email:<event>`/`teams:<event>` fields per event (absent: null, i.e. off). */
export function preferencesFromForm(form: Record<string, unknown>) {
  return Object.fromEntries(
    NOTIFICATION_EVENT_IDS.map((id) => [
      id,
      { email: form[`email:${id}`] ?? null, teams: form[`teams:${id}`] ?? null },
    ]),
  );
}
