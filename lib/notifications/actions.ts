"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { decodeInput, guardedAction, parseInput } from "@/lib/auth/guards";
import { markNotificationsRead } from "@/lib/notifications/mutations";
import { savePreferences } from "@/lib/notifications/preferences";
import { preferencesFromForm, preferencesSchema } from "@/lib/notifications/schemas";

const markReadSchema = z.object({ id: z.uuid().optional() });

export const markNotificationsReadAction = guardedAction(
  "inbox.read",
  async (actor, _prev: unknown, formData: FormData) => {
    const { id } = parseInput(markReadSchema, formData);
    await markNotificationsRead(actor, id ? [id] : "all");
    revalidatePath("/", "layout");
    return { ok: true };
  },
);

/** Saves the person's own channel choices (in-app is always on and has no choice). */
export const saveNotificationPreferencesAction = guardedAction(
  "inbox.read",
  async (actor, _prev: unknown, formData: FormData) => {
    const choices = parseInput(preferencesSchema, preferencesFromForm(decodeInput(formData)));
    await savePreferences(actor, choices);
    revalidatePath("/settings/notifications");
    return { ok: true, message: "Saved. New notifications follow these choices." };
  },
);
