/**
 * What people do about drift: scan a set now, restore its desired state or accept the drift (both change requests,
 * never a silent overwrite), set the scan interval, and — in the simulator — change the estate out of band.
 * Each authorises per object, changes state in one transaction with its audit event.
 */
import "server-only";
import { recordAuditEvent, recordStandaloneAuditEvent } from "@/lib/audit/record-event";
import type { SessionUser } from "@/lib/auth/session";
import { changeSimulatedEstate } from "@/lib/azure/simulator-control";
import type { OutOfBandChange } from "@/lib/azure/simulator/out-of-band";
import { mayChangeSet } from "@/lib/changes/access";
import type { SetDocument } from "@/lib/changes/document";
import { createChangeRequest } from "@/lib/changes/mutations";
import { desiredPlan } from "@/lib/changes/sets";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { BUILT_IN_ROLES } from "@/lib/plan/roles";
import { enqueueDriftScan } from "./queue";
import { acceptedDocument, restorePlan } from "./restore";
import type { OutOfBandInput } from "./schemas";

type Actor = Pick<SessionUser, "id" | "name" | "roles" | "teamIds">;

/** The set, when the actor may act on it (the people who may change it: its team, the people it names, admins). */
async function setForActor(actor: Actor, setId: string) {
  const set = await db.workspaceSet.findUnique({
    where: { id: setId },
    select: {
      id: true,
      version: true,
      status: true,
      teamId: true,
      desiredState: true,
      originRequestId: true,
      scopeSlug: true,
    },
  });
  const doc = set?.desiredState as unknown as SetDocument | undefined;
  if (!set || !doc || !mayChangeSet(actor, { teamId: set.teamId, memberIds: doc.members.map((m) => m.userId) }))
    throw new AppError("NOT_FOUND", "This workspace set does not exist, or you may not act on it.");
  return { ...set, doc };
}

/** Queues a scan of the set now (one at a time: a scan already waiting or running is returned instead). */
export async function requestDriftScan(
  actor: Actor,
  setId: string,
  correlationId: string,
): Promise<{ scanId: string; alreadyQueued: boolean }> {
  const set = await setForActor(actor, setId);
  if (set.status !== "ACTIVE")
    throw new AppError(
      "CONFLICT",
      `This workspace set is ${set.status.toLowerCase().replace("_", " ")}: there is nothing to compare.`,
    );
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`drift-scan:${set.id}`})::bigint)`;
    const pending = await tx.driftScan.findFirst({
      where: { workspaceSetId: set.id, cycle: null, status: { in: ["QUEUED", "RUNNING"] } },
      select: { id: true },
    });
    if (pending) return { scanId: pending.id, alreadyQueued: true };
    const scan = await tx.driftScan.create({
      data: { workspaceSetId: set.id, trigger: "ON_DEMAND", requestedById: actor.id },
      select: { id: true },
    });
    await recordAuditEvent(tx, {
      actor: { kind: "user", id: actor.id },
      action: "drift.scan_requested",
      entityType: "workspace_set",
      entityId: set.id,
      requestId: set.originRequestId,
      after: { scanId: scan.id },
      correlationId,
    });
    await enqueueDriftScan(tx, { scanId: scan.id });
    return { scanId: scan.id, alreadyQueued: false };
  });
}

async function openFindings(setId: string, ids: readonly string[]) {
  const rows = await db.driftFinding.findMany({
    where: { workspaceSetId: setId, closedAt: null, ...(ids.length ? { id: { in: [...ids] } } : {}) },
    orderBy: { firstSeenAt: "asc" },
  });
  if (rows.length === 0)
    throw new AppError("CONFLICT", "There is no open drift to act on: a scan may have closed it. Reload the page.");
  if (ids.length && rows.length !== new Set(ids).size)
    throw new AppError("CONFLICT", "Some of these findings are closed already. Reload the page and choose again.");
  return rows;
}

async function markResolution(
  findingIds: string[],
  requestId: string,
  actor: Actor,
  setId: string,
  action: "drift.restore_requested" | "drift.accept_requested",
  correlationId: string,
  originRequestId: string,
) {
  await db.$transaction(async (tx) => {
    await tx.driftFinding.updateMany({
      where: { id: { in: findingIds }, closedAt: null },
      data: { resolutionRequestId: requestId, version: { increment: 1 } },
    });
    await recordAuditEvent(tx, {
      actor: { kind: "user", id: actor.id },
      action,
      entityType: "workspace_set",
      entityId: setId,
      requestId: originRequestId,
      after: { changeRequestId: requestId, findings: findingIds },
      correlationId,
    });
  });
}

/**
 * Restore: a change request whose plan puts back the desired state for these findings (all open ones when none is
 * named). Approved like any change by environment: an admin, and a stakeholder too when prod is touched.
 */
export async function restoreDrift(
  actor: Actor,
  input: { setId: string; findingIds: string[]; baseVersion: number },
  correlationId: string,
) {
  const set = await setForActor(actor, input.setId);
  const findings = await openFindings(set.id, input.findingIds);
  const plan = restorePlan(await desiredPlan(set.id), findings);
  const prod = findings.some((f) => f.environment === "PROD");
  const result = await createChangeRequest(
    actor,
    {
      setId: set.id,
      baseVersion: input.baseVersion,
      desired: set.doc,
      plan,
      changeKinds: ["restoreDrift"],
      approval: prod ? "adminAndStakeholder" : "admin",
      reason: `Restore the approved state of ${set.scopeSlug}: ${findings.map((f) => f.summary).join(" ")}`.slice(
        0,
        2000,
      ),
    },
    correlationId,
  );
  await markResolution(
    findings.map((f) => f.id),
    result.requestId,
    actor,
    set.id,
    "drift.restore_requested",
    correlationId,
    set.originRequestId,
  );
  return result;
}

/** Accept: a change request whose desired document takes the drifted values (refused where the document can't say them). */
export async function acceptDrift(
  actor: Actor,
  input: { setId: string; findingIds: string[]; baseVersion: number },
  correlationId: string,
) {
  const set = await setForActor(actor, input.setId);
  const findings = await openFindings(set.id, input.findingIds);
  const outcome = acceptedDocument(set.doc, await desiredPlan(set.id), findings);
  if (!outcome.ok) throw new AppError("INVALID", outcome.reasons[0], { findingIds: outcome.reasons });
  const result = await createChangeRequest(
    actor,
    {
      setId: set.id,
      baseVersion: input.baseVersion,
      desired: outcome.desired,
      changeKinds: ["acceptDrift"],
      reason: `Accept what changed in Azure into the approved state of ${set.scopeSlug}: ${outcome.accepted.join("; ")}.`,
    },
    correlationId,
  );
  await markResolution(
    findings.map((f) => f.id),
    result.requestId,
    actor,
    set.id,
    "drift.accept_requested",
    correlationId,
    set.originRequestId,
  );
  return result;
}

export async function updateDriftSettings(
  actor: Actor,
  input: { scanIntervalMinutes: number; version: number },
  correlationId: string,
) {
  return db.$transaction(async (tx) => {
    const before = await tx.driftSettings.findUnique({ where: { id: 1 } });
    const updated = await tx.driftSettings.updateMany({
      where: { id: 1, version: input.version },
      data: { scanIntervalMinutes: input.scanIntervalMinutes, version: { increment: 1 }, updatedById: actor.id },
    });
    if (updated.count === 0)
      throw new AppError("CONFLICT", "Someone changed the drift settings meanwhile. Reload the page and try again.");
    await recordAuditEvent(tx, {
      actor: { kind: "user", id: actor.id },
      action: "drift.settings_updated",
      entityType: "drift_settings",
      entityId: "1",
      before: { scanIntervalMinutes: before?.scanIntervalMinutes },
      after: { scanIntervalMinutes: input.scanIntervalMinutes },
      correlationId,
    });
  });
}

const ROLE_GUIDS: Record<string, string> = {
  Owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  Contributor: BUILT_IN_ROLES.contributor.guid,
  Reader: BUILT_IN_ROLES.reader.guid,
};

/** The simulator's change for the admin form's input. */
export function outOfBandChangeOf(input: OutOfBandInput): OutOfBandChange {
  const { kind, resourceId, value } = input;
  switch (kind) {
    case "workspace.publicNetworkAccess":
      return { kind, resourceId, value: value as "Enabled" | "Disabled" };
    case "storage.allowBlobPublicAccess":
      return { kind: "patch", resourceId, properties: { allowBlobPublicAccess: value === "true" } };
    case "cluster.minNodeCount":
      return { kind, resourceId, value: Number(value) };
    case "tags.remove":
      return { kind, resourceId, tags: [value] };
    case "roleAssignment.add": {
      const sub = /\/subscriptions\/([^/]+)/i.exec(resourceId)?.[1] ?? "";
      return {
        kind,
        scope: resourceId,
        roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_GUIDS[value]}`,
        principalId: input.principalId,
        principalType: "User",
      };
    }
    default:
      return { kind, resourceId };
  }
}

/** An admin changes the simulated estate as a person in the Azure portal would (audited; the simulator logs it too). */
export async function changeEstateOutOfBand(actor: Actor, input: OutOfBandInput, correlationId: string) {
  const change = outOfBandChangeOf(input);
  const result = await changeSimulatedEstate(change);
  if (!result.ok) {
    if (result.status === 404)
      throw new AppError("INVALID", "No such resource in the simulated estate.", { resourceId: [result.message] });
    if (result.status === 400) throw new AppError("INVALID", result.message, { value: [result.message] });
    throw new AppError("UNAVAILABLE", result.message);
  }
  await recordStandaloneAuditEvent({
    actor: { kind: "user", id: actor.id },
    action: "simulator.changed_out_of_band",
    entityType: "simulated_resource",
    entityId: String(result.resource.id ?? input.resourceId),
    after: change,
    correlationId,
  });
  return result.resource;
}
