import "server-only";
/**
 * Budget against estimate per workspace set and environment, for the cost page. The budget is the amount Atrium put
 * in Azure (Microsoft.Consumption/budgets at the environment's resource group): the budget step of the latest
 * provisioned plan of the set that sets it (the set's first request, or a change that updated it); the estimate is the
 * active workspace's approved monthly estimate. Only workspaces the viewer may see (lib/access/visibility.ts).
 */
import { requestVisibleWhere, type Viewer } from "@/lib/access/visibility";
import { db } from "@/lib/db/client";
import { fromDbEnvironment } from "@/lib/requests/schemas";

export interface SetBudgetRow {
  key: string;
  /** The set's scope slug (and the request that created it). */
  scope: string;
  setId: string | null;
  environment: "DEV" | "TEST" | "PROD";
  workspaceName: string;
  estimateUsd: number | null;
  budgetUsd: number | null;
}

type StepLike = {
  kind?: string;
  op?: string;
  environment?: string | null;
  body?: { properties?: { amount?: unknown } };
};

function budgetAmount(plan: unknown, environment: string): number | null {
  const steps = (plan as { steps?: StepLike[] } | null)?.steps ?? [];
  const step = steps.find((s) => s.kind === "budget" && s.environment === environment && s.op !== "delete");
  const amount = step?.body?.properties?.amount;
  return typeof amount === "number" ? amount : null;
}

/** At most `limit` rows, ordered by scope and environment. */
export async function listSetBudgets(viewer: Viewer, limit = 200): Promise<{ rows: SetBudgetRow[]; more: boolean }> {
  const workspaces = await db.workspace.findMany({
    where: { status: "ACTIVE", request: requestVisibleWhere(viewer) },
    orderBy: [{ scopeSlug: "asc" }, { environment: "asc" }],
    take: limit + 1,
    select: {
      id: true,
      name: true,
      scopeSlug: true,
      environment: true,
      monthlyUsd: true,
      workspaceSetId: true,
      request: { select: { plan: true } },
    },
  });
  const setIds = [...new Set(workspaces.map((w) => w.workspaceSetId).filter((id): id is string => id !== null))];
  // Changes applied to those sets, newest first: the latest one that set a budget wins.
  const changes = setIds.length
    ? await db.workspaceRequest.findMany({
        where: { workspaceSetId: { in: setIds }, kind: "CHANGE", status: "PROVISIONED" },
        orderBy: { provisionedAt: "desc" },
        select: { workspaceSetId: true, plan: true },
      })
    : [];
  const rows = workspaces.slice(0, limit).map((w): SetBudgetRow => {
    const env = fromDbEnvironment(w.environment);
    const changed = changes
      .filter((c) => c.workspaceSetId === w.workspaceSetId)
      .map((c) => budgetAmount(c.plan, env))
      .find((a) => a !== null);
    return {
      key: w.id,
      scope: w.scopeSlug,
      setId: w.workspaceSetId,
      environment: w.environment,
      workspaceName: w.name,
      estimateUsd: w.monthlyUsd === null ? null : Number(w.monthlyUsd.toString()),
      budgetUsd: changed ?? budgetAmount(w.request.plan, env),
    };
  });
  return { rows, more: workspaces.length > limit };
}
