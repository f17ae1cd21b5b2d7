// The re-run form (pure: shared by the form and the server action).
import { z } from "zod";

export const rerunChecksSchema = z.object({
  requestId: z.uuid({ error: "Unknown request." }),
});
export type RerunChecksInput = z.infer<typeof rerunChecksSchema>;
