import "server-only";
/**
 * What the request and approval pages show of the checks: the latest run for the request's current plan (or, when
 * the plan changed since, the latest run marked as about another plan), and whether checks exist at all here.
 */
import type { Viewer } from "@/lib/access/visibility";
import { canSeeRequest } from "@/lib/access/visibility";
import { db } from "@/lib/db/client";
import { checksClientFactory } from "./azure";
import { toCheckReport, type CheckReport } from "./report";

export interface ChecksPanelData {
  requestId: string;
  planHash: string | null;
  /** The latest run; `current` says whether it is about the plan as it is now. */
  report: CheckReport | null;
  current: boolean;
  /** False when this process has no Azure to check against. */
  available: boolean;
}

export async function getChecksPanel(viewer: Viewer, requestId: string): Promise<ChecksPanelData | null> {
  const request = await db.workspaceRequest.findUnique({
    where: { id: requestId },
    select: {
      id: true,
      planHash: true,
      requesterId: true,
      teamId: true,
      submittedAt: true,
      members: { select: { userId: true } },
    },
  });
  if (!request || !canSeeRequest(viewer, { ...request, memberIds: request.members.map((m) => m.userId) })) return null;
  const [row, factory] = await Promise.all([
    db.feasibilityCheck.findFirst({ where: { requestId }, orderBy: { createdAt: "desc" } }),
    checksClientFactory(),
  ]);
  const report = row ? toCheckReport(row) : null;
  return {
    requestId,
    planHash: request.planHash,
    report,
    current: report !== null && report.planHash === request.planHash,
    available: factory !== null,
  };
}

/** Requests the viewer may see: for the re-run action's object-level check. */
export async function visibleRequestForChecks(viewer: Viewer, requestId: string) {
  const request = await db.workspaceRequest.findUnique({
    where: { id: requestId },
    select: {
      id: true,
      status: true,
      requesterId: true,
      teamId: true,
      submittedAt: true,
      members: { select: { userId: true } },
    },
  });
  if (!request || !canSeeRequest(viewer, { ...request, memberIds: request.members.map((m) => m.userId) })) return null;
  return request;
}
