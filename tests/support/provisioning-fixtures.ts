/**
 * Approved requests for the provisioning tests and benchmark (until the approvals flow enqueues them itself): builds a
 * plan with the real plan builder from the seeded organisation and settings, stores the request as approved with a
 * QUEUED run, and enqueues the job through the transactional outbox. Not used by the product.
 */
import "server-only";
import { db } from "@/lib/db/client";
import { enqueueProvisioning } from "@/lib/jobs/queue";
import { buildPlan } from "@/lib/plan/build-plan";
import { planHash } from "@/lib/plan/hash";
import type { Plan, PlanEnvironment, PlanInput, PlanMember, PlanSettings } from "@/lib/plan/types";
import type { MemberRoleValue, RestrictionValue, VisibilityValue } from "@/lib/requests/schemas";
import { loadPlanSettings } from "@/lib/requests/plan-context";

export { directoryPrincipals, landingZoneFromSettings } from "@/lib/provisioning/simulated-azure";

export interface FixtureRequest {
  /** Unique per request: the plan's names (and the simulator's global names) derive from it. */
  scope: string;
  environments?: PlanEnvironment[];
  visibility?: VisibilityValue;
  restriction?: RestrictionValue;
  /** E-mails of seeded people with their workspace role. */
  members?: { email: string; role: MemberRoleValue }[];
  instanceVmSize?: string;
  devClusterSizes?: string[];
  pipelines?: string[];
  region?: string;
  requesterEmail?: string;
  teamSlug?: string;
}

export interface CreatedRequest {
  requestId: string;
  runId: string;
  number: number;
  plan: Plan;
  /** What the plan was built from (a workspace set's desired document is this without the settings). */
  input: PlanInput;
}

/** The plan settings from the database, exactly as a submitted request is planned. */
export async function loadSettingsForPlan(): Promise<PlanSettings> {
  return loadPlanSettings();
}

const DB_ROLE = { dataScientist: "DATA_SCIENTIST", dataEngineer: "DATA_ENGINEER", mlops: "MLOPS" } as const;

/** Builds the plan and stores the request (approved, with a QUEUED run) without enqueueing. */
export async function createApprovedRequestRow(spec: FixtureRequest, settings?: PlanSettings): Promise<CreatedRequest> {
  const planSettings = settings ?? (await loadSettingsForPlan());
  const environments = spec.environments ?? ["dev"];
  const team = await db.team.findUniqueOrThrow({ where: { slug: spec.teamSlug ?? "fraud" } });
  const requester = await db.user.findUniqueOrThrow({
    where: { email: spec.requesterEmail ?? "amara.okafor@contoso.com" },
  });
  const memberSpecs = spec.members ?? [
    { email: "amara.okafor@contoso.com", role: "dataScientist" as const },
    { email: "diana.reyes@contoso.com", role: "mlops" as const },
  ];
  const users = await db.user.findMany({ where: { email: { in: memberSpecs.map((m) => m.email) } } });
  const members: PlanMember[] = memberSpecs.map((m) => {
    const u = users.find((x) => x.email === m.email);
    if (!u?.entraObjectId) throw new Error(`fixture: ${m.email} is not a seeded person with an Entra object id`);
    return { userId: u.id, email: u.email, displayName: u.name, entraObjectId: u.entraObjectId, role: m.role };
  });
  const region = spec.region ?? planSettings.allowedRegions[0] ?? "westeurope";
  const compute = {
    instanceVmSize: spec.instanceVmSize ?? planSettings.vmSizes.find((v) => v.allowed)?.name ?? "Standard_DS3_v2",
    idleShutdownMinutes: 60,
    devClusters: (spec.devClusterSizes ?? [planSettings.vmSizes.find((v) => v.allowed)?.name ?? "Standard_DS3_v2"]).map(
      (vmSize) => ({ vmSize, maxNodes: 4 }),
    ),
    pipelines: spec.pipelines ?? (environments.some((e) => e !== "dev") ? ["scoring"] : []),
  };
  const created = await db.workspaceRequest.create({
    data: {
      status: environments.includes("prod") ? "STAKEHOLDER_APPROVED" : "APPROVED",
      requesterId: requester.id,
      pattern: "TEAM",
      teamId: team.id,
      scopeSlug: spec.scope,
      environments: environments.map((e) => e.toUpperCase() as "DEV" | "TEST" | "PROD"),
      visibility: (spec.visibility ?? "public").toUpperCase() as "PUBLIC" | "PRIVATE",
      restriction: (spec.restriction ?? "restricted").toUpperCase() as "RESTRICTED" | "UNRESTRICTED",
      region,
      compute,
      gitRepositoryUrl: `https://github.com/contoso/${spec.scope}`,
      costCenter: team.costCenter,
      justification: "Provisioning test fixture",
      draftStep: 5,
      submittedAt: new Date(),
      approvedAt: new Date(),
    },
  });
  const input: PlanInput = {
    requestId: created.id,
    requestNumber: created.number,
    requestedBy: requester.email,
    pattern: "team",
    team: {
      slug: spec.scope,
      costCenter: team.costCenter,
      businessDivision: team.businessDivision,
      allowedRegions: [],
    },
    project: null,
    environments,
    visibility: spec.visibility ?? "public",
    restriction: spec.restriction ?? "restricted",
    region,
    members,
    compute,
    gitRepositoryUrl: `https://github.com/contoso/${spec.scope}`,
    costCenter: team.costCenter,
    settings: planSettings,
  };
  const plan = buildPlan(input);
  const run = await db.$transaction(async (tx) => {
    await tx.workspaceRequest.update({
      where: { id: created.id },
      data: { plan: JSON.parse(JSON.stringify(plan)), planHash: planHash(plan) },
    });
    await tx.requestMember.createMany({
      data: members.map((m) => ({ requestId: created.id, userId: m.userId, role: DB_ROLE[m.role] })),
    });
    return tx.provisioningRun.create({ data: { requestId: created.id, attempt: 1, status: "QUEUED" } });
  });
  return { requestId: created.id, runId: run.id, number: created.number, plan, input };
}

/** Enqueues the run in its own transaction (what the approval does in the same transaction as its status change). */
export async function enqueueRun(created: Pick<CreatedRequest, "requestId" | "runId">): Promise<string | null> {
  return db.$transaction((tx) => enqueueProvisioning(tx, { requestId: created.requestId, runId: created.runId }));
}

export async function createApprovedRequest(spec: FixtureRequest, settings?: PlanSettings): Promise<CreatedRequest> {
  const created = await createApprovedRequestRow(spec, settings);
  await enqueueRun(created);
  return created;
}
