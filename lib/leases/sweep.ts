/**
 * The lease scheduler's pass (a pg-boss cron job every minute, worker.ts; tests call it with their own clock). Safe
 * with several workers sweeping at once — every lease is acted on by exactly one of them:
 * - reminders: one row per (lease, offset, expiry) inserted with ON CONFLICT DO NOTHING in the transaction that
 *   notifies; the worker whose insert lands sends it, the others see it sent;
 * - expiry: a lease is claimed by one conditional UPDATE … FROM (SELECT … FOR UPDATE SKIP LOCKED) that moves it
 *   ACTIVE → EXPIRING; only the claimant stops compute and moves it EXPIRING → EXPIRED (conditional on its claim).
 *   A claim older than CLAIM_STALE_MS (its worker died) is taken over; stopping is idempotent;
 * - decommission after the grace period: EXPIRED → DECOMMISSIONING by the same kind of claim, then one decommission
 *   change request (a crash in between is retried: an open decommission of the set is found, not made twice);
 * - approved extensions beyond the maximum: applied by a conditional update on the extension row (appliedAt null).
 */
import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { recordAuditEvent } from "@/lib/audit/record-event";
import type { ClientFactory } from "@/lib/azure/clients";
import { stopWorkspaceCompute } from "@/lib/azure/compute-power";
import { db } from "@/lib/db/client";
import { notifyUsers } from "@/lib/notifications/notify";
import { ensureLease, LEASE_SYSTEM, policyOfSet, setOwners } from "./leases";
import { DAY_MS, dueReminderOffsets, formatOffset, formatTimeLeft } from "./rules";

export const CLAIM_STALE_MS = 10 * 60_000;

export interface SweepOptions {
  now?: Date;
  factory: ClientFactory;
  signal?: AbortSignal;
  pollIntervalMs?: number;
  log?: (message: string) => void;
  /** Starts the decommission of a set whose grace period is over (lib/decommission); returns the change request id. */
  decommission?: (setId: string, correlationId: string) => Promise<string>;
  /** Restores cluster scale settings after an approved extension revived an expired lease. */
  resume?: (setId: string) => Promise<void>;
}

export interface SweepOutcome {
  leasesCreated: number;
  remindersSent: number;
  expired: string[];
  decommissionsStarted: string[];
  extensionsApplied: number;
  failures: { setId: string; error: string }[];
}

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function sweepLeases(options: SweepOptions): Promise<SweepOutcome> {
  const now = options.now ?? new Date();
  const out: SweepOutcome = {
    leasesCreated: 0,
    remindersSent: 0,
    expired: [],
    decommissionsStarted: [],
    extensionsApplied: 0,
    failures: [],
  };
  out.leasesCreated = await createMissingLeases(now);
  out.extensionsApplied = await applyApprovedExtensions(now, options);
  out.remindersSent = await sendReminders(now);
  for (const claim of await claimExpired(now)) {
    try {
      await expireLease(claim, now, options);
      out.expired.push(claim.setId);
    } catch (err) {
      out.failures.push({ setId: claim.setId, error: message(err) });
      options.log?.(
        `lease of set ${claim.setId}: stopping compute failed (retried after ${CLAIM_STALE_MS / 60_000} min): ${message(err)}`,
      );
    }
  }
  if (options.decommission) {
    for (const claim of await claimGraceOver(now)) {
      try {
        const requestId = await options.decommission(claim.setId, `lease:${claim.leaseId}`);
        await db.lease.updateMany({
          where: { id: claim.leaseId, status: "DECOMMISSIONING" },
          data: { decommissionRequestId: requestId },
        });
        out.decommissionsStarted.push(claim.setId);
      } catch (err) {
        out.failures.push({ setId: claim.setId, error: message(err) });
        options.log?.(`lease of set ${claim.setId}: starting the decommission failed: ${message(err)}`);
      }
    }
  }
  return out;
}

/** Dev/test sets provisioned before leases existed, or whose creation did not create one. */
async function createMissingLeases(now: Date): Promise<number> {
  const sets = await db.$queryRaw<{ id: string }[]>`
    SELECT s.id FROM workspace_sets s
    WHERE s.status IN ('ACTIVE', 'CHANGING') AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.workspace_set_id = s.id)
      AND NOT EXISTS (SELECT 1 FROM set_retirements r WHERE r.workspace_set_id = s.id)
    LIMIT 200`;
  let created = 0;
  for (const s of sets) {
    const before = await db.lease.count({ where: { workspaceSetId: s.id } });
    const lease = await ensureLease(s.id, db, now);
    if (lease && before === 0) created++;
  }
  return created;
}

async function sendReminders(now: Date): Promise<number> {
  const leases = await db.lease.findMany({
    where: { status: "ACTIVE", expiresAt: { gt: now, lte: new Date(now.getTime() + 60 * DAY_MS) } },
    select: { id: true, workspaceSetId: true, expiresAt: true },
  });
  let sent = 0;
  for (const lease of leases) {
    const policy = await policyOfSet(db, lease.workspaceSetId);
    if (!policy) continue;
    const due = dueReminderOffsets(policy.reminderOffsetsMinutes, lease.expiresAt, now);
    if (due.length === 0) continue;
    const sentNow = await db.$transaction(async (tx) => {
      // Every due offset is recorded; when several fall due together (a late sweep), one message says the time left.
      const inserted = await tx.leaseReminder.createManyAndReturn({
        data: due.map((offsetMinutes) => ({ leaseId: lease.id, offsetMinutes, expiresAt: lease.expiresAt })),
        skipDuplicates: true,
        select: { offsetMinutes: true },
      });
      if (inserted.length === 0) return 0;
      const set = await tx.workspaceSet.findUniqueOrThrow({
        where: { id: lease.workspaceSetId },
        select: { scopeSlug: true, originRequestId: true },
      });
      const offsets = inserted.map((r) => r.offsetMinutes).sort((a, b) => a - b);
      await recordAuditEvent(tx, {
        actor: LEASE_SYSTEM,
        action: "lease.reminded",
        entityType: "workspace_set",
        entityId: lease.workspaceSetId,
        requestId: set.originRequestId,
        after: { expiresAt: lease.expiresAt.toISOString(), offsetsMinutes: offsets },
        correlationId: `lease:${lease.id}`,
      });
      await notifyUsers(tx, await setOwners(tx, lease.workspaceSetId), {
        kind: "lease.reminder",
        title: `Lease of ${set.scopeSlug} ends in ${formatTimeLeft(lease.expiresAt.getTime() - now.getTime())}`,
        body:
          `The lease of workspace set ${set.scopeSlug} ends on ${utc(lease.expiresAt)} (reminder ${formatOffset(offsets[0])} before). ` +
          `Then its compute is stopped and, after ${policy.graceDays} day(s), the set is decommissioned. ` +
          `Extend it on the workspace set's page, with \`atrium workspace extend <id> --days N\` or the API.`,
        requestId: set.originRequestId,
      });
      return 1;
    });
    sent += sentNow;
  }
  return sent;
}

type Claim = { leaseId: string; setId: string; version: number; claimedAt: Date };

/** ACTIVE leases past their expiry (and stale EXPIRING claims) → EXPIRING, each by exactly one caller. */
async function claimExpired(now: Date): Promise<Claim[]> {
  const stale = new Date(now.getTime() - CLAIM_STALE_MS);
  const rows = await db.$queryRaw<{ id: string; workspace_set_id: string; version: number; claimed_at: Date }[]>`
    UPDATE leases l SET status = 'EXPIRING', claimed_at = ${now}, version = l.version + 1, updated_at = now()
    FROM (
      SELECT id FROM leases
      WHERE (status = 'ACTIVE' AND expires_at <= ${now}) OR (status = 'EXPIRING' AND claimed_at < ${stale})
      ORDER BY expires_at
      LIMIT 50
      FOR UPDATE SKIP LOCKED
    ) due
    WHERE l.id = due.id
    RETURNING l.id, l.workspace_set_id, l.version, l.claimed_at`;
  return rows.map((r) => ({ leaseId: r.id, setId: r.workspace_set_id, version: r.version, claimedAt: r.claimed_at }));
}

async function expireLease(claim: Claim, now: Date, options: SweepOptions) {
  const workspaces = await db.workspace.findMany({
    where: { workspaceSetId: claim.setId, status: "ACTIVE" },
    select: { armId: true },
  });
  const stopped = await stopWorkspaceCompute(options.factory, workspaces, {
    signal: options.signal,
    pollIntervalMs: options.pollIntervalMs,
  });
  const policy = await policyOfSet(db, claim.setId);
  const graceDays = policy?.graceDays ?? 0;
  const decommissionAfter = new Date(now.getTime() + graceDays * DAY_MS);
  await db.$transaction(async (tx) => {
    const { count } = await tx.lease.updateMany({
      where: { id: claim.leaseId, status: "EXPIRING", version: claim.version },
      data: { status: "EXPIRED", stoppedAt: now, decommissionAfter, claimedAt: null, version: { increment: 1 } },
    });
    if (count !== 1) return; // someone took over a claim they thought stale, or the lease was extended meanwhile
    // The set's own status stays as it is: an expired set must still take changes (an extension beyond the maximum,
    // its decommission), and the lease row says it expired.
    const set = await tx.workspaceSet.findUniqueOrThrow({
      where: { id: claim.setId },
      select: { scopeSlug: true, originRequestId: true },
    });
    await recordAuditEvent(tx, {
      actor: LEASE_SYSTEM,
      action: "lease.expired",
      entityType: "workspace_set",
      entityId: claim.setId,
      requestId: set.originRequestId,
      before: { status: "ACTIVE" },
      after: { status: "EXPIRED", decommissionAfter: decommissionAfter.toISOString(), ...stopped },
      correlationId: `lease:${claim.leaseId}`,
    });
    await notifyUsers(tx, await setOwners(tx, claim.setId), {
      kind: "lease.expired",
      title: `Lease of ${set.scopeSlug} ended: compute stopped`,
      body:
        `The lease of workspace set ${set.scopeSlug} ended. Compute instances were stopped (${stopped.stoppedInstances.length}) ` +
        `and clusters scaled to 0 nodes (${stopped.scaledDownClusters.length}). The set is decommissioned on ${utc(decommissionAfter)} ` +
        `unless you extend its lease before then.`,
      requestId: set.originRequestId,
    });
  });
}

/** EXPIRED leases whose grace period is over (and decommission claims that never got their request) → DECOMMISSIONING. */
async function claimGraceOver(now: Date): Promise<Claim[]> {
  const stale = new Date(now.getTime() - CLAIM_STALE_MS);
  const rows = await db.$queryRaw<{ id: string; workspace_set_id: string; version: number; claimed_at: Date }[]>`
    UPDATE leases l SET status = 'DECOMMISSIONING', claimed_at = ${now}, version = l.version + 1, updated_at = now()
    FROM (
      SELECT id FROM leases
      WHERE (status = 'EXPIRED' AND decommission_after <= ${now})
         OR (status = 'DECOMMISSIONING' AND decommission_request_id IS NULL AND claimed_at < ${stale})
      ORDER BY decommission_after
      LIMIT 20
      FOR UPDATE SKIP LOCKED
    ) due
    WHERE l.id = due.id
    RETURNING l.id, l.workspace_set_id, l.version, l.claimed_at`;
  return rows.map((r) => ({ leaseId: r.id, setId: r.workspace_set_id, version: r.version, claimedAt: r.claimed_at }));
}

/** Extensions beyond the maximum that the admins approved: the lease takes the requested expiry (once). */
async function applyApprovedExtensions(now: Date, options: SweepOptions): Promise<number> {
  const approved = await db.$queryRaw<{ request_id: string; lease_id: string }[]>(Prisma.sql`
    SELECT e.request_id, e.lease_id FROM lease_extensions e JOIN workspace_requests r ON r.id = e.request_id
    WHERE e.applied_at IS NULL AND r.status IN ('APPROVED', 'STAKEHOLDER_APPROVED', 'PROVISIONING', 'PROVISIONED')`);
  let applied = 0;
  for (const row of approved) {
    const outcome = await db.$transaction(async (tx) => {
      const { count } = await tx.leaseExtension.updateMany({
        where: { requestId: row.request_id, appliedAt: null },
        data: { appliedAt: now },
      });
      if (count !== 1) return { applied: false as const }; // another worker applied it
      const ext = await tx.leaseExtension.findUniqueOrThrow({ where: { requestId: row.request_id } });
      const lease = await tx.lease.findUniqueOrThrow({ where: { id: row.lease_id } });
      if (lease.status !== "ACTIVE" && lease.status !== "EXPIRED") return { applied: false as const }; // decommissioned meanwhile
      await tx.lease.update({
        where: { id: lease.id },
        data: {
          expiresAt: ext.requestedExpiresAt,
          status: "ACTIVE",
          stoppedAt: null,
          decommissionAfter: null,
          claimedAt: null,
          version: { increment: 1 },
        },
      });
      if (lease.status === "EXPIRED")
        await tx.workspaceSet.updateMany({
          where: { id: lease.workspaceSetId, status: "EXPIRED" },
          data: { status: "ACTIVE" },
        });
      await recordAuditEvent(tx, {
        actor: LEASE_SYSTEM,
        action: "lease.extended",
        entityType: "workspace_set",
        entityId: lease.workspaceSetId,
        requestId: row.request_id,
        before: { expiresAt: lease.expiresAt.toISOString(), status: lease.status },
        after: { expiresAt: ext.requestedExpiresAt.toISOString(), status: "ACTIVE", approvedChange: row.request_id },
        correlationId: `lease:${lease.id}`,
      });
      await notifyUsers(tx, await setOwners(tx, lease.workspaceSetId), {
        kind: "lease.extended",
        title: "Lease extension approved",
        body: `The admins approved the extension: the lease now ends on ${utc(ext.requestedExpiresAt)}.`,
        requestId: row.request_id,
      });
      return { applied: true as const, revived: lease.status === "EXPIRED" ? lease.workspaceSetId : null };
    });
    if (!outcome.applied) continue;
    applied++;
    if (outcome.revived && options.resume) await options.resume(outcome.revived);
  }
  return applied;
}
