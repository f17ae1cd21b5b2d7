import { etagOf, idParam, json, versionForChange } from "@/lib/api/http";
import { operations } from "@/lib/api/operations";
import { requireRequest } from "@/lib/api/requests";
import { apiRoute } from "@/lib/api/route";
import { AppError } from "@/lib/errors";
import { submitRequest } from "@/lib/requests/mutations";

export const POST = apiRoute(operations.submitRequest, async ({ user, request, params }) => {
  const { detail } = await requireRequest(user, idParam(params.id));
  const version = versionForChange(request, detail.version);
  if (detail.status !== "draft") throw new AppError("CONFLICT", `A ${detail.status} request can't be submitted again.`);
  await submitRequest(user, { id: detail.id, version });
  const { body } = await requireRequest(user, detail.id);
  return json(body, { headers: { etag: etagOf(body.version) } });
});
