/**
 * Leases of dev and test workspace sets: created with the set (or lazily by the scheduler), shown with their time
 * left, extended by their owners within the maximum at once (audited) and beyond it through a change request that the
 * admins approve (applied by the scheduler once approved). The expiry itself is the scheduler's (sweep.ts).
 */
import "server-only";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-event";
import type { SessionUser } from "@/lib/auth/session";
import { mayChangeSet } from "@/lib/changes/access";
import type { SetDocument } from "@/lib/changes/document";
import { loadWorkspaceSet } from "@/lib/changes/sets";
import { db, type Db, type Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { notifyUsers } from "@/lib/notifications/notify";
import { changePlanHash as changePlanHashOf } from "@/lib/plan/change-plan";
import type { LeaseStatus } from "@/generated/prisma/enums";
import { loadLeasePolicies } from "./policy";
import {
  DAY_MS,
  effectivePolicy,
  extendedExpiry,
  formatTimeLeft,
  maxOwnExpiry,
  MINUTE_MS,
  type EffectivePolicy,
  type ExtendLeaseInput,
} from "./rules";

type Client = Db | Tx;

export const LEASE_SYSTEM: Actor = { kind: "system", name: "leases" };

function inTransaction<T>(client: Client, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return "$transaction" in client ? (client as Db).$transaction(fn, { timeout: 20_000, maxWait: 10_000 }) : fn(client);
}

/** The owners of a set: the requester of its origin request and the people its desired state names. */
export async function setOwners(client: Client, setId: string): Promise<string[]> {
  const set = await client.workspaceSet.findUnique({
    where: { id: setId },
    select: { originRequestId: true, desiredState: true },
  });
  if (!set) return [];
  const origin = await client.workspaceRequest.findUnique({
    where: { id: set.originRequestId },
    select: { requesterId: true },
  });
  const doc = set.desiredState as unknown as SetDocument;
  return [...new Set([...(origin ? [origin.requesterId] : []), ...doc.members.map((m) => m.userId)])];
}

/** The effective lease policy of a set (null: it gets no lease — prod, or an environment not leased). */
export async function policyOfSet(client: Client, setId: string): Promise<EffectivePolicy | null> {
  const set = await client.workspaceSet.findUnique({ where: { id: setId }, select: { desiredState: true } });
  if (!set) return null;
  const doc = set.desiredState as unknown as SetDocument;
  return effectivePolicy(doc.environments, await loadLeasePolicies(client));
}

/**
 * The lease of a dev/test set, created when it has none: expiry = the set's creation + the default time to live, but
 * never so soon that a reminder would be skipped (a set that existed before leases gets every reminder). Idempotent
 * (unique per set): concurrent callers get the same lease. Returns null for a set that gets no lease.
 */
export async function ensureLease(
  setId: string,
  client: Client = db,
  now: Date = new Date(),
): Promise<{ id: string; expiresAt: Date } | null> {
  const existing = await client.lease.findUnique({
    where: { workspaceSetId: setId },
    select: { id: true, expiresAt: true },
  });
  if (existing) return existing;
  const set = await client.workspaceSet.findUnique({
    where: { id: setId },
    select: { createdAt: true, status: true, originRequestId: true, desiredState: true },
  });
  if (!set || set.status === "SOFT_DELETED" || set.status === "PURGED") return null;
  const policy = effectivePolicy(
    (set.desiredState as unknown as SetDocument).environments,
    await loadLeasePolicies(client),
  );
  if (!policy) return null;
  const byPolicy = set.createdAt.getTime() + policy.defaultTtlDays * DAY_MS;
  const firstReminder = policy.reminderOffsetsMinutes[0] ?? 0;
  const expiresAt = new Date(Math.max(byPolicy, now.getTime() + firstReminder * MINUTE_MS + MINUTE_MS));
  return inTransaction(client, async (tx) => {
    const created = await tx.lease.createManyAndReturn({
      data: [{ workspaceSetId: setId, expiresAt }],
      skipDuplicates: true,
      select: { id: true, expiresAt: true },
    });
    if (created.length === 0)
      return tx.lease.findUniqueOrThrow({ where: { workspaceSetId: setId }, select: { id: true, expiresAt: true } });
    await recordAuditEvent(tx, {
      actor: LEASE_SYSTEM,
      action: "lease.created",
      entityType: "workspace_set",
      entityId: setId,
      requestId: set.originRequestId,
      after: { expiresAt: expiresAt.toISOString(), policy },
      correlationId: setId,
    });
    return created[0];
  });
}

export interface LeaseView {
  setId: string;
  status: LeaseStatus;
  version: number;
  expiresAt: Date;
  timeLeftMs: number;
  timeLeft: string;
  /** Once expired: when the set is decommissioned unless the lease is extended. */
  decommissionAfter: Date | null;
  policy: EffectivePolicy;
  /** The latest expiry the owners may set themselves now. */
  maxOwnExpiry: Date;
  pendingExtension: { requestId: string; requestedExpiresAt: Date } | null;
  /** Whether this viewer may extend (an owner of the set or an admin) and the lease can still be extended. */
  mayExtend: boolean;
}

/** The lease of a set as the viewer may see it; null when the set has no lease or the viewer may not see the set. */
export async function loadLease(
  viewer: Pick<SessionUser, "id" | "roles" | "teamIds">,
  setId: string,
  now: Date = new Date(),
): Promise<LeaseView | null> {
  const set = await loadWorkspaceSet(viewer, setId);
  if (!set) return null;
  // A set provisioned a moment ago gets its lease here rather than on the scheduler's next tick.
  if (set.status === "ACTIVE" || set.status === "CHANGING") await ensureLease(setId, db, now);
  const [lease, policy] = await Promise.all([
    db.lease.findUnique({
      where: { workspaceSetId: setId },
      include: { extensions: { where: { appliedAt: null }, orderBy: { createdAt: "desc" }, take: 1 } },
    }),
    policyOfSet(db, setId),
  ]);
  if (!lease || !policy) return null;
  const pending = lease.extensions[0];
  const left = lease.expiresAt.getTime() - now.getTime();
  return {
    setId,
    status: lease.status,
    version: lease.version,
    expiresAt: lease.expiresAt,
    timeLeftMs: left,
    timeLeft: formatTimeLeft(left),
    decommissionAfter: lease.decommissionAfter,
    policy,
    maxOwnExpiry: maxOwnExpiry(policy, now),
    pendingExtension: pending ? { requestId: pending.requestId, requestedExpiresAt: pending.requestedExpiresAt } : null,
    mayExtend:
      (lease.status === "ACTIVE" || lease.status === "EXPIRED") &&
      mayChangeSet(viewer, { teamId: set.teamId, memberIds: set.desired.members.map((m) => m.userId) }),
  };
}

/** Time left per set for lists (no per-object check: the caller lists sets the viewer may see). */
export async function leasesOfSets(setIds: readonly string[], now: Date = new Date()) {
  if (setIds.length === 0) return new Map<string, { status: LeaseStatus; expiresAt: Date; timeLeft: string }>();
  const rows = await db.lease.findMany({
    where: { workspaceSetId: { in: [...setIds] } },
    select: { workspaceSetId: true, status: true, expiresAt: true },
  });
  return new Map(
    rows.map((r) => [
      r.workspaceSetId,
      { status: r.status, expiresAt: r.expiresAt, timeLeft: formatTimeLeft(r.expiresAt.getTime() - now.getTime()) },
    ]),
  );
}

export type ExtendOutcome =
  | { applied: true; expiresAt: Date; resumed: boolean }
  | { applied: false; requestId: string; requestedExpiresAt: Date };

/** What an applied extension needs from the caller: give clusters their scale back when the lease had expired. */
export type ResumeCompute = (setId: string) => Promise<void>;

/**
 * Extends a set's lease by `days` from the later of now and its expiry. Within the maximum: applied at once
 * (conditional on the lease's version, audited `lease.extended`, owners told); an expired lease becomes active again
 * and its clusters get their scale settings back (`resume`, after the commit). Beyond the maximum: a change request
 * for the admins (`extendLease`, no Azure steps), applied by the scheduler once approved.
 */
export async function extendLease(
  actor: Pick<SessionUser, "id" | "roles" | "teamIds" | "name">,
  setId: string,
  input: ExtendLeaseInput,
  correlationId: string,
  options: { now?: Date; resume?: ResumeCompute } = {},
): Promise<ExtendOutcome> {
  const now = options.now ?? new Date();
  const set = await loadWorkspaceSet(actor, setId);
  if (!set) throw new AppError("NOT_FOUND", "This workspace set does not exist or you may not see it.");
  if (!mayChangeSet(actor, { teamId: set.teamId, memberIds: set.desired.members.map((m) => m.userId) }))
    throw new AppError("FORBIDDEN", "Only the owners of this workspace set and the admins may extend its lease.");
  const [lease, policy] = await Promise.all([
    db.lease.findUnique({ where: { workspaceSetId: setId } }),
    policyOfSet(db, setId),
  ]);
  if (!lease || !policy)
    throw new AppError("INVALID", "This workspace set has no lease (production sets never have one).", {
      days: ["This workspace set has no lease."],
    });
  if (lease.status !== "ACTIVE" && lease.status !== "EXPIRED")
    throw new AppError(
      "CONFLICT",
      lease.status === "EXPIRING"
        ? "The lease is expiring right now (compute is being stopped). Try again in a minute."
        : "This workspace set is being decommissioned; its lease can no longer be extended. An admin can recover it.",
    );
  const target = extendedExpiry(lease.expiresAt, input.days, now);
  const limit = maxOwnExpiry(policy, now);
  if (target.getTime() <= limit.getTime()) {
    const wasExpired = lease.status === "EXPIRED";
    await db.$transaction(async (tx) => {
      const { count } = await tx.lease.updateMany({
        where: { id: lease.id, version: lease.version },
        data: {
          expiresAt: target,
          status: "ACTIVE",
          stoppedAt: null,
          decommissionAfter: null,
          claimedAt: null,
          version: { increment: 1 },
        },
      });
      if (count !== 1)
        throw new AppError("CONFLICT", "The lease changed while you were extending it. Reload and try again.");
      if (wasExpired)
        await tx.workspaceSet.updateMany({ where: { id: setId, status: "EXPIRED" }, data: { status: "ACTIVE" } });
      await recordAuditEvent(tx, {
        actor: { kind: "user", id: actor.id },
        action: "lease.extended",
        entityType: "workspace_set",
        entityId: setId,
        requestId: set.originRequestId,
        before: { expiresAt: lease.expiresAt.toISOString(), status: lease.status },
        after: { expiresAt: target.toISOString(), status: "ACTIVE", days: input.days, reason: input.reason ?? null },
        correlationId,
      });
      await notifyUsers(
        tx,
        (await setOwners(tx, setId)).filter((id) => id !== actor.id),
        {
          kind: "lease.extended",
          title: `Lease of ${set.scopeSlug} extended`,
          body: `${actor.name ?? "An owner"} extended the lease of workspace set ${set.scopeSlug} until ${target.toISOString().slice(0, 16).replace("T", " ")} UTC.`,
          requestId: set.originRequestId,
        },
      );
    });
    if (wasExpired && options.resume) await options.resume(setId);
    return { applied: true, expiresAt: target, resumed: wasExpired };
  }
  return requestExtensionBeyondMaximum(actor, set, lease.id, target, limit, input, correlationId);
}

async function requestExtensionBeyondMaximum(
  actor: Pick<SessionUser, "id" | "roles" | "teamIds" | "name">,
  set: { id: string; version: number; desired: SetDocument; scopeSlug: string },
  leaseId: string,
  target: Date,
  limit: Date,
  input: ExtendLeaseInput,
  correlationId: string,
): Promise<ExtendOutcome> {
  const pending = await db.leaseExtension.findFirst({
    where: { leaseId, appliedAt: null },
    select: { requestId: true },
  });
  if (pending) {
    const request = await db.workspaceRequest.findUnique({
      where: { id: pending.requestId },
      select: { status: true },
    });
    if (request && !["REJECTED", "CANCELLED", "FAILED"].includes(request.status))
      throw new AppError(
        "CONFLICT",
        "An extension of this lease already waits for the admins. Wait for their decision.",
        {
          days: ["An extension of this lease already waits for the admins."],
        },
      );
  }
  const { createChangeRequest } = await import("@/lib/changes/mutations");
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const result = await createChangeRequest(
    actor as SessionUser,
    {
      setId: set.id,
      baseVersion: set.version,
      desired: set.desired,
      kind: "CHANGE",
      changeKinds: ["extendLease"],
      plan: emptyChangePlan(),
      approval: "admin",
      reason: `Extend the lease until ${day(target)} (the owners may extend until ${day(limit)} themselves)${input.reason ? `: ${input.reason}` : "."}`,
    },
    correlationId,
  );
  await db.leaseExtension.create({
    data: { requestId: result.requestId, leaseId, requestedExpiresAt: target, requestedById: actor.id },
  });
  return { applied: false, requestId: result.requestId, requestedExpiresAt: target };
}

/** A change plan with no Azure step (an extension beyond the maximum changes nothing in Azure). */
function emptyChangePlan() {
  const steps: never[] = [];
  return {
    schemaVersion: 1 as const,
    planHash: changePlanHashOf(steps),
    steps,
    costDelta: { currency: "USD" as const, monthly: 0, ceilingMonthly: 0, byEnvironment: {} },
    warnings: [],
  };
}
