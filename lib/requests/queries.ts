import "server-only";
import { cache } from "react";
import type { Prisma } from "@/generated/prisma/client";
import { type SessionUser } from "@/lib/auth/session";
import { isUuid } from "@/lib/access/params";
import { requestVisibleWhere } from "@/lib/access/visibility";
import { db } from "@/lib/db/client";
import type { CostEstimate } from "@/lib/plan/cost";
import type { Plan } from "@/lib/plan/types";
import { planRequest, requestRowToInput } from "./plan-context";
import {
  fromDbEnvironment,
  fromDbMemberRole,
  fromDbPattern,
  fromDbRestriction,
  fromDbStatus,
  fromDbVisibility,
  REQUEST_STATUSES,
  toDbStatus,
  type RequestStatusValue,
} from "./schemas";

/** What the `plan` column holds: the Plan (steps, role matrix) plus the cost estimate made at submission. */
export type StoredPlan = Plan & { cost: CostEstimate };

/** Statuses in which the requester may still cancel (never once provisioning has started). */
export const CANCELLABLE_STATUSES: RequestStatusValue[] = ["draft", "submitted", "approved", "stakeholderApproved"];

const listSelect = {
  id: true,
  number: true,
  status: true,
  pattern: true,
  scopeSlug: true,
  environments: true,
  region: true,
  createdAt: true,
  submittedAt: true,
  estimatedMonthlyUsd: true,
  team: { select: { name: true } },
  project: { select: { name: true } },
} satisfies Prisma.WorkspaceRequestSelect;

export type RequestListItem = {
  id: string;
  number: number;
  status: RequestStatusValue;
  scope: string;
  teamName: string | null;
  projectName: string | null;
  environments: string[];
  region: string | null;
  createdAt: Date;
  submittedAt: Date | null;
  estimatedMonthlyUsd: number | null;
};

function toListItem(r: Prisma.WorkspaceRequestGetPayload<{ select: typeof listSelect }>): RequestListItem {
  return {
    id: r.id,
    number: r.number,
    status: fromDbStatus(r.status),
    scope: r.scopeSlug ?? "—",
    teamName: r.team?.name ?? null,
    projectName: r.project?.name ?? null,
    environments: r.environments.map(fromDbEnvironment),
    region: r.region,
    createdAt: r.createdAt,
    submittedAt: r.submittedAt,
    estimatedMonthlyUsd: r.estimatedMonthlyUsd === null ? null : Number(r.estimatedMonthlyUsd.toString()),
  };
}

export function parseStatusFilter(value: unknown): RequestStatusValue | null {
  return typeof value === "string" && (REQUEST_STATUSES as readonly string[]).includes(value)
    ? (value as RequestStatusValue)
    : null;
}

/** The actor's own requests, newest first, optionally of one status. */
export async function listMyRequests(
  actor: SessionUser,
  opts: { status?: RequestStatusValue | null; take?: number } = {},
): Promise<RequestListItem[]> {
  const rows = await db.workspaceRequest.findMany({
    where: { requesterId: actor.id, ...(opts.status ? { status: toDbStatus(opts.status) } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: opts.take ?? 200,
    select: listSelect,
  });
  return rows.map(toListItem);
}

export type RequestDetail = Awaited<ReturnType<typeof loadRequestDetail>>;

async function loadRequestDetail(actor: SessionUser, id: string) {
  if (!isUuid(id)) return null;
  const r = await db.workspaceRequest.findFirst({
    // The one visibility rule: a draft is its requester's alone, whatever the viewer's roles.
    where: { id, ...requestVisibleWhere(actor) },
    select: {
      ...listSelect,
      version: true,
      visibility: true,
      restriction: true,
      compute: true,
      gitRepositoryUrl: true,
      costCenter: true,
      justification: true,
      planHash: true,
      plan: true,
      rejectionReason: true,
      draftStep: true,
      requesterId: true,
      requester: { select: { name: true, email: true } },
      team: { select: { name: true, slug: true } },
      project: { select: { name: true, slug: true } },
      members: { select: { role: true, user: { select: { name: true, email: true } } } },
    },
  });
  if (!r) return null;
  const status = fromDbStatus(r.status);
  // The `plan` column holds the Plan with its cost estimate alongside (StoredPlan).
  const stored = r.plan as StoredPlan | null;
  return {
    ...toListItem(r),
    version: r.version,
    pattern: r.pattern ? fromDbPattern(r.pattern) : null,
    visibility: r.visibility ? fromDbVisibility(r.visibility) : null,
    restriction: r.restriction ? fromDbRestriction(r.restriction) : null,
    compute: r.compute as {
      instanceVmSize: string;
      idleShutdownMinutes: number;
      devClusters: { vmSize: string; maxNodes: number }[];
      pipelines: string[];
    } | null,
    gitRepositoryUrl: r.gitRepositoryUrl,
    costCenter: r.costCenter,
    justification: r.justification,
    rejectionReason: r.rejectionReason,
    draftStep: r.draftStep,
    teamSlug: r.team?.slug ?? null,
    projectSlug: r.project?.slug ?? null,
    requester: r.requester,
    isRequester: r.requesterId === actor.id,
    canCancel: r.requesterId === actor.id && CANCELLABLE_STATUSES.includes(status),
    members: r.members
      .map((m) => ({ name: m.user.name, email: m.user.email, role: fromDbMemberRole(m.role) }))
      .sort((a, b) => (a.email < b.email ? -1 : 1)),
    planHash: r.planHash,
    plan: stored ? ({ ...stored, cost: undefined } as Plan) : null,
    cost: stored?.cost ?? null,
  };
}

/** One request the actor may see, or null (missing and not-yours look the same). */
export const getRequestForViewer = cache(loadRequestDetail);

/** The actor's own draft, for the wizard. */
export async function getDraftForEditor(actor: SessionUser, id: string) {
  if (!isUuid(id)) return null;
  const row = await db.workspaceRequest.findFirst({
    where: { id, requesterId: actor.id, status: "DRAFT" },
    include: {
      team: { select: { slug: true } },
      project: { select: { slug: true } },
      members: { include: { user: { select: { email: true, name: true } } } },
    },
  });
  if (!row) return null;
  return {
    id: row.id,
    number: row.number,
    version: row.version,
    draftStep: row.draftStep,
    values: requestRowToInput(row),
    /** The draft's members by name, so the people picker shows whom it already holds. */
    people: row.members.map((m) => ({ name: m.user.name, email: m.user.email })),
  };
}

/** The plan of a draft as it would be submitted now (for the review step), or its field errors. */
export async function previewDraftPlan(
  actor: SessionUser,
  draft: { id: string; number: number; values: Record<string, unknown> },
) {
  return planRequest(
    draft.values,
    { requestId: draft.id, requestNumber: draft.number, requestedBy: actor.email },
    { requesterTeamSlugs: await teamSlugsOf(actor), excludeRequestId: draft.id },
  );
}

export async function teamSlugsOf(actor: SessionUser): Promise<string[]> {
  if (actor.teamIds.length === 0) return [];
  const teams = await db.team.findMany({ where: { id: { in: actor.teamIds } }, select: { slug: true } });
  return teams.map((t) => t.slug);
}

export type WizardOptions = Awaited<ReturnType<typeof getWizardOptions>>;

/**
 * Choices the wizard offers: the actor's teams and their projects, regions and VM sizes. The directory is not
 * sent: members are chosen through the people picker's search (lib/people/directory.ts); `people` only names
 * the requester, whom the members step starts with.
 */
export async function getWizardOptions(actor: SessionUser) {
  const [teams, settings, vmSizes] = await Promise.all([
    db.team.findMany({
      where: { id: { in: actor.teamIds } },
      orderBy: { name: "asc" },
      select: {
        slug: true,
        name: true,
        costCenter: true,
        businessDivision: true,
        allowedRegions: true,
        projects: { select: { slug: true, name: true, costCenter: true }, orderBy: { name: "asc" } },
      },
    }),
    db.portalSettings.findUnique({
      where: { id: 1 },
      select: { allowedRegions: true, defaultIdleShutdownMinutes: true },
    }),
    db.vmSize.findMany({
      where: { allowed: true },
      orderBy: [{ gpu: "asc" }, { vcpus: "asc" }, { name: "asc" }],
      select: { name: true, vcpus: true, memoryGb: true, gpu: true, hourlyPriceUsd: true },
    }),
  ]);
  return {
    teams,
    allowedRegions: settings?.allowedRegions ?? [],
    defaultIdleShutdownMinutes: settings?.defaultIdleShutdownMinutes ?? 60,
    vmSizes: vmSizes.map((v) => ({ ...v, hourlyPriceUsd: Number(v.hourlyPriceUsd.toString()) })),
    people: [{ name: actor.name, email: actor.email }],
  };
}
