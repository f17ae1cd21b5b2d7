"use server";
import { revalidatePath } from "next/cache";
import { guardedAction, parseInput } from "@/lib/auth/guards";
import { getCorrelationId } from "@/lib/correlation";
import { updateSettings } from "./mutations";
import { settingsSchema } from "./schemas";

export const updateSettingsAction = guardedAction(
  "settings.update",
  async (actor, _prev: unknown, formData: FormData) => {
    const input = parseInput(settingsSchema, formData);
    const result = await updateSettings(actor, input, await getCorrelationId());
    revalidatePath("/admin/settings");
    revalidatePath("/approvals");
    if (result.changed.length === 0) return { ok: true, message: "Nothing changed." };
    const voided = result.requests?.voided ?? 0;
    const replanned = (result.requests?.updated ?? 0) + voided;
    return {
      ok: true,
      message: `Settings saved (${result.changed.join(", ")}).${replanned ? ` ${replanned} waiting request(s) were re-planned${voided ? `; approvals of ${voided} were voided` : ""}.` : ""}`,
    };
  },
);
