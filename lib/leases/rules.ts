/**
 * Lease rules (pure: shared by the settings form, the set page, the API, the CLI and the scheduler).
 *
 * - Only sets whose every environment is leased get a lease: dev and test are, prod never is (a set with prod gets a
 *   periodic access review instead, DOMAIN.md "Day 2"). A dev + test set follows the stricter of the two policies:
 *   the shorter default, maximum and grace period, and every reminder offset of either.
 * - "Within the maximum" means the new expiry is at most `maxTtlDays` from now (env0's maximum TTL, anchors §4): the
 *   owners may keep a sandbox alive in steps, each step bounded; anything later needs the admins (a change request).
 */
import { z } from "zod";
import type { EnvironmentValue } from "@/lib/vocabulary";

export const DAY_MS = 24 * 3600_000;
export const MINUTE_MS = 60_000;

export interface LeasePolicyValue {
  environment: EnvironmentValue;
  leased: boolean;
  defaultTtlDays: number;
  maxTtlDays: number;
  /** Minutes before expiry, largest first. */
  reminderOffsetsMinutes: number[];
  graceDays: number;
}

export type EffectivePolicy = Omit<LeasePolicyValue, "environment" | "leased">;

/** The policy of a set with these environments, or null when it gets no lease (prod, or an environment not leased). */
export function effectivePolicy(
  environments: readonly EnvironmentValue[],
  policies: readonly LeasePolicyValue[],
): EffectivePolicy | null {
  if (environments.length === 0) return null;
  const mine = environments.map((e) => policies.find((p) => p.environment === e));
  if (mine.some((p) => !p || !p.leased || p.environment === "prod")) return null;
  const list = mine as LeasePolicyValue[];
  return {
    defaultTtlDays: Math.min(...list.map((p) => p.defaultTtlDays)),
    maxTtlDays: Math.min(...list.map((p) => p.maxTtlDays)),
    graceDays: Math.min(...list.map((p) => p.graceDays)),
    reminderOffsetsMinutes: [...new Set(list.flatMap((p) => p.reminderOffsetsMinutes))].sort((a, b) => b - a),
  };
}

/** The latest expiry an owner may set themselves at `now`. */
export function maxOwnExpiry(policy: EffectivePolicy, now: Date): Date {
  return new Date(now.getTime() + policy.maxTtlDays * DAY_MS);
}

/** The expiry of a lease extended by `days` from the later of now and its current expiry. */
export function extendedExpiry(currentExpiresAt: Date, days: number, now: Date): Date {
  const from = Math.max(currentExpiresAt.getTime(), now.getTime());
  return new Date(from + days * DAY_MS);
}

/** The reminder offsets due at `now` for a lease expiring at `expiresAt` (each is sent once; the store keeps count). */
export function dueReminderOffsets(offsetsMinutes: readonly number[], expiresAt: Date, now: Date): number[] {
  const left = expiresAt.getTime() - now.getTime();
  if (left <= 0) return [];
  return offsetsMinutes.filter((m) => left <= m * MINUTE_MS);
}

/** "3 days 4 hours", "2 hours 5 minutes", "12 minutes", "expired". */
export function formatTimeLeft(ms: number): string {
  if (ms <= 0) return "expired";
  const minutes = Math.floor(ms / MINUTE_MS);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const unit = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
  if (days > 0) return hours > 0 ? `${unit(days, "day")} ${unit(hours, "hour")}` : unit(days, "day");
  if (hours > 0) return mins > 0 ? `${unit(hours, "hour")} ${unit(mins, "minute")}` : unit(hours, "hour");
  return unit(Math.max(mins, 1), "minute");
}

/** "7 days", "1 day", "2 hours", "30 minutes": a reminder offset as people read it. */
export function formatOffset(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} day${minutes === 1440 ? "" : "s"}`;
  if (minutes % 60 === 0) return `${minutes / 60} hour${minutes === 60 ? "" : "s"}`;
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Shared input schemas

export const EXTEND_MAX_DAYS = 365;

/** Extending a lease: by how many days (from the later of now and the current expiry), and why. */
export const extendLeaseSchema = z.object({
  days: z.coerce
    .number({ error: "Enter the number of days to extend by." })
    .int("Enter a whole number of days.")
    .min(1, "Extend by at least 1 day.")
    .max(EXTEND_MAX_DAYS, `Extend by at most ${EXTEND_MAX_DAYS} days; ask again later for more.`),
  reason: z.preprocess(
    (v) => (typeof v === "string" ? v.trim() || undefined : v),
    z.string().max(500, "Keep the reason under 500 characters.").optional(),
  ),
});
export type ExtendLeaseInput = z.infer<typeof extendLeaseSchema>;

/** What the API answers to an extension. */
export const extendLeaseResultSchema = z.object({
  workspaceSetId: z.uuid(),
  applied: z.boolean(),
  /** The lease's expiry now (applied) or the one asked of the admins (not applied). */
  expiresAt: z.iso.datetime(),
  /** The change request for the admins, when not applied. */
  requestId: z.uuid().nullable(),
});

const days = (what: string, min: number, max: number) =>
  z.coerce
    .number({ error: `Enter the ${what} in days.` })
    .int(`Enter the ${what} as a whole number of days.`)
    .min(min, `The ${what} is at least ${min} day${min === 1 ? "" : "s"}.`)
    .max(max, `The ${what} is at most ${max} days.`);

/** "168, 24, 2" (hours; decimals allowed, e.g. 0.5) → minutes, largest first. */
const reminderHours = z.preprocess(
  (v) =>
    typeof v === "string"
      ? v
          .split(/[\s,;]+/)
          .filter(Boolean)
          .map((s) => Number(s))
      : v,
  z
    .array(
      z
        .number({ error: "List the reminders as hours before expiry, e.g. 168, 24, 2." })
        .refine(Number.isFinite, "List the reminders as hours before expiry, e.g. 168, 24, 2.")
        .min(0.25, "A reminder comes at least 15 minutes (0.25 hours) before expiry.")
        .max(24 * 60, "A reminder comes at most 60 days (1440 hours) before expiry."),
    )
    .max(6, "At most 6 reminders.")
    .transform((hours) => [...new Set(hours.map((h) => Math.round(h * 60)))].sort((a, b) => b - a)),
);

const envPolicy = (prefix: "dev" | "test") => ({
  [`${prefix}DefaultTtlDays`]: days("default time to live", 1, 365),
  [`${prefix}MaxTtlDays`]: days("maximum time to live", 1, 730),
  [`${prefix}ReminderHours`]: reminderHours,
  [`${prefix}GraceDays`]: days("grace period", 0, 60),
});

/** The lease settings section: dev and test policies and the soft-delete retention before purge. */
export const leaseSettingsSchema = z
  .object({
    version: z
      .string({ error: "Reload the page and try again." })
      .regex(/^\d+\.\d+\.\d+$/, "Reload the page and try again."),
    ...(envPolicy("dev") as {
      devDefaultTtlDays: z.ZodNumber;
      devMaxTtlDays: z.ZodNumber;
      devReminderHours: typeof reminderHours;
      devGraceDays: z.ZodNumber;
    }),
    ...(envPolicy("test") as {
      testDefaultTtlDays: z.ZodNumber;
      testMaxTtlDays: z.ZodNumber;
      testReminderHours: typeof reminderHours;
      testGraceDays: z.ZodNumber;
    }),
    retentionDays: days("retention before purge", 1, 14),
  })
  .superRefine((v, ctx) => {
    for (const p of ["dev", "test"] as const) {
      if (v[`${p}MaxTtlDays`] < v[`${p}DefaultTtlDays`])
        ctx.addIssue({
          code: "custom",
          path: [`${p}MaxTtlDays`],
          message: "The maximum must be at least the default time to live.",
        });
      const ttlMinutes = v[`${p}DefaultTtlDays`] * 1440;
      if (v[`${p}ReminderHours`].some((m) => m >= ttlMinutes))
        ctx.addIssue({
          code: "custom",
          path: [`${p}ReminderHours`],
          message: "Every reminder must come after the lease starts: keep them shorter than the default time to live.",
        });
    }
  });
export type LeaseSettingsInput = z.infer<typeof leaseSettingsSchema>;
