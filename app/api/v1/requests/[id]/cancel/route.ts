import { etagOf, idParam, json, versionForChange } from "@/lib/api/http";
import { operations } from "@/lib/api/operations";
import { requireRequest } from "@/lib/api/requests";
import { apiRoute } from "@/lib/api/route";
import { cancelRequest } from "@/lib/requests/mutations";

export const POST = apiRoute(operations.cancelRequest, async ({ user, request, params }) => {
  const { detail } = await requireRequest(user, idParam(params.id));
  versionForChange(request, detail.version);
  await cancelRequest(user, { id: detail.id });
  const { body } = await requireRequest(user, detail.id);
  return json(body, { headers: { etag: etagOf(body.version) } });
});
