import { idParam, json } from "@/lib/api/http";
import { operations } from "@/lib/api/operations";
import { apiRoute } from "@/lib/api/route";
import { runResource } from "@/lib/api/runs";

export const GET = apiRoute(operations.getRun, async ({ user, params }) => {
  const { canRetry: _canRetry, ...run } = await runResource(user, idParam(params.id));
  return json(run);
});
