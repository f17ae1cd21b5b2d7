"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { guardedAction, parseInput } from "@/lib/auth/guards";
import { markNotificationsRead } from "@/lib/notifications/mutations";

const markReadSchema = z.object({ id: z.uuid().optional() });

export const markNotificationsReadAction = guardedAction(
  "inbox.read",
  async (actor, _prev: unknown, formData: FormData) => {
    const { id } = parseInput(markReadSchema, { id: formData.get("id") ?? undefined });
    await markNotificationsRead(actor, id ? [id] : "all");
    revalidatePath("/", "layout");
    return { ok: true };
  },
);
