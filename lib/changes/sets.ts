/**
 * Workspace sets: the desired state of a provisioned request and every change applied since (README.md).
 */
import "server-only";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-event";
import type { SessionUser } from "@/lib/auth/session";
import { db, type Db, type Tx } from "@/lib/db/client";
import { buildPlan } from "@/lib/plan/build-plan";
import type { Plan, PlanInput } from "@/lib/plan/types";
import { loadPlanSettings, recomputePlanForRequest } from "@/lib/requests/plan-context";
import { mayChangeSet, maySeeSet } from "./access";
import { changeStakeholderNeeds } from "./approval-need";
import { documentOf, planInputOf, type SetDocument } from "./document";

type Client = Db | Tx;

export const SET_SYSTEM: Actor = { kind: "system", name: "provisioner" };

const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as object;

function inTransaction<T>(client: Client, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return "$transaction" in client ? (client as Db).$transaction(fn, { timeout: 20_000, maxWait: 10_000 }) : fn(client);
}

/**
 * The set of a provisioned NEW request, created when it does not exist yet (desiredState = the request's document,
 * its Workspace rows linked). Idempotent: concurrent callers get the same set.
 */
export async function ensureWorkspaceSet(
  originRequestId: string,
  client: Client = db,
  /** The document the request was provisioned from, when the caller holds it (else rebuilt from the request). */
  document?: SetDocument,
): Promise<{ id: string; version: number }> {
  const existing = await client.workspaceSet.findUnique({
    where: { originRequestId },
    select: { id: true, version: true },
  });
  if (existing) return existing;
  const origin = await client.workspaceRequest.findUnique({
    where: { id: originRequestId },
    select: { id: true, kind: true, status: true, teamId: true, projectId: true, scopeSlug: true },
  });
  if (!origin || origin.kind !== "NEW" || !origin.teamId || !origin.scopeSlug)
    throw new Error(`ensureWorkspaceSet: request ${originRequestId} is not a new request with a scope`);
  if (!document && origin.status !== "PROVISIONED")
    throw new Error(`ensureWorkspaceSet: request ${originRequestId} is not provisioned`);
  let doc = document;
  if (!doc) {
    const outcome = await recomputePlanForRequest(originRequestId, client);
    if (!outcome?.ok)
      throw new Error(
        `ensureWorkspaceSet: the document of request ${originRequestId} no longer plans: ${JSON.stringify(outcome && !outcome.ok ? outcome.fieldErrors : null)}`,
      );
    doc = documentOf(outcome.planInput);
  }
  return inTransaction(client, async (tx) => {
    const created = await tx.workspaceSet.createManyAndReturn({
      data: [
        {
          originRequestId,
          scopeSlug: origin.scopeSlug!,
          teamId: origin.teamId!,
          projectId: origin.projectId,
          desiredState: json(doc),
        },
      ],
      skipDuplicates: true,
      select: { id: true, version: true },
    });
    if (created.length === 0)
      return tx.workspaceSet.findUniqueOrThrow({ where: { originRequestId }, select: { id: true, version: true } });
    const set = created[0];
    await tx.workspace.updateMany({ where: { requestId: originRequestId }, data: { workspaceSetId: set.id } });
    await tx.workspaceRequest.update({ where: { id: originRequestId }, data: { workspaceSetId: set.id } });
    await recordAuditEvent(tx, {
      actor: SET_SYSTEM,
      action: "workspace_set.created",
      entityType: "workspace_set",
      entityId: set.id,
      requestId: originRequestId,
      after: { version: set.version, environments: doc!.environments, members: doc!.members.length },
      correlationId: originRequestId,
    });
    return set;
  });
}

/** A set id from a set id, a workspace id or an origin request id (the set is created lazily for a provisioned request). */
export async function findSetIdFor(id: string, client: Client = db): Promise<string | null> {
  const [set, workspace, request] = await Promise.all([
    client.workspaceSet.findUnique({ where: { id }, select: { id: true } }),
    client.workspace.findUnique({ where: { id }, select: { workspaceSetId: true, requestId: true } }),
    client.workspaceRequest.findUnique({ where: { id }, select: { kind: true, status: true, workspaceSetId: true } }),
  ]);
  if (set) return set.id;
  if (workspace?.workspaceSetId) return workspace.workspaceSetId;
  const origin = workspace?.requestId ?? (request?.kind === "NEW" && request.status === "PROVISIONED" ? id : null);
  if (origin) {
    const originRow = await client.workspaceRequest.findUnique({
      where: { id: origin },
      select: { kind: true, status: true, workspaceSetId: true },
    });
    if (originRow?.kind !== "NEW") return originRow?.workspaceSetId ?? null;
    if (originRow.status !== "PROVISIONED") return null;
    return (await ensureWorkspaceSet(origin, client)).id;
  }
  return request?.workspaceSetId ?? null;
}

export async function loadSetDocument(setId: string, client: Client = db): Promise<SetDocument> {
  const set = await client.workspaceSet.findUniqueOrThrow({ where: { id: setId }, select: { desiredState: true } });
  return set.desiredState as unknown as SetDocument;
}

/** What Azure should look like now: the desired document with the current settings. */
export async function desiredPlanInput(setId: string, client: Client = db): Promise<PlanInput> {
  const [doc, settings] = await Promise.all([loadSetDocument(setId, client), loadPlanSettings(client)]);
  return planInputOf(doc, settings);
}

export async function desiredPlan(setId: string, client: Client = db): Promise<Plan> {
  return buildPlan(await desiredPlanInput(setId, client));
}

export type ChangeLineStatus = "waiting" | "applying" | "done" | "other";

export interface WorkspaceSetView {
  id: string;
  originRequestId: string;
  scopeSlug: string;
  teamId: string;
  projectId: string | null;
  version: number;
  status: string;
  desired: SetDocument;
  activeChangeId: string | null;
  updatedAt: Date;
  /** Whether the viewer may ask for a change (the page shows the form only then). */
  mayChange: boolean;
  workspaces: { id: string; name: string; environment: string; armId: string; status: string }[];
  changes: {
    id: string;
    number: number;
    kind: string;
    status: string;
    baseVersion: number | null;
    changeKinds: string[];
    requesterId: string;
    createdAt: Date;
    provisionedAt: Date | null;
    /** 1 = next to run, for approved changes waiting in line; null otherwise. */
    queuePosition: number | null;
  }[];
}

/** The set as the viewer may see it (null when they may not: visibility of its origin request). */
export async function loadWorkspaceSet(
  actor: Pick<SessionUser, "id" | "roles" | "teamIds">,
  setId: string,
): Promise<WorkspaceSetView | null> {
  const set = await db.workspaceSet.findUnique({
    where: { id: setId },
    include: {
      workspaces: { select: { id: true, name: true, environment: true, armId: true, status: true } },
      requests: {
        where: { kind: { not: "NEW" } },
        orderBy: { createdAt: "desc" },
        select: {
          id: true,
          number: true,
          kind: true,
          status: true,
          baseVersion: true,
          changeKinds: true,
          requesterId: true,
          createdAt: true,
          approvedAt: true,
          provisionedAt: true,
          runs: { select: { id: true }, take: 1 },
        },
      },
    },
  });
  if (!set) return null;
  const origin = await db.workspaceRequest.findUnique({
    where: { id: set.originRequestId },
    select: { requesterId: true, teamId: true, submittedAt: true, members: { select: { userId: true } } },
  });
  if (!origin) return null;
  const desired = set.desiredState as unknown as SetDocument;
  const memberIds = desired.members.map((m) => m.userId);
  const visible =
    maySeeSet(actor, { ...origin, memberIds: origin.members.map((m) => m.userId) }) || memberIds.includes(actor.id);
  if (!visible) return null;
  // Waiting in line: approvals complete (an admin-approved change that needs the stakeholder still waits for them).
  const needs = await changeStakeholderNeeds(set.requests.filter((r) => r.status === "APPROVED"));
  const waiting = set.requests
    .filter(
      (r) =>
        ((r.status === "APPROVED" && !needs.get(r.id)) || r.status === "STAKEHOLDER_APPROVED") &&
        r.runs.length === 0 &&
        r.id !== set.activeChangeId,
    )
    .sort((a, b) => (a.approvedAt?.getTime() ?? 0) - (b.approvedAt?.getTime() ?? 0));
  return {
    id: set.id,
    originRequestId: set.originRequestId,
    scopeSlug: set.scopeSlug,
    teamId: set.teamId,
    projectId: set.projectId,
    version: set.version,
    status: set.status,
    desired,
    activeChangeId: set.activeChangeId,
    updatedAt: set.updatedAt,
    mayChange: mayChangeSet(actor, { teamId: set.teamId, memberIds }),
    workspaces: set.workspaces.map((w) => ({ ...w, environment: w.environment.toLowerCase() })),
    changes: set.requests.map((r) => {
      const at = waiting.findIndex((w) => w.id === r.id);
      return {
        id: r.id,
        number: r.number,
        kind: r.kind,
        status: r.status,
        baseVersion: r.baseVersion,
        changeKinds: r.changeKinds,
        requesterId: r.requesterId,
        createdAt: r.createdAt,
        provisionedAt: r.provisionedAt,
        queuePosition: at >= 0 ? at + 1 : null,
      };
    }),
  };
}
