// Builds submitted requests directly in the database (for the demo history and the tests): the row, its
// members and the exact plan, hash and cost estimate the submit path would store. Not used by the portal itself.
import { Prisma, type PrismaClient } from "@/generated/prisma/client";
import type {
  Environment,
  NetworkVisibility,
  AccessRestriction,
  OrgPattern,
  WorkspaceRole,
} from "@/generated/prisma/enums";
import { recordAuditEvent } from "@/lib/audit/record-event";
import type { Tx } from "@/lib/db/client";
import { recomputePlanForRequest } from "@/lib/requests/plan-context";
import type { CostEstimate } from "@/lib/plan/cost";
import type { Plan } from "@/lib/plan/types";

/** What the `plan` column holds (same shape as the requests domain's StoredPlan). */
type StoredPlan = Plan & { cost: CostEstimate };

export type RequestSpec = {
  requesterId: string;
  pattern: OrgPattern;
  team: string;
  project?: string;
  environments: Environment[];
  visibility: NetworkVisibility;
  restriction: AccessRestriction;
  region: string;
  members: { userId: string; role: WorkspaceRole }[];
  compute?: {
    instanceVmSize: string;
    idleShutdownMinutes: number;
    devClusters: { vmSize: string; maxNodes: number }[];
    pipelines: string[];
  };
  gitRepositoryUrl?: string;
  costCenter: string;
  justification: string;
};

const DEFAULT_COMPUTE = {
  instanceVmSize: "Standard_DS3_v2",
  idleShutdownMinutes: 60,
  devClusters: [{ vmSize: "Standard_DS11_v2", maxNodes: 4 }],
  pipelines: ["scoring"],
};

/** Inserts a request and moves it to SUBMITTED with its plan; `audit` also writes `request.submitted`. */
export async function createSubmittedRequest(
  client: PrismaClient,
  spec: RequestSpec,
  opts: { audit?: boolean; submittedAt?: Date; correlationId?: string } = {},
) {
  const [team, project] = await Promise.all([
    client.team.findUniqueOrThrow({ where: { slug: spec.team } }),
    spec.project ? client.project.findUniqueOrThrow({ where: { slug: spec.project } }) : null,
  ]);
  const scopeSlug =
    spec.pattern === "PROJECT" ? project!.slug : spec.pattern === "SHARED" ? team.businessDivision : team.slug;
  const submittedAt = opts.submittedAt ?? new Date();
  return client.$transaction(
    async (tx) => {
      const created = await tx.workspaceRequest.create({
        data: {
          requesterId: spec.requesterId,
          status: "DRAFT",
          pattern: spec.pattern,
          teamId: team.id,
          projectId: project?.id ?? null,
          scopeSlug,
          environments: spec.environments,
          visibility: spec.visibility,
          restriction: spec.restriction,
          region: spec.region,
          compute: (spec.compute ?? DEFAULT_COMPUTE) as unknown as Prisma.InputJsonValue,
          gitRepositoryUrl: spec.gitRepositoryUrl ?? null,
          costCenter: spec.costCenter,
          justification: spec.justification,
          draftStep: 5,
          createdAt: submittedAt,
          members: { createMany: { data: spec.members } },
        },
        select: { id: true, number: true },
      });
      const planned = await storePlan(tx, created.id, { status: "SUBMITTED", submittedAt });
      if (opts.audit) {
        await recordAuditEvent(tx, {
          actor: { kind: "user", id: spec.requesterId },
          action: "request.submitted",
          entityType: "request",
          entityId: created.id,
          requestId: created.id,
          before: { status: "draft", version: 1 },
          after: {
            status: "submitted",
            version: 2,
            planHash: planned.planHash,
            estimatedMonthlyUsd: planned.monthlyUsd,
            scope: scopeSlug,
          },
          correlationId: opts.correlationId ?? `seed-${created.id}`,
        });
      }
      return { id: created.id, number: created.number, version: 2, planHash: planned.planHash };
    },
    { timeout: 30_000 },
  );
}

/** Computes the request's plan and stores it with its hash and cost (bumping the version). */
export async function storePlan(tx: Tx, requestId: string, data: Prisma.WorkspaceRequestUpdateInput = {}) {
  const outcome = await recomputePlanForRequest(requestId, tx);
  if (!outcome?.ok)
    throw new Error(
      `The request's plan can't be built: ${JSON.stringify(outcome && !outcome.ok ? outcome.fieldErrors : null)}`,
    );
  const stored: StoredPlan = { ...outcome.plan, cost: outcome.cost };
  await tx.workspaceRequest.update({
    where: { id: requestId },
    data: {
      ...data,
      plan: stored as unknown as Prisma.InputJsonValue,
      planHash: outcome.planHash,
      estimatedMonthlyUsd: new Prisma.Decimal(outcome.cost.monthlyTotal.toFixed(2)),
      version: { increment: 1 },
    },
  });
  return { planHash: outcome.planHash, monthlyUsd: outcome.cost.monthlyTotal, plan: outcome.plan };
}
