import { approveThroughApi } from "@/lib/api/decisions";
import { idParam } from "@/lib/api/http";
import { operations } from "@/lib/api/operations";
import { apiRoute } from "@/lib/api/route";

export const POST = apiRoute(operations.approveRequest, async (ctx) => approveThroughApi(ctx, idParam(ctx.params.id)));
