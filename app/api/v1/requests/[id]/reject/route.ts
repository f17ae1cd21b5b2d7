import { rejectThroughApi } from "@/lib/api/decisions";
import { idParam } from "@/lib/api/http";
import { operations } from "@/lib/api/operations";
import { apiRoute } from "@/lib/api/route";

export const POST = apiRoute(operations.rejectRequest, async (ctx) => rejectThroughApi(ctx, idParam(ctx.params.id)));
