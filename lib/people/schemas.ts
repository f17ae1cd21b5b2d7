import { z } from "zod";
import { PORTAL_ROLES } from "@/lib/auth/permissions";

export const updateRolesSchema = z.object({
  userId: z.string().min(1).max(100),
  roles: z.array(z.enum(PORTAL_ROLES, { error: "Unknown portal role." })).max(PORTAL_ROLES.length),
});
export type UpdateRolesInput = z.infer<typeof updateRolesSchema>;

export const setDisabledSchema = z.object({
  userId: z.string().min(1).max(100),
  disabled: z.boolean(),
});
export type SetDisabledInput = z.infer<typeof setDisabledSchema>;
