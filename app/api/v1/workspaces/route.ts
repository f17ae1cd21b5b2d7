import { json, parseQuery } from "@/lib/api/http";
import { operations } from "@/lib/api/operations";
import { apiRoute } from "@/lib/api/route";
import { workspacesQuerySchema } from "@/lib/api/schemas";
import { listVisibleWorkspaces } from "@/lib/api/workspaces";

export const GET = apiRoute(operations.listWorkspaces, async ({ user, request }) =>
  json(await listVisibleWorkspaces(user, parseQuery(workspacesQuerySchema, request))),
);
