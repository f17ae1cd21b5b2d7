import { getCurrentUser } from "@/lib/auth/session";
import { formatRequestNumber } from "@/lib/plan/build-plan";
import { getRequestForViewer } from "@/lib/requests/queries";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The stored plan of a request as a JSON download (same visibility as the request page). */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await getCurrentUser();
  if (!user) return Response.json({ error: "Sign in first." }, { status: 401 });
  const { id } = await params;
  const r = UUID.test(id) ? await getRequestForViewer(user, id) : null;
  if (!r || !r.plan) return Response.json({ error: "Not found." }, { status: 404 });
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
}
