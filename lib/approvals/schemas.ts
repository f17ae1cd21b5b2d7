// Decision forms (pure: shared by the forms and the server actions).
import { z } from "zod";

const trimmed = (v: unknown) => (typeof v === "string" ? v.trim() : v);

export const decisionSchema = z.object({
  requestId: z.uuid({ error: "Unknown request." }),
  version: z.coerce.number({ error: "Reload the page and try again." }).int().min(1),
  planHash: z
    .string({ error: "Reload the page and try again." })
    .regex(/^sha256:[0-9a-f]{64}$/, "Reload the page and try again."),
});

export const approveSchema = decisionSchema.extend({
  comment: z.preprocess(trimmed, z.string().max(1000, "A comment has at most 1,000 characters.").optional()),
});

export const rejectSchema = decisionSchema.extend({
  reason: z.preprocess(
    trimmed,
    z
      .string({ error: "Give the reason for the rejection; the requester will read it." })
      .min(10, "Give the reason in at least 10 characters; the requester will read it.")
      .max(2000, "A reason has at most 2,000 characters."),
  ),
});
