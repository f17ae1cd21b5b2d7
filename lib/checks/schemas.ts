// The re-run form (pure: shared by the form and the server action).
import { z } from "zod";

export const rerunChecksSchema = z.object({
  requestId: z.uuid({ error: "Unknown request." }),
});
export type RerunChecksInput = z.infer<typeof rerunChecksSchema>;

/** A simulated Azure Policy rule, as the Simulated Azure page adds it. */
export const simulatedPolicyRuleSchema = z
  .object({
    id: z
      .string({ error: "Give the rule a name." })
      .trim()
      .regex(/^[A-Za-z0-9-]{1,64}$/, "Use 1–64 letters, digits or hyphens, e.g. deny-public-prod."),
    displayName: z.string().trim().max(120, "At most 120 characters.").optional(),
    kind: z.enum(["denyPublicNetworkAccess", "allowedLocations"], { error: "Choose what the rule restricts." }),
    effect: z.enum(["Deny", "Audit"], { error: "Choose Deny or Audit." }),
    environments: z.array(z.enum(["dev", "test", "prod"])).optional(),
    locations: z
      .string()
      .trim()
      .max(500)
      .optional()
      .transform((v) =>
        (v ?? "")
          .split(/[,\s]+/)
          .map((s) => s.toLowerCase())
          .filter(Boolean),
      ),
  })
  .refine((r) => r.kind !== "allowedLocations" || r.locations.length > 0, {
    path: ["locations"],
    message: "List at least one allowed region, e.g. westeurope, northeurope.",
  });

export const removePolicyRuleSchema = z.object({ id: z.string().trim().min(1, "Which rule?").max(64) });

/** One Azure ML quota limit of the simulator: by usage name, for all regions or one. */
export const simulatedQuotaSchema = z.object({
  usage: z
    .string({ error: "Give the usage name." })
    .trim()
    .min(3, "Give the usage name, e.g. Standard NCSv3 Family Cluster Dedicated vCPUs.")
    .max(120),
  region: z
    .string()
    .trim()
    .max(40)
    .regex(/^[a-z0-9]*$/, "A region name like westeurope, or empty for every region.")
    .optional(),
  limit: z.coerce
    .number({ error: "Give the limit as a whole number." })
    .int("Give the limit as a whole number.")
    .min(0, "A limit is 0 or more.")
    .max(1_000_000, "At most 1,000,000."),
});
