import { idParam, json, readBodyText } from "@/lib/api/http";
import { requestFingerprint, withIdempotency } from "@/lib/api/idempotency";
import { operations } from "@/lib/api/operations";
import { apiRoute } from "@/lib/api/route";
import { findSetIdFor } from "@/lib/changes/sets";
import { getCorrelationId } from "@/lib/correlation";
import { requestDriftScan } from "@/lib/drift/mutations";
import { AppError } from "@/lib/errors";

export const POST = apiRoute(operations.createDriftScan, async ({ user, request, params }) => {
  const id = idParam(params.id);
  const key = request.headers.get("idempotency-key");
  const body = request.body ? await readBodyText(request) : "";
  return withIdempotency(
    `user:${user.id}`,
    key,
    requestFingerprint("POST", `/workspace-sets/${id}/drift-scans`, body),
    async () => {
      const setId = await findSetIdFor(id);
      if (!setId) throw new AppError("NOT_FOUND", "No such workspace set.");
      const result = await requestDriftScan(user, setId, await getCorrelationId());
      return json(
        { workspaceSetId: setId, ...result },
        { status: 202, headers: { location: `/api/v1/workspace-sets/${setId}/drift` } },
      );
    },
  );
});
