import { guardedRoute, problem, uuidRouteParam } from "@/lib/auth/route-guard";
import { formatRequestNumber } from "@/lib/plan/build-plan";
import { getRequestForViewer } from "@/lib/requests/queries";

/** The stored plan of a request as a JSON download, for anyone who may see the request (lib/access/visibility.ts). */
export const GET = guardedRoute<{ id: string }>("signed-in", async (_request, { user, params }) => {
  const r = await getRequestForViewer(user, uuidRouteParam(params.id, "request"));
  if (!r || !r.plan) return problem(404, "No such request, or it has no plan yet (plans are made at submission).");
  const body = {
    request: formatRequestNumber(r.number),
    status: r.status,
    planHash: r.planHash,
    plan: r.plan,
    cost: r.cost,
  };
  return new Response(JSON.stringify(body, null, 2), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="${formatRequestNumber(r.number)}-plan.json"`,
      "cache-control": "private, no-store",
    },
  });
});
