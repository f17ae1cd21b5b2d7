import "server-only";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { DEFAULT_CHOICE, NOTIFICATION_EVENTS, type ChannelChoice, type NotificationEventId } from "./events";

export type Preferences = Record<NotificationEventId, ChannelChoice>;

/** The person's own choices, with the defaults for events they never saved. */
export async function getPreferences(user: Pick<SessionUser, "id">): Promise<Preferences> {
  const saved = await db.notificationPreference.findMany({
    where: { userId: user.id },
    select: { event: true, email: true, teams: true },
  });
  const byEvent = new Map(saved.map((p) => [p.event, { email: p.email, teams: p.teams }]));
  return Object.fromEntries(NOTIFICATION_EVENTS.map((e) => [e.id, byEvent.get(e.id) ?? DEFAULT_CHOICE])) as Preferences;
}

/** Saves every event's choice for the person (only their own rows: the user id comes from the session). */
export async function savePreferences(user: Pick<SessionUser, "id">, choices: Preferences) {
  await db.$transaction(
    Object.entries(choices).map(([event, choice]) =>
      db.notificationPreference.upsert({
        where: { userId_event: { userId: user.id, event } },
        create: { userId: user.id, event, ...choice },
        update: choice,
      }),
    ),
  );
}
