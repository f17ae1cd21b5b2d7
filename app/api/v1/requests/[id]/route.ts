import { etagOf, idParam, json } from "@/lib/api/http";
import { operations } from "@/lib/api/operations";
import { requireRequest } from "@/lib/api/requests";
import { apiRoute } from "@/lib/api/route";

export const GET = apiRoute(operations.getRequest, async ({ user, params }) => {
  const { body } = await requireRequest(user, idParam(params.id));
  return json(body, { headers: { etag: etagOf(body.version) } });
});
