import { z } from "zod";
import { PORTAL_ROLES } from "@/lib/auth/permissions";
import { textProblem } from "@/lib/validation/text";

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

/** The people picker's query (`GET /people/search?q=`): part of a name or an e-mail. */
export const peopleSearchSchema = z.object({
  q: z.preprocess(
    (v) => (typeof v === "string" ? v.trim() : v),
    z
      .string({ error: "Type part of a name or an e-mail address." })
      .min(2, "Type at least two characters of a name or an e-mail address.")
      .max(100, "Search with at most 100 characters.")
      .refine((s) => !textProblem(s), "Remove the control characters from the search."),
  ),
});
export type PeopleSearchInput = z.infer<typeof peopleSearchSchema>;
