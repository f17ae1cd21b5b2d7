/**
 * Reads of the drift watch: a set's drift (its page, its people) and the admins' list of every finding, filtered and
 * paginated. Visibility per object: a set's drift is visible with the set (lib/changes loadWorkspaceSet).
 */
import "server-only";
import type { Prisma } from "@/generated/prisma/client";
import { hasPermission } from "@/lib/auth/permissions";
import type { SessionUser } from "@/lib/auth/session";
import { loadWorkspaceSet } from "@/lib/changes/sets";
import { db } from "@/lib/db/client";
import type { FindingFilters } from "./schemas";

type Viewer = Pick<SessionUser, "id" | "roles" | "teamIds">;

export interface FindingView {
  id: string;
  environment: string | null;
  resourceId: string;
  resourceKind: string;
  resourceName: string;
  field: string;
  expected: unknown;
  actual: unknown;
  severity: "LOW" | "MEDIUM" | "HIGH";
  summary: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  closedAt: Date | null;
  resolutionRequestId: string | null;
}

const FINDING_SELECT = {
  id: true,
  environment: true,
  resourceId: true,
  resourceKind: true,
  resourceName: true,
  field: true,
  expected: true,
  actual: true,
  severity: true,
  summary: true,
  firstSeenAt: true,
  lastSeenAt: true,
  closedAt: true,
  resolutionRequestId: true,
} as const;

const toView = (f: Prisma.DriftFindingGetPayload<{ select: typeof FINDING_SELECT }>): FindingView => ({
  ...f,
  environment: f.environment ? f.environment.toLowerCase() : null,
});

export interface SetDriftView {
  setId: string;
  scopeSlug: string;
  version: number;
  status: string;
  originRequestId: string;
  mayAct: boolean;
  open: FindingView[];
  recentlyClosed: FindingView[];
  scans: {
    id: string;
    trigger: string;
    status: string;
    reads: number;
    opened: number;
    closed: number;
    errorMessage: string | null;
    createdAt: Date;
    finishedAt: Date | null;
  }[];
  resolutionRequests: { id: string; number: number; status: string }[];
}

/** The set's drift as the viewer may see it; null when the set is not visible to them. */
export async function setDrift(viewer: Viewer, setId: string): Promise<SetDriftView | null> {
  const set = await loadWorkspaceSet(viewer, setId);
  if (!set) return null;
  const [open, recentlyClosed, scans] = await Promise.all([
    db.driftFinding.findMany({
      where: { workspaceSetId: set.id, closedAt: null },
      orderBy: [{ severity: "desc" }, { firstSeenAt: "asc" }],
      select: FINDING_SELECT,
    }),
    db.driftFinding.findMany({
      where: { workspaceSetId: set.id, closedAt: { not: null } },
      orderBy: { closedAt: "desc" },
      take: 10,
      select: FINDING_SELECT,
    }),
    db.driftScan.findMany({ where: { workspaceSetId: set.id }, orderBy: { createdAt: "desc" }, take: 5 }),
  ]);
  const resolutionIds = [...new Set(open.flatMap((f) => (f.resolutionRequestId ? [f.resolutionRequestId] : [])))];
  const resolutionRequests = resolutionIds.length
    ? await db.workspaceRequest.findMany({
        where: { id: { in: resolutionIds } },
        select: { id: true, number: true, status: true },
      })
    : [];
  return {
    setId: set.id,
    scopeSlug: set.scopeSlug,
    version: set.version,
    status: set.status,
    originRequestId: set.originRequestId,
    mayAct: set.mayChange && hasPermission(viewer.roles, "drift.scan"),
    open: open.map(toView),
    recentlyClosed: recentlyClosed.map(toView),
    scans: scans.map((s) => ({
      id: s.id,
      trigger: s.trigger,
      status: s.status,
      reads: s.reads,
      opened: s.opened,
      closed: s.closed,
      errorMessage: s.errorMessage,
      createdAt: s.createdAt,
      finishedAt: s.finishedAt,
    })),
    resolutionRequests: resolutionRequests.map((r) => ({ ...r, status: r.status.toLowerCase() })),
  };
}

export const FINDINGS_PAGE_SIZE = 25;

export interface FindingsPage {
  items: (FindingView & { setId: string; scopeSlug: string })[];
  total: number;
  page: number;
  pages: number;
}

/** Every finding (the Drift page; permission drift.read_all is checked by the page), filtered and paginated. */
export async function listDriftFindings(filters: FindingFilters): Promise<FindingsPage> {
  const where: Prisma.DriftFindingWhereInput = {
    ...(filters.status === "open"
      ? { closedAt: null }
      : filters.status === "closed"
        ? { closedAt: { not: null } }
        : {}),
    ...(filters.severity ? { severity: filters.severity } : {}),
    ...(filters.environment ? { environment: filters.environment.toUpperCase() as "DEV" | "TEST" | "PROD" } : {}),
    ...(filters.q
      ? {
          OR: [
            { resourceName: { contains: filters.q, mode: "insensitive" } },
            { summary: { contains: filters.q, mode: "insensitive" } },
          ],
        }
      : {}),
  };
  const [total, rows] = await Promise.all([
    db.driftFinding.count({ where }),
    db.driftFinding.findMany({
      where,
      orderBy: [{ severity: "desc" }, { lastSeenAt: "desc" }, { id: "asc" }],
      skip: (filters.page - 1) * FINDINGS_PAGE_SIZE,
      take: FINDINGS_PAGE_SIZE,
      select: { ...FINDING_SELECT, workspaceSetId: true },
    }),
  ]);
  const sets = await db.workspaceSet.findMany({
    where: { id: { in: [...new Set(rows.map((r) => r.workspaceSetId))] } },
    select: { id: true, scopeSlug: true },
  });
  const slug = new Map(sets.map((s) => [s.id, s.scopeSlug]));
  return {
    items: rows.map(({ workspaceSetId, ...r }) => ({
      ...toView(r),
      setId: workspaceSetId,
      scopeSlug: slug.get(workspaceSetId) ?? "",
    })),
    total,
    page: filters.page,
    pages: Math.max(1, Math.ceil(total / FINDINGS_PAGE_SIZE)),
  };
}

export async function driftSettings() {
  const s = await db.driftSettings.findUnique({ where: { id: 1 } });
  return { scanIntervalMinutes: s?.scanIntervalMinutes ?? 1440, version: s?.version ?? 1 };
}
