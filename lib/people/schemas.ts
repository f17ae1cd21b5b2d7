import { z } from "zod";
import { PORTAL_ROLES } from "@/lib/auth/permissions";

/** A checkbox group posts nothing, one string or a list. */
const toArray = (v: unknown) => (v === undefined || v === null || v === "" ? [] : Array.isArray(v) ? v : [v]);

export const updateRolesSchema = z.object({
  userId: z.string().min(1).max(100),
  roles: z.preprocess(
    toArray,
    z.array(z.enum(PORTAL_ROLES, { error: "Unknown portal role." })).max(PORTAL_ROLES.length),
  ),
});
export type UpdateRolesInput = z.infer<typeof updateRolesSchema>;

export const setDisabledSchema = z.object({
  userId: z.string().min(1).max(100),
  // The toggle posts the state it asks for; anything but "true" keeps (or makes) the person enabled.
  disabled: z.preprocess((v) => v === true || v === "true", z.boolean()),
});
export type SetDisabledInput = z.infer<typeof setDisabledSchema>;
