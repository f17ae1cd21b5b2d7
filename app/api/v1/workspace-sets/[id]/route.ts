import { idParam, json } from "@/lib/api/http";
import { operations } from "@/lib/api/operations";
import { apiRoute } from "@/lib/api/route";
import { workspaceSetBody } from "@/lib/changes/api";

export const GET = apiRoute(operations.getWorkspaceSet, async ({ user, params }) => {
  const { body, etag } = await workspaceSetBody(user, idParam(params.id));
  return json(body, { headers: { etag } });
});
