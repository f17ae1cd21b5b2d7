"use server";
import { revalidatePath } from "next/cache";
import { guardedAction, parseInput } from "@/lib/auth/guards";
import { getCorrelationId } from "@/lib/correlation";
import { setPersonDisabled, updateUserRoles } from "@/lib/people/mutations";
import { setDisabledSchema, updateRolesSchema } from "@/lib/people/schemas";

export const updateUserRolesAction = guardedAction(
  "users.manage",
  async (actor, userId: string, _prev: unknown, formData: FormData) => {
    const input = parseInput(updateRolesSchema, formData, { userId });
    await updateUserRoles(actor, input, await getCorrelationId());
    revalidatePath("/admin/people");
    return { ok: true, message: "Roles saved." };
  },
);

export const setPersonDisabledAction = guardedAction(
  "users.manage",
  async (actor, userId: string, _prev: unknown, formData: FormData) => {
    const input = parseInput(setDisabledSchema, formData, { userId });
    await setPersonDisabled(actor, input, await getCorrelationId());
    revalidatePath("/admin/people");
    return { ok: true, message: input.disabled ? "Disabled; their sessions have ended." : "Enabled." };
  },
);
