import { json } from "@/lib/api/http";
import { operations } from "@/lib/api/operations";
import { apiRoute } from "@/lib/api/route";
import { listApprovalQueue } from "@/lib/approvals/queries";
import { formatRequestNumber } from "@/lib/plan/build-plan";

export const GET = apiRoute(operations.listApprovals, async ({ user }) => {
  const queue = await listApprovalQueue(user);
  return json({
    items: queue.map((q) => ({
      id: q.id,
      number: formatRequestNumber(q.number),
      stage: q.stage,
      version: q.version,
      planHash: q.planHash,
      requester: q.requesterName,
      scope: q.scope,
      environments: q.environments.map((e) => e.toLowerCase()),
      estimatedMonthlyUsd: q.estimatedMonthlyUsd,
      submittedAt: q.submittedAt?.toISOString() ?? null,
      canDecide: q.canDecide,
      whyNot: q.whyNot,
    })),
  });
});
