import "server-only";
import { recordAuditEvent } from "@/lib/audit/record-event";
import type { SessionUser } from "@/lib/auth/session";
import { db, type Db, type Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { fromDbEnvironment } from "@/lib/requests/schemas";
import type { LeasePolicyValue, LeaseSettingsInput } from "./rules";

type Client = Db | Tx;

export interface LeaseSettingsSnapshot {
  /** `${dev}.${test}.${retention}` row versions: the form sends it back and a stale form is refused. */
  version: string;
  policies: LeasePolicyValue[];
  retentionDays: number;
}

const STALE = "Someone changed the lease settings since you opened them. Reload to see their changes, then edit again.";

export async function loadLeasePolicies(client: Client = db): Promise<LeasePolicyValue[]> {
  const rows = await client.leasePolicy.findMany({ orderBy: { environment: "asc" } });
  return rows.map((r) => ({
    environment: fromDbEnvironment(r.environment),
    leased: r.leased && r.environment !== "PROD",
    defaultTtlDays: r.defaultTtlDays,
    maxTtlDays: r.maxTtlDays,
    reminderOffsetsMinutes: [...r.reminderOffsetsMinutes].sort((a, b) => b - a),
    graceDays: r.graceDays,
  }));
}

export async function loadRetentionDays(client: Client = db): Promise<number> {
  const row = await client.retirementSettings.findUnique({ where: { id: 1 } });
  return row?.retentionDays ?? 14;
}

export async function loadLeaseSettings(client: Client = db): Promise<LeaseSettingsSnapshot> {
  const [rows, retention] = await Promise.all([
    client.leasePolicy.findMany({ where: { environment: { in: ["DEV", "TEST"] } } }),
    client.retirementSettings.findUnique({ where: { id: 1 } }),
  ]);
  const v = (env: "DEV" | "TEST") => rows.find((r) => r.environment === env)?.version ?? 0;
  return {
    version: `${v("DEV")}.${v("TEST")}.${retention?.version ?? 0}`,
    policies: await loadLeasePolicies(client),
    retentionDays: retention?.retentionDays ?? 14,
  };
}

/** For the admin settings page (the page guard checked settings.update). */
export async function getLeaseSettingsForAdmin(admin: Pick<SessionUser, "id">): Promise<LeaseSettingsSnapshot> {
  void admin;
  return loadLeaseSettings();
}

/**
 * Saves the dev and test lease policies and the retention, each row conditionally on the version the admin edited,
 * with one audit event holding the diff. Existing leases keep their expiry: a policy applies to leases created and
 * extensions asked for after it changed.
 */
export async function updateLeaseSettings(
  actor: Pick<SessionUser, "id">,
  input: LeaseSettingsInput,
  correlationId: string,
): Promise<{ changed: string[] }> {
  return db.$transaction(async (tx) => {
    const current = await loadLeaseSettings(tx);
    if (current.version !== input.version) throw new AppError("CONFLICT", STALE);
    const [devVersion, testVersion, retentionVersion] = input.version.split(".").map(Number);
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    const envs = [
      ["DEV", "dev", devVersion],
      ["TEST", "test", testVersion],
    ] as const;
    for (const [dbEnv, key, version] of envs) {
      const was = current.policies.find((p) => p.environment === key);
      const next = {
        defaultTtlDays: input[`${key}DefaultTtlDays`],
        maxTtlDays: input[`${key}MaxTtlDays`],
        reminderOffsetsMinutes: input[`${key}ReminderHours`],
        graceDays: input[`${key}GraceDays`],
      };
      const old = was
        ? {
            defaultTtlDays: was.defaultTtlDays,
            maxTtlDays: was.maxTtlDays,
            reminderOffsetsMinutes: was.reminderOffsetsMinutes,
            graceDays: was.graceDays,
          }
        : null;
      if (JSON.stringify(old) === JSON.stringify(next)) continue;
      const { count } = await tx.leasePolicy.updateMany({
        where: { environment: dbEnv, version },
        data: { ...next, updatedById: actor.id, version: { increment: 1 } },
      });
      if (count !== 1) throw new AppError("CONFLICT", STALE);
      before[key] = old;
      after[key] = next;
    }
    if (input.retentionDays !== current.retentionDays) {
      const { count } = await tx.retirementSettings.updateMany({
        where: { id: 1, version: retentionVersion },
        data: { retentionDays: input.retentionDays, updatedById: actor.id, version: { increment: 1 } },
      });
      if (count !== 1) throw new AppError("CONFLICT", STALE);
      before.retentionDays = current.retentionDays;
      after.retentionDays = input.retentionDays;
    }
    const changed = Object.keys(after);
    if (changed.length > 0)
      await recordAuditEvent(tx, {
        actor: { kind: "user", id: actor.id },
        action: "lease_settings.updated",
        entityType: "settings",
        entityId: "leases",
        before,
        after,
        correlationId,
      });
    return { changed };
  });
}
