// Decision forms (pure: shared by the forms and the server actions).
import { z } from "zod";
import { freeTextSchema } from "@/lib/validation/text";

export const decisionSchema = z.object({
  requestId: z.uuid({ error: "Unknown request." }),
  version: z.coerce.number({ error: "Reload the page and try again." }).int().min(1),
  planHash: z
    .string({ error: "Reload the page and try again." })
    .regex(/^sha256:[0-9a-f]{64}$/, "Reload the page and try again."),
});

export const approveSchema = decisionSchema.extend({
  // The pre-approval checks' warnings, acknowledged (a checkbox: "on"; the API: true).
  acknowledgeWarnings: z
    .union([z.literal("on"), z.literal("true"), z.boolean()])
    .optional()
    .transform((v) => v === true || v === "on" || v === "true"),
  comment: freeTextSchema({
    min: 0,
    max: 1000,
    required: "Write the comment as text.",
    tooLong: "A comment has at most 1,000 characters.",
  }).optional(),
});

export const rejectSchema = decisionSchema.extend({
  reason: freeTextSchema({
    min: 10,
    max: 2000,
    required: "Give the reason for the rejection; the requester will read it.",
    tooShort: "Give the reason in at least 10 characters; the requester will read it.",
    tooLong: "A reason has at most 2,000 characters.",
  }),
});
