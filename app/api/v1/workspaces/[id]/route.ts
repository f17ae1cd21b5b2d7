import { idParam, json } from "@/lib/api/http";
import { operations } from "@/lib/api/operations";
import { apiRoute } from "@/lib/api/route";
import { AppError } from "@/lib/errors";
import { getWorkspaceView } from "@/lib/history/workspaces";

export const GET = apiRoute(operations.getWorkspace, async ({ user, params }) => {
  const w = await getWorkspaceView(user, idParam(params.id));
  if (!w) throw new AppError("NOT_FOUND", "This workspace does not exist or is not yours to see.");
  return json({
    id: w.id,
    name: w.name,
    environment: w.environment.toLowerCase(),
    region: w.region,
    status: w.status,
    armId: w.armId,
    scope: w.scopeSlug,
    team: w.teamName,
    requestId: w.requestId,
    monthlyUsd: w.monthlyUsd,
    createdAt: new Date(w.createdAt).toISOString(),
    resources: w.resources.map((r) => ({
      stepKey: r.stepKey,
      kind: r.kind,
      name: r.name,
      resourceId: r.resourceId,
      status: r.status,
    })),
  });
});
