// A small sample history for the embedded default and `npm run db:seed` (never production): requests in every
// state with their approvals, provisioning runs and steps, workspace inventory, notifications and audit events,
// so a new installation shows what Atrium does. Audit events go through recordAuditEvent, so the chain verifies.
// Past timestamps of requests, approvals and runs are backdated; audit events are recorded when the seed runs
// (their hash covers the time of recording) and carry the historical time as `at`.
//
// Scopes used here are fraud (team), churn and fraudrt (projects) and the shared divisions risk, marketing and
// operations; the end-to-end journeys use other scopes (supply, insights, recsys, demand, fraudgraph).
// Over 500 lines on purpose: it is data — one hand-written request per lifecycle state, each with its whole story.
import type { PrismaClient } from "@/generated/prisma/client";
import type { Environment } from "@/generated/prisma/enums";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-event";
import type { Tx } from "@/lib/db/client";
import { approveRequest, type DecisionActor } from "@/lib/approvals/mutations";
import { stopProducer } from "@/lib/jobs/queue";
import { formatRequestNumber } from "@/lib/plan/build-plan";
import type { Plan } from "@/lib/plan/types";
import { createSubmittedRequest, type RequestSpec } from "@/lib/db/request-fixtures";

const DAY = 86_400_000;
const NOW = () => Date.now();
const at = (daysAgo: number, hours = 0) => new Date(NOW() - daysAgo * DAY + hours * 3_600_000);

const PEOPLE: Record<"fatima" | "george" | "hannah", DecisionActor> = {
  fatima: { id: "usr-fatima", name: "Fatima Khan", roles: ["ADMIN"] },
  george: { id: "usr-george", name: "George Mensah", roles: ["ADMIN", "REQUESTER"] },
  hannah: { id: "usr-hannah", name: "Hannah Schmidt", roles: ["STAKEHOLDER"] },
};

const PROVISIONER: Actor = { kind: "system", name: "provisioner" };
const user = (id: string): Actor => ({ kind: "user", id });

type Created = Awaited<ReturnType<typeof createSubmittedRequest>>;

async function submit(db: PrismaClient, spec: RequestSpec, submittedAt: Date): Promise<Created> {
  return createSubmittedRequest(db, spec, {
    audit: true,
    submittedAt,
    correlationId: `demo-${spec.requesterId}-${submittedAt.getTime()}`,
  });
}

/** Past admin approval (rows written directly, backdated). Used for requests whose story is already over. */
async function pastApproval(
  tx: Tx,
  req: Created,
  approverId: string,
  when: Date,
  toStatus: "APPROVED" | "REJECTED",
  reason?: string,
) {
  await tx.approval.create({
    data: {
      requestId: req.id,
      stage: "ADMIN",
      decision: toStatus === "APPROVED" ? "APPROVED" : "REJECTED",
      approverId,
      planHash: req.planHash,
      comment: reason ?? null,
      createdAt: when,
    },
  });
  await recordAuditEvent(tx, {
    actor: user(approverId),
    action: toStatus === "APPROVED" ? "request.approved" : "request.rejected",
    entityType: "request",
    entityId: req.id,
    requestId: req.id,
    before: { status: "submitted", version: req.version },
    after: {
      status: toStatus.toLowerCase(),
      version: req.version + 1,
      stage: "ADMIN",
      planHash: req.planHash,
      ...(reason ? { reason } : {}),
      at: when.toISOString(),
    },
    correlationId: `demo-${req.id}-decision`,
  });
}

/** A finished provisioning run: every step up to `failAt` succeeded; the step `failAt` failed with Azure's error. */
async function pastRun(
  tx: Tx,
  req: Created,
  plan: Plan,
  start: Date,
  outcome: { ok: true } | { ok: false; failAt: string; code: string; message: string },
  triggeredById: string,
) {
  const finished = new Date(start.getTime() + 11 * 60_000);
  const run = await tx.provisioningRun.create({
    data: {
      requestId: req.id,
      attempt: 1,
      status: outcome.ok ? "SUCCEEDED" : "FAILED",
      triggeredById,
      failedStepKey: outcome.ok ? null : outcome.failAt,
      errorCode: outcome.ok ? null : outcome.code,
      errorMessage: outcome.ok ? null : outcome.message,
      createdAt: start,
      startedAt: new Date(start.getTime() + 5_000),
      finishedAt: finished,
    },
    select: { id: true },
  });
  const failIndex = outcome.ok ? -1 : plan.steps.findIndex((s) => s.id === outcome.failAt);
  await tx.provisioningStep.createMany({
    data: plan.steps.map((s, i) => {
      const done = outcome.ok || i < failIndex;
      const failed = !outcome.ok && i === failIndex;
      const stepStart = new Date(start.getTime() + 10_000 + i * 4_000);
      return {
        requestId: req.id,
        stepKey: s.id,
        environment: s.environment ? (s.environment.toUpperCase() as Environment) : null,
        kind: s.kind,
        name: s.name,
        resourceId: s.resourceId,
        status: done ? "SUCCEEDED" : failed ? "FAILED" : "PENDING",
        attempts: done || failed ? 1 : 0,
        runId: run.id,
        startedAt: done || failed ? stepStart : null,
        finishedAt: done || failed ? new Date(stepStart.getTime() + 30_000) : null,
        errorCode: failed && !outcome.ok ? outcome.code : null,
        errorMessage: failed && !outcome.ok ? outcome.message : null,
      } as const;
    }),
  });
  await recordAuditEvent(tx, {
    actor: PROVISIONER,
    action: "request.provisioning_started",
    entityType: "request",
    entityId: req.id,
    requestId: req.id,
    before: { status: "APPROVED" },
    after: { status: "PROVISIONING", runId: run.id, attempt: 1, at: start.toISOString() },
    correlationId: run.id,
  });
  return { runId: run.id, finished };
}

async function provisioned(db: PrismaClient, spec: RequestSpec) {
  const req = await submit(db, spec, at(21));
  await db.$transaction(
    async (tx) => {
      const row = await tx.workspaceRequest.findUniqueOrThrow({
        where: { id: req.id },
        select: { plan: true, teamId: true, projectId: true, scopeSlug: true, estimatedMonthlyUsd: true },
      });
      const plan = row.plan as unknown as Plan;
      await pastApproval(tx, req, PEOPLE.fatima.id, at(20), "APPROVED");
      const { runId, finished } = await pastRun(tx, req, plan, at(20, 1), { ok: true }, PEOPLE.fatima.id);
      const workspaces = plan.steps.filter((s) => s.kind === "workspace");
      for (const ws of workspaces) {
        const created = await tx.workspace.create({
          data: {
            requestId: req.id,
            environment: ws.environment!.toUpperCase() as Environment,
            armId: ws.resourceId,
            name: ws.name,
            region: plan.region,
            scopeSlug: plan.scopeSlug,
            teamId: row.teamId!,
            projectId: row.projectId,
            monthlyUsd: row.estimatedMonthlyUsd ? Number(row.estimatedMonthlyUsd.toString()) / workspaces.length : null,
            createdAt: finished,
          },
          select: { id: true },
        });
        await recordAuditEvent(tx, {
          actor: PROVISIONER,
          action: "workspace.verified",
          entityType: "workspace",
          entityId: created.id,
          requestId: req.id,
          after: {
            armId: ws.resourceId,
            environment: ws.environment!.toUpperCase(),
            mismatches: 0,
            at: finished.toISOString(),
          },
          correlationId: runId,
        });
      }
      await tx.workspaceRequest.update({
        where: { id: req.id },
        data: {
          status: "PROVISIONED",
          version: { increment: 3 },
          approvedAt: at(20),
          provisioningAt: at(20, 1),
          provisionedAt: finished,
        },
      });
      await recordAuditEvent(tx, {
        actor: PROVISIONER,
        action: "request.provisioned",
        entityType: "request",
        entityId: req.id,
        requestId: req.id,
        before: { status: "PROVISIONING" },
        after: {
          status: "PROVISIONED",
          runId,
          attempt: 1,
          workspaces: workspaces.map((w) => w.resourceId),
          at: finished.toISOString(),
        },
        correlationId: runId,
      });
      const number = await numberOf(tx, req.id);
      await tx.notification.createMany({
        data: [
          {
            userId: spec.requesterId,
            kind: "request.approved",
            title: `${number} approved`,
            body: "Fatima Khan gave the admin approval. Provisioning is queued.",
            requestId: req.id,
            createdAt: at(20),
            readAt: at(20),
          },
          {
            userId: spec.requesterId,
            kind: "provisioning.succeeded",
            title: `${number}: workspaces ready`,
            body: `Atrium created and verified ${plan.steps.length} resources in ${plan.environments.join(", ")}.`,
            requestId: req.id,
            createdAt: finished,
          },
        ],
      });
    },
    { timeout: 60_000 },
  );
}

async function failed(db: PrismaClient, spec: RequestSpec) {
  const req = await submit(db, spec, at(9));
  await db.$transaction(
    async (tx) => {
      const row = await tx.workspaceRequest.findUniqueOrThrow({ where: { id: req.id }, select: { plan: true } });
      const plan = row.plan as unknown as Plan;
      await pastApproval(tx, req, PEOPLE.george.id, at(8, 2), "APPROVED");
      const failing = plan.steps.find((s) => s.kind === "computeCluster") ?? plan.steps[plan.steps.length - 1];
      const error = {
        ok: false as const,
        failAt: failing.id,
        code: "QuotaExceeded",
        message: `Operation could not be completed as it results in exceeding approved standardDSv2Family Cores quota. Location: ${plan.region}, Current Limit: 10, Current Usage: 8, Additional Required: 16.`,
      };
      const { runId, finished } = await pastRun(tx, req, plan, at(8, 3), error, PEOPLE.george.id);
      await tx.workspaceRequest.update({
        where: { id: req.id },
        data: { status: "FAILED", version: { increment: 3 }, approvedAt: at(8, 2), provisioningAt: at(8, 3) },
      });
      await recordAuditEvent(tx, {
        actor: PROVISIONER,
        action: "request.provisioning_failed",
        entityType: "request",
        entityId: req.id,
        requestId: req.id,
        before: { status: "PROVISIONING" },
        after: {
          status: "FAILED",
          runId,
          attempt: 1,
          failedStepKey: error.failAt,
          errorCode: error.code,
          errorMessage: error.message,
          at: finished.toISOString(),
        },
        correlationId: runId,
      });
      const number = await numberOf(tx, req.id);
      await tx.notification.create({
        data: {
          userId: spec.requesterId,
          kind: "provisioning.failed",
          title: `${number}: provisioning failed`,
          body: error.message,
          requestId: req.id,
          createdAt: finished,
        },
      });
    },
    { timeout: 60_000 },
  );
}

async function rejected(db: PrismaClient, spec: RequestSpec, reason: string) {
  const req = await submit(db, spec, at(6));
  await db.$transaction(async (tx) => {
    await pastApproval(tx, req, PEOPLE.fatima.id, at(5), "REJECTED", reason);
    await tx.workspaceRequest.update({
      where: { id: req.id },
      data: { status: "REJECTED", rejectionReason: reason, closedAt: at(5), version: { increment: 1 } },
    });
    const number = await numberOf(tx, req.id);
    await tx.notification.create({
      data: {
        userId: spec.requesterId,
        kind: "request.rejected",
        title: `${number} rejected`,
        body: `Fatima Khan rejected ${number}: ${reason}`,
        requestId: req.id,
        createdAt: at(5),
      },
    });
  });
}

async function cancelled(db: PrismaClient, spec: RequestSpec) {
  const req = await submit(db, spec, at(4));
  await db.$transaction(async (tx) => {
    await tx.workspaceRequest.update({
      where: { id: req.id },
      data: { status: "CANCELLED", closedAt: at(3), version: { increment: 1 } },
    });
    await recordAuditEvent(tx, {
      actor: user(spec.requesterId),
      action: "request.cancelled",
      entityType: "request",
      entityId: req.id,
      requestId: req.id,
      before: { status: "submitted", version: req.version },
      after: { status: "cancelled", version: req.version + 1, at: at(3).toISOString() },
      correlationId: `demo-${req.id}-cancel`,
    });
  });
}

async function draft(db: PrismaClient) {
  const team = await db.team.findUniqueOrThrow({ where: { slug: "fraud" } });
  await db.$transaction(async (tx) => {
    const created = await tx.workspaceRequest.create({
      data: {
        requesterId: "usr-ben",
        status: "DRAFT",
        pattern: "SHARED",
        teamId: team.id,
        scopeSlug: team.businessDivision,
        costCenter: team.costCenter,
        justification: "Ad-hoc analysis of chargeback patterns for the risk division.",
        draftStep: 2,
        createdAt: at(1),
      },
      select: { id: true, number: true },
    });
    await recordAuditEvent(tx, {
      actor: user("usr-ben"),
      action: "request.drafted",
      entityType: "request",
      entityId: created.id,
      requestId: created.id,
      after: {
        status: "draft",
        number: formatRequestNumber(created.number),
        scope: team.businessDivision,
        at: at(1).toISOString(),
      },
      correlationId: `demo-${created.id}-draft`,
    });
  });
}

async function numberOf(tx: Tx, id: string) {
  const r = await tx.workspaceRequest.findUniqueOrThrow({ where: { id }, select: { number: true } });
  return formatRequestNumber(r.number);
}

const base = (
  overrides: Partial<RequestSpec> &
    Pick<RequestSpec, "requesterId" | "pattern" | "team" | "environments" | "members" | "costCenter" | "justification">,
): RequestSpec => ({
  visibility: "PUBLIC",
  restriction: "RESTRICTED",
  region: "westeurope",
  ...overrides,
});

/** Adds the demo history once (skipped when the database already holds requests). */
export async function seedDemoHistory(db: PrismaClient) {
  if ((await db.workspaceRequest.count()) > 0) return { skipped: true };
  try {
    // PROVISIONED: the fraud team's dev and test workspaces, approved by Fatima, created by Atrium.
    await provisioned(
      db,
      base({
        requesterId: "usr-amara",
        pattern: "TEAM",
        team: "fraud",
        environments: ["DEV", "TEST"],
        members: [
          { userId: "usr-amara", role: "DATA_SCIENTIST" },
          { userId: "usr-ben", role: "DATA_SCIENTIST" },
          { userId: "usr-diana", role: "MLOPS" },
        ],
        gitRepositoryUrl: "https://github.com/contoso/fraud-models",
        costCenter: "CC-4100",
        justification: "Shared experimentation space for the fraud analytics team's card and account models.",
      }),
    );
    // FAILED: the churn project's dev workspace hit the subscription's core quota on a cluster.
    await failed(
      db,
      base({
        requesterId: "usr-chen",
        pattern: "PROJECT",
        team: "insights",
        project: "churn",
        environments: ["DEV"],
        region: "swedencentral",
        members: [
          { userId: "usr-chen", role: "DATA_SCIENTIST" },
          { userId: "usr-erik", role: "MLOPS" },
        ],
        compute: {
          instanceVmSize: "Standard_DS3_v2",
          idleShutdownMinutes: 60,
          devClusters: [{ vmSize: "Standard_D13_v2", maxNodes: 2 }],
          pipelines: [],
        },
        costCenter: "CC-5210",
        justification: "Churn prediction for the retail bank, replacing the 2019 model.",
      }),
    );
    // REJECTED with a reason.
    await rejected(
      db,
      base({
        requesterId: "usr-jonas",
        pattern: "SHARED",
        team: "supply",
        environments: ["DEV", "TEST", "PROD"],
        region: "eastus",
        restriction: "UNRESTRICTED",
        members: [{ userId: "usr-jonas", role: "DATA_SCIENTIST" }],
        costCenter: "CC-6300",
        justification: "Individual forecasting experiments for the operations division.",
      }),
      "A shared division workspace does not need production; request dev and test, and use the demand project for production pipelines.",
    );
    // CANCELLED by its requester.
    await cancelled(
      db,
      base({
        requesterId: "usr-liam",
        pattern: "SHARED",
        team: "insights",
        environments: ["DEV"],
        members: [{ userId: "usr-liam", role: "DATA_ENGINEER" }],
        costCenter: "CC-5200",
        justification: "Exploration of marketing attribution data for the insights division.",
      }),
    );
    // DRAFT, not submitted yet.
    await draft(db);
    // SUBMITTED, waiting for an admin.
    await submit(
      db,
      base({
        requesterId: "usr-maya",
        pattern: "SHARED",
        team: "fraud",
        environments: ["DEV", "TEST"],
        region: "northeurope",
        members: [
          { userId: "usr-maya", role: "DATA_SCIENTIST" },
          { userId: "usr-ben", role: "DATA_ENGINEER" },
        ],
        costCenter: "CC-4100",
        justification: "Individual risk-division analysis of merchant chargeback data.",
      }),
      at(1, 2),
    );
    // APPROVED by an admin, waiting for a stakeholder (production) — through the real approval path.
    const rt = await submit(
      db,
      base({
        requesterId: "usr-amara",
        pattern: "PROJECT",
        team: "fraud",
        project: "fraudrt",
        environments: ["DEV", "TEST", "PROD"],
        visibility: "PRIVATE",
        members: [
          { userId: "usr-amara", role: "DATA_SCIENTIST" },
          { userId: "usr-diana", role: "MLOPS" },
        ],
        compute: {
          instanceVmSize: "Standard_DS3_v2",
          idleShutdownMinutes: 30,
          devClusters: [{ vmSize: "Standard_DS11_v2", maxNodes: 4 }],
          pipelines: ["scoring", "retraining"],
        },
        gitRepositoryUrl: "https://github.com/contoso/fraud-realtime",
        costCenter: "CC-4110",
        justification: "Real-time fraud scoring: development, integration testing and the production scoring pipeline.",
      }),
      at(2),
    );
    await approveRequest(
      PEOPLE.george,
      "ADMIN",
      {
        requestId: rt.id,
        version: rt.version,
        planHash: rt.planHash,
        comment: "Private Link and restricted access as the fraud data requires.",
      },
      `demo-${rt.id}-admin`,
    );
    // STAKEHOLDER_APPROVED: both approvals given; provisioning is queued (the in-process worker picks it up).
    const mk = await submit(
      db,
      base({
        requesterId: "usr-chen",
        pattern: "SHARED",
        team: "insights",
        environments: ["DEV", "TEST", "PROD"],
        region: "swedencentral",
        members: [{ userId: "usr-chen", role: "DATA_SCIENTIST" }],
        compute: {
          instanceVmSize: "Standard_DS11_v2",
          idleShutdownMinutes: 60,
          devClusters: [],
          pipelines: ["attribution"],
        },
        costCenter: "CC-5200",
        justification: "Marketing attribution models for the insights division, with a production scoring pipeline.",
      }),
      at(0, -3),
    );
    await approveRequest(
      PEOPLE.fatima,
      "ADMIN",
      { requestId: mk.id, version: mk.version, planHash: mk.planHash },
      `demo-${mk.id}-admin`,
    );
    await approveRequest(
      PEOPLE.hannah,
      "STAKEHOLDER",
      {
        requestId: mk.id,
        version: mk.version + 1,
        planHash: mk.planHash,
        comment: "Budget confirmed with marketing finance.",
      },
      `demo-${mk.id}-stakeholder`,
    );
  } finally {
    await stopProducer();
  }
  return { skipped: false };
}
