import { decodeBody, idParam, json, parseBody, readBodyText } from "@/lib/api/http";
import { requestFingerprint, withIdempotency } from "@/lib/api/idempotency";
import { operations } from "@/lib/api/operations";
import { apiRoute } from "@/lib/api/route";
import { createChangeFromApi } from "@/lib/changes/api";
import { changeRequestBodySchema } from "@/lib/changes/schemas";
import { getCorrelationId } from "@/lib/correlation";

export const POST = apiRoute(operations.createChangeRequest, async ({ user, request, params }) => {
  const id = idParam(params.id);
  const text = await readBodyText(request);
  const key = request.headers.get("idempotency-key");
  const path = `/workspaces/${id}/change-requests`;
  return withIdempotency(`user:${user.id}`, key, requestFingerprint("POST", path, text), async () => {
    const body = parseBody(changeRequestBodySchema, decodeBody(text));
    const result = await createChangeFromApi(user, id, request, body, await getCorrelationId());
    return json(result, { status: 201, headers: { location: result.links.request } });
  });
});
