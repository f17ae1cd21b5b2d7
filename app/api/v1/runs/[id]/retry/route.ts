import { idParam, json, readBodyText } from "@/lib/api/http";
import { requestFingerprint, withIdempotency } from "@/lib/api/idempotency";
import { operations } from "@/lib/api/operations";
import { apiRoute } from "@/lib/api/route";
import { runResource } from "@/lib/api/runs";
import { getCorrelationId } from "@/lib/correlation";
import { AppError } from "@/lib/errors";
import { retryRun } from "@/lib/provisioning/mutations";

export const POST = apiRoute(operations.retryRun, async ({ user, request, params }) => {
  const id = idParam(params.id);
  const key = request.headers.get("idempotency-key");
  const body = request.body ? await readBodyText(request) : "";
  return withIdempotency(`user:${user.id}`, key, requestFingerprint("POST", `/runs/${id}/retry`, body), async () => {
    const run = await runResource(user, id);
    if (!run.latest) throw new AppError("CONFLICT", "Only the request's latest run can be retried.");
    const result = await retryRun(user, run.requestId, await getCorrelationId());
    return json(result, { status: 201, headers: { location: `/api/v1/runs/${result.runId}` } });
  });
});
