import { idParam, json, parseBody, decodeBody, readBodyText } from "@/lib/api/http";
import { operations } from "@/lib/api/operations";
import { apiRoute } from "@/lib/api/route";
import { findSetIdFor } from "@/lib/changes/sets";
import { getCorrelationId } from "@/lib/correlation";
import { AppError } from "@/lib/errors";
import { extendLease } from "@/lib/leases/leases";
import { extendLeaseSchema } from "@/lib/leases/rules";

export const POST = apiRoute(operations.extendLease, async ({ user, request, params }) => {
  const input = parseBody(extendLeaseSchema, decodeBody(await readBodyText(request)));
  const setId = await findSetIdFor(idParam(params.id));
  if (!setId) throw new AppError("NOT_FOUND", "No such workspace set.");
  const outcome = await extendLease(user, setId, input, await getCorrelationId());
  return outcome.applied
    ? json({ workspaceSetId: setId, applied: true, expiresAt: outcome.expiresAt.toISOString(), requestId: null })
    : json(
        {
          workspaceSetId: setId,
          applied: false,
          expiresAt: outcome.requestedExpiresAt.toISOString(),
          requestId: outcome.requestId,
        },
        { status: 202 },
      );
});
