/**
 * Provisioned workspace sets for the drift tests and benchmark: the set's desired document is the fixture request's
 * own plan input (its scope names), so the set's desired plan is exactly the plan that was provisioned or seeded.
 * Not used by the product.
 */
import "server-only";
import { documentOf } from "@/lib/changes/document";
import { db } from "@/lib/db/client";
import type { CreatedRequest } from "./provisioning-fixtures";

/** Marks the fixture request provisioned and gives it its workspace set (idempotent: the engine may have made one). */
export async function provisionedSetOf(created: CreatedRequest): Promise<{ id: string; version: number }> {
  const request = await db.workspaceRequest.update({
    where: { id: created.requestId },
    data: { status: "PROVISIONED", provisionedAt: new Date() },
    select: { teamId: true, projectId: true, scopeSlug: true },
  });
  const desiredState = JSON.parse(JSON.stringify(documentOf(created.input))) as object;
  const set = await db.workspaceSet.upsert({
    where: { originRequestId: created.requestId },
    create: {
      originRequestId: created.requestId,
      scopeSlug: request.scopeSlug!,
      teamId: request.teamId!,
      projectId: request.projectId,
      desiredState,
    },
    update: { desiredState },
    select: { id: true, version: true },
  });
  await db.workspace.updateMany({ where: { requestId: created.requestId }, data: { workspaceSetId: set.id } });
  return set;
}
