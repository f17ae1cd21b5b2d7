import { describe, expect, it } from "vitest";
import {
  dueReminderOffsets,
  effectivePolicy,
  extendedExpiry,
  formatTimeLeft,
  leaseSettingsSchema,
  type LeasePolicyValue,
} from "./rules";

const POLICIES: LeasePolicyValue[] = [
  {
    environment: "dev",
    leased: true,
    defaultTtlDays: 30,
    maxTtlDays: 90,
    reminderOffsetsMinutes: [10080, 1440, 120],
    graceDays: 7,
  },
  {
    environment: "test",
    leased: true,
    defaultTtlDays: 60,
    maxTtlDays: 180,
    reminderOffsetsMinutes: [2880, 120],
    graceDays: 3,
  },
  { environment: "prod", leased: false, defaultTtlDays: 0, maxTtlDays: 0, reminderOffsetsMinutes: [], graceDays: 0 },
];

describe("effectivePolicy", () => {
  it("gives dev and test sets the stricter of their policies and every reminder", () => {
    expect(effectivePolicy(["dev", "test"], POLICIES)).toEqual({
      defaultTtlDays: 30,
      maxTtlDays: 90,
      graceDays: 3,
      reminderOffsetsMinutes: [10080, 2880, 1440, 120],
    });
  });
  it("never leases a set with prod, nor an environment without a policy", () => {
    expect(effectivePolicy(["dev", "test", "prod"], POLICIES)).toBeNull();
    expect(effectivePolicy(["dev"], POLICIES.slice(1))).toBeNull();
  });
});

describe("reminders and extension", () => {
  const expires = new Date("2026-12-10T12:00:00Z");
  it("says which offsets are due", () => {
    expect(dueReminderOffsets([10080, 1440, 120], expires, new Date("2026-12-02T12:00:00Z"))).toEqual([]);
    expect(dueReminderOffsets([10080, 1440, 120], expires, new Date("2026-12-03T12:00:00Z"))).toEqual([10080]);
    expect(dueReminderOffsets([10080, 1440, 120], expires, new Date("2026-12-10T10:30:00Z"))).toEqual([
      10080, 1440, 120,
    ]);
    expect(dueReminderOffsets([10080, 1440, 120], expires, new Date("2026-12-10T12:00:00Z"))).toEqual([]);
  });
  it("extends from the later of now and the expiry", () => {
    expect(extendedExpiry(expires, 2, new Date("2026-12-01T00:00:00Z")).toISOString()).toBe("2026-12-12T12:00:00.000Z");
    expect(extendedExpiry(expires, 1, new Date("2026-12-20T00:00:00Z")).toISOString()).toBe("2026-12-21T00:00:00.000Z");
  });
  it("formats the time left", () => {
    expect(formatTimeLeft(3 * 86400_000 + 4 * 3600_000)).toBe("3 days 4 hours");
    expect(formatTimeLeft(3600_000)).toBe("1 hour");
    expect(formatTimeLeft(0)).toBe("expired");
  });
});

describe("leaseSettingsSchema", () => {
  const form = {
    version: "1.1.1",
    devDefaultTtlDays: "30",
    devMaxTtlDays: "90",
    devReminderHours: "168, 24, 2",
    devGraceDays: "7",
    testDefaultTtlDays: "60",
    testMaxTtlDays: "180",
    testReminderHours: "0.5",
    testGraceDays: "7",
    retentionDays: "14",
  };
  it("reads reminders in hours as minutes, largest first", () => {
    const parsed = leaseSettingsSchema.parse(form);
    expect(parsed.devReminderHours).toEqual([10080, 1440, 120]);
    expect(parsed.testReminderHours).toEqual([30]);
  });
  it("refuses a maximum below the default and a retention beyond Azure's 14 days, field by field", () => {
    const result = leaseSettingsSchema.safeParse({ ...form, devMaxTtlDays: "10", retentionDays: "20" });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["devMaxTtlDays", "retentionDays"]));
  });
});
