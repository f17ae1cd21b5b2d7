// Endpoint forms (pure: shared by the admin form and the server actions).
import { z } from "zod";
import { NOTIFICATION_KINDS } from "@/lib/notifications/events";
import { freeTextSchema } from "@/lib/validation/text";

const trimmed = (v: unknown) => (typeof v === "string" ? v.trim() : v);
/** A checkbox group posts nothing, one string or a list. */
const toArray = (v: unknown) => (v === undefined || v === null || v === "" ? [] : Array.isArray(v) ? v : [v]);
const emptyToNull = (v: unknown) => (v === "" || v === undefined ? null : v);

export const endpointSchema = z.object({
  kind: z.enum(["WEBHOOK", "TEAMS"], { error: "Choose a webhook or a Teams channel." }),
  name: freeTextSchema({
    min: 2,
    max: 80,
    required: "Name the endpoint.",
    tooShort: "Name the endpoint in at least 2 characters.",
    tooLong: "A name has at most 80 characters.",
  }),
  teamId: z.preprocess(emptyToNull, z.uuid({ error: "Unknown team." }).nullable()),
  // Admin-set targets are posted to by the server: only http(s), never file:, ftp:, data: or javascript:.
  url: z.preprocess(
    trimmed,
    z
      .url({ protocol: /^https?$/, error: "Enter an http:// or https:// URL." })
      .max(2000, "A URL has at most 2,000 characters."),
  ),
  events: z.preprocess(
    toArray,
    z.array(z.enum(NOTIFICATION_KINDS as [string, ...string[]], { error: "Unknown event." })),
  ),
});
export type EndpointInput = z.infer<typeof endpointSchema>;

export const endpointIdSchema = z.object({ id: z.uuid({ error: "Unknown endpoint." }) });
export const deliveryIdSchema = z.object({ id: z.uuid({ error: "Unknown delivery." }) });
export const enabledSchema = endpointIdSchema.extend({
  enabled: z.enum(["true", "false"]).transform((v) => v === "true"),
});

/** What creating an endpoint returns to the admin's form: a webhook's signing secret, this once. */
export type CreatedEndpointState = {
  ok: boolean;
  message?: string;
  secret?: string;
  fieldErrors?: Record<string, string[] | undefined>;
};
