/**
 * A workspace set's end of life (DOMAIN.md "Day 2"): decommission (a change request of kind DECOMMISSION whose plan is
 * plans.ts's), soft-deleted until Azure's 14 days end, recovery by an admin within them, and the purge — at the end of
 * the admins' retention (scheduled) or at once when a second admin approves another admin's purge request. Every
 * transition is a conditional update with its audit event; what was deleted, by whom and when stays in the history.
 */
import "server-only";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-event";
import type { SessionUser } from "@/lib/auth/session";
import type { ClientFactory } from "@/lib/azure/clients";
import { purgeEnvironment, softDeleteWorkspace } from "@/lib/azure/purge";
import type { SetDocument } from "@/lib/changes/document";
import { createChangeRequest } from "@/lib/changes/mutations";
import { planInputOf } from "@/lib/changes/document";
import { desiredPlan } from "@/lib/changes/sets";
import { buildPlan } from "@/lib/plan/build-plan";
import type { Plan } from "@/lib/plan/types";
import { db, type Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { loadLeasePolicies, loadRetentionDays } from "@/lib/leases/policy";
import { DAY_MS, effectivePolicy } from "@/lib/leases/rules";
import { notifyRole, notifyUsers } from "@/lib/notifications/notify";
import { loadPlanSettings } from "@/lib/requests/plan-context";
import { setOwners } from "@/lib/leases/leases";
import { decommissionPlan, purgeTargets, recoveryPlan } from "./plans";

/** Azure ML keeps a deleted workspace for 14 days (concept-soft-delete.md). */
export const AZURE_SOFT_DELETE_DAYS = 14;
export const RETIREMENT_SYSTEM: Actor = { kind: "system", name: "decommission" };
const CLAIM_STALE_MS = 15 * 60_000;

type Decider = Pick<SessionUser, "id" | "name" | "roles" | "teamIds">;

const isAdmin = (a: Pick<SessionUser, "roles">) => a.roles.includes("ADMIN");
const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

async function loadSet(setId: string) {
  const set = await db.workspaceSet.findUnique({
    where: { id: setId },
    select: { id: true, version: true, status: true, desiredState: true, scopeSlug: true, originRequestId: true },
  });
  if (!set) throw new AppError("NOT_FOUND", "This workspace set does not exist.");
  return { ...set, desired: set.desiredState as unknown as SetDocument };
}

/** The set's document as it was when it was decommissioned (kept on its retirement row). */
export async function retiredDocument(setId: string): Promise<SetDocument> {
  const r = await db.setRetirement.findUnique({ where: { workspaceSetId: setId }, select: { deletedResources: true } });
  const doc = (r?.deletedResources as { document?: SetDocument } | null)?.document;
  if (!doc) throw new Error(`retiredDocument: set ${setId} has no decommissioned document`);
  return doc;
}

/** The plan of what the set was: what recovery re-creates and what the purge removes. */
export async function retiredPlan(setId: string): Promise<Plan> {
  return buildPlan(planInputOf(await retiredDocument(setId), await loadPlanSettings()));
}

/**
 * Starts the decommission of a set: a DECOMMISSION change request whose plan deletes everything but the dependent
 * resources (plans.ts), for the admins (and the stakeholder when the set has prod). `requester` is the person who
 * asks; when the lease scheduler asks, it is the set's origin requester (`byLease`), and the audit says so.
 */
export async function startDecommission(
  requester: Decider,
  setId: string,
  correlationId: string,
  options: { reason?: string; byLease?: boolean } = {},
): Promise<{ requestId: string; number: number }> {
  if (!options.byLease && !isAdmin(requester))
    throw new AppError("FORBIDDEN", "Only admins may decommission a workspace set.");
  const set = await loadSet(setId);
  const open = await db.workspaceRequest.findFirst({
    where: {
      workspaceSetId: setId,
      kind: "DECOMMISSION",
      status: { in: ["SUBMITTED", "APPROVED", "STAKEHOLDER_APPROVED", "PROVISIONING"] },
    },
    select: { id: true, number: true },
  });
  if (open) {
    if (options.byLease) return { requestId: open.id, number: open.number };
    throw new AppError("CONFLICT", "A decommission of this workspace set is already under way.");
  }
  const plan = await desiredPlan(setId);
  const settings = await loadPlanSettings();
  const change = decommissionPlan(plan, settings.vmSizes);
  const retired = JSON.parse(JSON.stringify(set.desired)) as object;
  const result = await createChangeRequest(
    requester,
    {
      setId,
      baseVersion: set.version,
      // After a decommission the set should have no environment at all: the engine then verifies that everything the
      // plan deletes is gone (and nothing else). The document as it was is kept on the retirement for recovery and purge.
      desired: { ...set.desired, environments: [] },
      kind: "DECOMMISSION",
      changeKinds: ["decommission"],
      plan: change,
      approval: set.desired.environments.includes("prod") ? "adminAndStakeholder" : "admin",
      reason:
        options.reason ??
        (options.byLease
          ? "The lease ended and its grace period is over: decommission (soft delete, recoverable for 14 days)."
          : "Decommission (soft delete, recoverable for 14 days)."),
    },
    correlationId,
  );
  await db.$transaction(async (tx) => {
    await tx.setRetirement.upsert({
      where: { workspaceSetId: setId },
      create: {
        workspaceSetId: setId,
        decommissionRequestId: result.requestId,
        deletedResources: { document: retired },
      },
      update: {
        decommissionRequestId: result.requestId,
        deletedResources: { document: retired },
        softDeletedAt: null,
        softDeletedUntil: null,
        purgeAt: null,
        purgeRequestedById: null,
        purgeRequestedAt: null,
        purgeApprovedById: null,
        purgeClaimedAt: null,
        recoveredAt: null,
        recoveredById: null,
        recoveryRequestId: null,
        version: { increment: 1 },
      },
    });
    await recordAuditEvent(tx, {
      actor: options.byLease ? { kind: "system", name: "leases" } : { kind: "user", id: requester.id },
      action: "workspace_set.decommission_requested",
      entityType: "workspace_set",
      entityId: setId,
      requestId: result.requestId,
      after: { decommissionRequestId: result.requestId, steps: change.steps.length, byLease: options.byLease ?? false },
      correlationId,
    });
  });
  return { requestId: result.requestId, number: result.number };
}

/**
 * The decommission request's run succeeded: the set is soft-deleted until Azure's 14 days end and purged at the end
 * of the admins' retention. Idempotent (conditional on softDeletedAt being empty); called by the engine's hook and by
 * the scheduler's reconciliation.
 */
export async function markSoftDeleted(tx: Tx, setId: string, requestId: string, at: Date, correlationId: string) {
  const retentionDays = Math.min(await loadRetentionDays(tx), AZURE_SOFT_DELETE_DAYS);
  const softDeletedUntil = new Date(at.getTime() + AZURE_SOFT_DELETE_DAYS * DAY_MS);
  const purgeAt = new Date(at.getTime() + retentionDays * DAY_MS);
  const { count } = await tx.setRetirement.updateMany({
    where: { workspaceSetId: setId, decommissionRequestId: requestId, softDeletedAt: null },
    data: { softDeletedAt: at, softDeletedUntil, purgeAt, version: { increment: 1 } },
  });
  if (count !== 1) return false;
  await tx.workspaceSet.update({ where: { id: setId }, data: { status: "SOFT_DELETED", activeChangeId: null } });
  await tx.workspace.updateMany({ where: { workspaceSetId: setId }, data: { status: "DECOMMISSIONED" } });
  await tx.lease.updateMany({ where: { workspaceSetId: setId }, data: { status: "ENDED", version: { increment: 1 } } });
  const set = await tx.workspaceSet.findUniqueOrThrow({ where: { id: setId }, select: { scopeSlug: true } });
  await recordAuditEvent(tx, {
    actor: RETIREMENT_SYSTEM,
    action: "workspace_set.soft_deleted",
    entityType: "workspace_set",
    entityId: setId,
    requestId,
    after: { softDeletedUntil: softDeletedUntil.toISOString(), purgeAt: purgeAt.toISOString() },
    correlationId,
  });
  await notifyUsers(tx, await setOwners(tx, setId), {
    kind: "workspace_set.decommissioned",
    title: `${set.scopeSlug} decommissioned`,
    body: `The workspace set ${set.scopeSlug} was decommissioned. Its workspaces are soft-deleted until ${utc(softDeletedUntil)} and purged on ${utc(purgeAt)}; until then an admin can recover it.`,
    requestId,
  });
  return true;
}

/**
 * Decommissions whose run succeeded: the workspaces are soft-deleted (the last step, after everything the change
 * deleted; idempotent) and the set marked soft-deleted. Runs on every tick, so a crash in between converges.
 */
export async function reconcileRetirements(
  factory: ClientFactory,
  options: { signal?: AbortSignal; pollIntervalMs?: number } = {},
): Promise<number> {
  const rows = await db.$queryRaw<{ workspace_set_id: string; request_id: string; provisioned_at: Date }[]>`
    SELECT t.workspace_set_id, r.id AS request_id, r.provisioned_at FROM set_retirements t
    JOIN workspace_requests r ON r.id = t.decommission_request_id
    WHERE t.soft_deleted_at IS NULL AND r.status = 'PROVISIONED'`;
  let marked = 0;
  for (const r of rows) {
    for (const t of purgeTargets(await retiredPlan(r.workspace_set_id))) await softDeleteWorkspace(factory, t, options);
    if (
      await db.$transaction((tx) =>
        markSoftDeleted(tx, r.workspace_set_id, r.request_id, r.provisioned_at ?? new Date(), `retire:${r.request_id}`),
      )
    )
      marked++;
  }
  return marked;
}

export interface RetirementView {
  status: "decommissioning" | "soft-deleted" | "recovering" | "purging" | "purged";
  decommissionRequestId: string;
  softDeletedUntil: Date | null;
  purgeAt: Date | null;
  purgeRequestedById: string | null;
  purgeRequestedAt: Date | null;
  purgedAt: Date | null;
  recoveryRequestId: string | null;
}

export async function loadRetirement(setId: string): Promise<RetirementView | null> {
  const r = await db.setRetirement.findUnique({ where: { workspaceSetId: setId } });
  if (!r) return null;
  const status: RetirementView["status"] = r.purgedAt
    ? "purged"
    : r.recoveredAt
      ? "recovering"
      : r.purgeClaimedAt
        ? "purging"
        : r.softDeletedAt
          ? "soft-deleted"
          : "decommissioning";
  return {
    status,
    decommissionRequestId: r.decommissionRequestId,
    softDeletedUntil: r.softDeletedUntil,
    purgeAt: r.purgeAt,
    purgeRequestedById: r.purgeRequestedById,
    purgeRequestedAt: r.purgeRequestedAt,
    purgedAt: r.purgedAt,
    recoveryRequestId: r.recoveryRequestId,
  };
}

/**
 * Recovers a soft-deleted set within Azure's retention (admins; audited): the set is active again and a change with
 * the creates of everything the decommission deleted runs at once — the workspace re-created with the same name,
 * region and dependent resources (Azure's recovery), then role assignments and computes replayed from the desired
 * state. The lease starts again with the default time to live.
 */
export async function recoverSet(
  admin: Decider,
  setId: string,
  correlationId: string,
  now: Date = new Date(),
): Promise<{ requestId: string }> {
  if (!isAdmin(admin)) throw new AppError("FORBIDDEN", "Only admins may recover a workspace set.");
  const retirement = await db.setRetirement.findUnique({ where: { workspaceSetId: setId } });
  if (!retirement?.softDeletedAt || retirement.purgedAt || retirement.recoveredAt)
    throw new AppError("CONFLICT", "This workspace set is not soft-deleted, so there is nothing to recover.");
  if (retirement.purgeClaimedAt)
    throw new AppError("CONFLICT", "This workspace set is being purged; it can no longer be recovered.");
  if (retirement.softDeletedUntil && retirement.softDeletedUntil <= now)
    throw new AppError(
      "CONFLICT",
      `Azure kept the workspaces until ${utc(retirement.softDeletedUntil)}; they can no longer be recovered. Request a new workspace set instead.`,
    );
  await db.$transaction(async (tx) => {
    const { count } = await tx.setRetirement.updateMany({
      where: { workspaceSetId: setId, version: retirement.version, recoveredAt: null, purgeClaimedAt: null },
      data: { recoveredAt: now, recoveredById: admin.id, version: { increment: 1 } },
    });
    if (count !== 1) throw new AppError("CONFLICT", "Someone else is recovering or purging this set. Reload the page.");
    await tx.workspaceSet.update({ where: { id: setId }, data: { status: "ACTIVE" } });
    await recordAuditEvent(tx, {
      actor: { kind: "user", id: admin.id },
      action: "workspace_set.recovery_started",
      entityType: "workspace_set",
      entityId: setId,
      requestId: retirement.decommissionRequestId,
      before: { status: "SOFT_DELETED", softDeletedUntil: retirement.softDeletedUntil?.toISOString() },
      after: { status: "ACTIVE" },
      correlationId,
    });
  });
  try {
    const set = await loadSet(setId);
    const document = await retiredDocument(setId);
    const plan = recoveryPlan(await retiredPlan(setId), (await loadPlanSettings()).vmSizes);
    const result = await createChangeRequest(
      admin,
      {
        setId,
        baseVersion: set.version,
        desired: document,
        kind: "CHANGE",
        changeKinds: ["recover"],
        plan,
        approval: "none",
        reason: "Recover the soft-deleted workspaces and replay role assignments and computes from the desired state.",
      },
      correlationId,
    );
    await db.$transaction(async (tx) => {
      await tx.setRetirement.update({
        where: { workspaceSetId: setId },
        data: { recoveryRequestId: result.requestId },
      });
      await tx.workspace.updateMany({ where: { workspaceSetId: setId }, data: { status: "ACTIVE" } });
      await restartLease(tx, setId, document, now);
    });
    return { requestId: result.requestId };
  } catch (err) {
    // Undo the claim so the admin can try again (the set is soft-deleted as before).
    await db.$transaction(async (tx) => {
      await tx.setRetirement.update({
        where: { workspaceSetId: setId },
        data: { recoveredAt: null, recoveredById: null, version: { increment: 1 } },
      });
      await tx.workspaceSet.update({ where: { id: setId }, data: { status: "SOFT_DELETED" } });
      await recordAuditEvent(tx, {
        actor: RETIREMENT_SYSTEM,
        action: "workspace_set.recovery_failed",
        entityType: "workspace_set",
        entityId: setId,
        after: { error: err instanceof Error ? err.message : String(err) },
        correlationId,
      });
    });
    throw err;
  }
}

async function restartLease(tx: Tx, setId: string, document: SetDocument, now: Date) {
  const policy = effectivePolicy(document.environments, await loadLeasePolicies(tx));
  if (!policy) return;
  const expiresAt = new Date(now.getTime() + policy.defaultTtlDays * DAY_MS);
  await tx.lease.upsert({
    where: { workspaceSetId: setId },
    create: { workspaceSetId: setId, expiresAt },
    update: {
      status: "ACTIVE",
      expiresAt,
      stoppedAt: null,
      decommissionAfter: null,
      decommissionRequestId: null,
      claimedAt: null,
      version: { increment: 1 },
    },
  });
}

/** An admin asks to purge a soft-deleted set now; a second admin must approve (approvePurge). */
export async function requestPurge(admin: Decider, setId: string, correlationId: string) {
  if (!isAdmin(admin)) throw new AppError("FORBIDDEN", "Only admins may purge a workspace set.");
  await db.$transaction(async (tx) => {
    const { count } = await tx.setRetirement.updateMany({
      where: {
        workspaceSetId: setId,
        softDeletedAt: { not: null },
        purgedAt: null,
        recoveredAt: null,
        purgeRequestedById: null,
      },
      data: { purgeRequestedById: admin.id, purgeRequestedAt: new Date(), version: { increment: 1 } },
    });
    if (count !== 1)
      throw new AppError(
        "CONFLICT",
        "This set is not soft-deleted, or a purge was already asked for. Reload the page.",
      );
    await recordAuditEvent(tx, {
      actor: { kind: "user", id: admin.id },
      action: "workspace_set.purge_requested",
      entityType: "workspace_set",
      entityId: setId,
      correlationId,
    });
    await notifyRole(
      tx,
      "ADMIN",
      {
        kind: "workspace_set.purge_requested",
        title: "A purge waits for a second admin",
        body: `${admin.name ?? "An admin"} asks to purge a soft-deleted workspace set for good. Approve it on the set's page.`,
      },
      [admin.id],
    );
  });
}

/** A second admin (not the one who asked) approves the purge: it runs on the scheduler's next pass. */
export async function approvePurge(admin: Decider, setId: string, correlationId: string, now: Date = new Date()) {
  if (!isAdmin(admin)) throw new AppError("FORBIDDEN", "Only admins may purge a workspace set.");
  await db.$transaction(async (tx) => {
    const r = await tx.setRetirement.findUnique({ where: { workspaceSetId: setId } });
    if (!r?.purgeRequestedById || r.purgedAt || r.recoveredAt)
      throw new AppError("CONFLICT", "No purge of this set waits for approval. Reload the page.");
    if (r.purgeRequestedById === admin.id)
      throw new AppError("FORBIDDEN", "A second admin must approve the purge you asked for.");
    const { count } = await tx.setRetirement.updateMany({
      where: { workspaceSetId: setId, version: r.version, purgeApprovedById: null },
      data: { purgeApprovedById: admin.id, purgeAt: now, version: { increment: 1 } },
    });
    if (count !== 1) throw new AppError("CONFLICT", "Someone else decided on this purge. Reload the page.");
    await recordAuditEvent(tx, {
      actor: { kind: "user", id: admin.id },
      action: "workspace_set.purge_approved",
      entityType: "workspace_set",
      entityId: setId,
      after: { requestedBy: r.purgeRequestedById, purgeAt: now.toISOString() },
      correlationId,
    });
  });
}

/**
 * Purges every soft-deleted set whose purge time came (retention over, or a purge approved), each by one worker
 * (claim by SKIP LOCKED; a stale claim is taken over, every purge call is idempotent).
 */
export async function runDuePurges(
  factory: ClientFactory,
  options: { now?: Date; signal?: AbortSignal; pollIntervalMs?: number } = {},
): Promise<string[]> {
  const now = options.now ?? new Date();
  const stale = new Date(now.getTime() - CLAIM_STALE_MS);
  const claims = await db.$queryRaw<{ workspace_set_id: string; version: number }[]>`
    UPDATE set_retirements t SET purge_claimed_at = ${now}, version = t.version + 1, updated_at = now()
    FROM (
      SELECT workspace_set_id FROM set_retirements
      WHERE soft_deleted_at IS NOT NULL AND purged_at IS NULL AND recovered_at IS NULL AND purge_at <= ${now}
        AND (purge_claimed_at IS NULL OR purge_claimed_at < ${stale})
      LIMIT 10
      FOR UPDATE SKIP LOCKED
    ) due
    WHERE t.workspace_set_id = due.workspace_set_id
    RETURNING t.workspace_set_id, t.version`;
  const purged: string[] = [];
  for (const claim of claims) {
    const setId = claim.workspace_set_id;
    const document = await retiredDocument(setId);
    const targets = purgeTargets(await retiredPlan(setId));
    const deleted: string[] = [];
    const held: string[] = [];
    for (const t of targets) {
      const outcome = await purgeEnvironment(factory, t, options);
      deleted.push(...outcome.purged);
      held.push(...outcome.heldByPurgeProtection);
    }
    await db.$transaction(async (tx) => {
      const { count } = await tx.setRetirement.updateMany({
        where: { workspaceSetId: setId, version: claim.version, purgedAt: null },
        data: {
          purgedAt: now,
          deletedResources: JSON.parse(JSON.stringify({ document, deleted, heldByPurgeProtection: held })) as object,
          version: { increment: 1 },
        },
      });
      if (count !== 1) return;
      await tx.workspaceSet.update({ where: { id: setId }, data: { status: "PURGED" } });
      const r = await tx.setRetirement.findUniqueOrThrow({ where: { workspaceSetId: setId } });
      await recordAuditEvent(tx, {
        actor: RETIREMENT_SYSTEM,
        action: "workspace_set.purged",
        entityType: "workspace_set",
        entityId: setId,
        requestId: r.decommissionRequestId,
        after: {
          deleted,
          heldByPurgeProtection: held,
          requestedBy: r.purgeRequestedById,
          approvedBy: r.purgeApprovedById,
          byRetention: !r.purgeApprovedById,
        },
        correlationId: `purge:${setId}`,
      });
      purged.push(setId);
    });
  }
  return purged;
}
