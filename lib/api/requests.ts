import "server-only";
import type { Prisma } from "@/generated/prisma/client";
import { requestVisibleWhere } from "@/lib/access/visibility";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { decodeCursor, encodeCursor } from "@/lib/history/filters";
import { formatRequestNumber } from "@/lib/plan/build-plan";
import { saveDraftStep, submitRequest } from "@/lib/requests/mutations";
import { planRequest } from "@/lib/requests/plan-context";
import { getRequestForViewer, teamSlugsOf, type RequestDetail } from "@/lib/requests/queries";
import { fromDbEnvironment, fromDbStatus, toDbStatus, type RequestStatusValue } from "@/lib/requests/schemas";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * A request as the API shows it; null when missing or not the caller's to see. Read fresh: getRequestForViewer
 * is memoised per request by argument identity, and a mutation's answer must show the state after the change,
 * so each call passes its own copy of the actor.
 */
export async function requestResource(actor: SessionUser, id: string) {
  const r = await getRequestForViewer({ ...actor }, id);
  if (!r) return null;
  const run = await db.provisioningRun.findFirst({
    where: { requestId: r.id },
    orderBy: { attempt: "desc" },
    select: { id: true, attempt: true, status: true },
  });
  return { detail: r, body: toResource(r, run) };
}

/** The request, or NOT_FOUND (missing and invisible look the same). */
export async function requireRequest(actor: SessionUser, id: string) {
  const found = await requestResource(actor, id);
  if (!found) throw new AppError("NOT_FOUND", "This request does not exist or is not yours to see.");
  return found;
}

function toResource(r: NonNullable<RequestDetail>, run: { id: string; attempt: number; status: string } | null) {
  return {
    id: r.id,
    number: formatRequestNumber(r.number),
    status: r.status,
    scope: r.scope,
    team: r.teamName,
    project: r.projectName,
    environments: r.environments,
    region: r.region,
    createdAt: r.createdAt.toISOString(),
    submittedAt: iso(r.submittedAt),
    estimatedMonthlyUsd: r.estimatedMonthlyUsd,
    version: r.version,
    planHash: r.planHash,
    requester: r.requester,
    document: {
      pattern: r.pattern,
      team: r.teamSlug,
      ...(r.projectSlug ? { project: r.projectSlug } : {}),
      environments: r.environments,
      visibility: r.visibility,
      restriction: r.restriction,
      region: r.region,
      members: r.members.map((m) => ({ email: m.email, role: m.role })),
      compute: r.compute,
      ...(r.gitRepositoryUrl ? { gitRepositoryUrl: r.gitRepositoryUrl } : {}),
      costCenter: r.costCenter,
      justification: r.justification,
    },
    rejectionReason: r.rejectionReason,
    latestRun: run,
    links: {
      self: `/api/v1/requests/${r.id}`,
      plan: `/api/v1/requests/${r.id}/plan`,
      ...(run ? { run: `/api/v1/runs/${run.id}` } : {}),
      portal: `/requests/${r.id}`,
    },
  };
}

const VALIDATION_META = { requestId: "00000000-0000-0000-0000-000000000000", requestNumber: 0 };

/**
 * Creates a draft from a whole request document through the wizard's own steps (so every rule the wizard applies
 * applies here), after validating the whole document first: an invalid document stores nothing. With `submit`,
 * the draft is then submitted exactly as the review page submits it.
 */
export async function createRequestFromDocument(
  actor: SessionUser,
  document: Record<string, unknown>,
  submit: boolean,
) {
  const check = await planRequest(
    document,
    { ...VALIDATION_META, requestedBy: actor.email },
    { requesterTeamSlugs: await teamSlugsOf(actor) },
  );
  if (!check.ok) throw new AppError("INVALID", "Some fields need your attention.", check.fieldErrors);
  let draftId: string | null = null;
  for (const step of ["scope", "environments", "members", "compute"] as const) {
    ({ id: draftId } = await saveDraftStep(actor, { draftId, step, raw: document }));
  }
  const id = draftId!;
  if (submit) {
    const { version } = await db.workspaceRequest.findUniqueOrThrow({ where: { id }, select: { version: true } });
    await submitRequest(actor, { id, version });
  }
  return id;
}

export type RequestListFilters = {
  status?: RequestStatusValue;
  team?: string;
  mine?: "true" | "false";
  cursor?: string;
  limit: number;
};

/** Requests the caller may see (the one visibility rule), newest first, keyset-paginated on (createdAt, id). */
export async function listVisibleRequests(actor: SessionUser, filters: RequestListFilters) {
  const and: Prisma.WorkspaceRequestWhereInput[] = [requestVisibleWhere(actor)];
  if (filters.status) and.push({ status: toDbStatus(filters.status) });
  if (filters.team) and.push({ team: { slug: filters.team } });
  if (filters.mine === "true") and.push({ requesterId: actor.id });
  const cursor = decodeCursor(filters.cursor);
  if (filters.cursor && !cursor) throw new AppError("INVALID", "Unknown cursor.", { cursor: ["Unknown cursor."] });
  if (cursor) {
    const at = new Date(cursor.v);
    and.push({ OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: cursor.id } }] });
  }
  const rows = await db.workspaceRequest.findMany({
    where: { AND: and },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: filters.limit + 1,
    select: {
      id: true,
      number: true,
      status: true,
      scopeSlug: true,
      environments: true,
      region: true,
      createdAt: true,
      submittedAt: true,
      estimatedMonthlyUsd: true,
      team: { select: { name: true } },
      project: { select: { name: true } },
    },
  });
  const page = rows.slice(0, filters.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id,
      number: formatRequestNumber(r.number),
      status: fromDbStatus(r.status),
      scope: r.scopeSlug ?? "—",
      team: r.team?.name ?? null,
      project: r.project?.name ?? null,
      environments: r.environments.map(fromDbEnvironment),
      region: r.region,
      createdAt: r.createdAt.toISOString(),
      submittedAt: iso(r.submittedAt),
      estimatedMonthlyUsd: r.estimatedMonthlyUsd === null ? null : Number(r.estimatedMonthlyUsd.toString()),
    })),
    nextCursor:
      rows.length > filters.limit && last ? encodeCursor({ v: last.createdAt.toISOString(), id: last.id }) : null,
  };
}
