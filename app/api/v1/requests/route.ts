import { createRequestFromDocument, listVisibleRequests, requireRequest } from "@/lib/api/requests";
import { decodeBody, etagOf, json, parseBody, parseQuery, readBodyText } from "@/lib/api/http";
import { requestFingerprint, withIdempotency } from "@/lib/api/idempotency";
import { operations } from "@/lib/api/operations";
import { apiRoute } from "@/lib/api/route";
import { listRequestsQuerySchema } from "@/lib/api/schemas";
import { z } from "zod";

const submitFlag = z.object({ submit: z.boolean({ error: "submit is true or false." }).optional() });

export const POST = apiRoute(operations.createRequest, async ({ user, request }) => {
  const text = await readBodyText(request);
  const key = request.headers.get("idempotency-key");
  return withIdempotency(`user:${user.id}`, key, requestFingerprint("POST", "/requests", text), async () => {
    const { submit, ...document } = decodeBody(text);
    const flags = parseBody(submitFlag, { submit });
    const id = await createRequestFromDocument(user, document, flags.submit === true);
    const { body } = await requireRequest(user, id);
    return json(body, { status: 201, headers: { location: body.links.self, etag: etagOf(body.version) } });
  });
});

export const GET = apiRoute(operations.listRequests, async ({ user, request }) =>
  json(await listVisibleRequests(user, parseQuery(listRequestsQuerySchema, request))),
);
