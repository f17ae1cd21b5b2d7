import "server-only";
/**
 * Loads what the pure plan and rule functions need from the database: portal settings, the team,
 * the project, the members (by e-mail) and the scope's existing workspaces and open requests.
 * Used by the wizard, the submit action, the `npm run plan` CLI and the approvals (hash
 * recomputation) — keep these functions exported and free of session handling.
 */
import type { Environment } from "@/generated/prisma/enums";
import { db, type Db, type Tx } from "@/lib/db/client";
import { buildPlan, checkPlanNames, orderedEnvironments } from "@/lib/plan/build-plan";
import { estimateCost, type CostEstimate } from "@/lib/plan/cost";
import { planHash } from "@/lib/plan/hash";
import type { Plan, PlanInput, PlanSettings } from "@/lib/plan/types";
import { checkRequestRules, OPEN_STATUSES, scopeSlugFor, type RuleContext } from "./rules";
import { addFieldError, mergeFieldErrors, parseWith, type FieldErrors } from "@/lib/validation/field-errors";
import {
  fromDbEnvironment,
  fromDbMemberRole,
  fromDbPattern,
  fromDbRestriction,
  fromDbStatus,
  fromDbVisibility,
  toDbStatus,
  workspaceRequestSchema,
  type EnvironmentValue,
  type WorkspaceRequestInput,
} from "./schemas";

type Client = Db | Tx;

/** The portal settings in the shape the plan needs. Throws when the settings row is missing (the seed creates it). */
export async function loadPlanSettings(client: Client = db): Promise<PlanSettings> {
  const [settings, subscriptions, vmSizes, admins] = await Promise.all([
    client.portalSettings.findUnique({ where: { id: 1 } }),
    client.environmentSubscription.findMany(),
    client.vmSize.findMany({ orderBy: { name: "asc" } }),
    client.user.findMany({
      where: { roles: { has: "ADMIN" }, disabled: false, entraObjectId: { not: null } },
      select: { id: true, name: true, email: true, entraObjectId: true },
      orderBy: { id: "asc" },
    }),
  ]);
  if (!settings)
    throw new Error("Portal settings are missing: run the seed (npm run db:seed) or ask an admin to configure Atrium.");
  const sub = (env: Environment) => subscriptions.find((s) => s.environment === env)?.subscriptionId ?? "";
  return {
    tenantId: settings.azureTenantId,
    subscriptions: { dev: sub("DEV"), test: sub("TEST"), prod: sub("PROD") },
    allowedRegions: settings.allowedRegions,
    privateEndpointSubnetId: settings.privateEndpointSubnetId,
    privateDnsZoneIds: settings.privateDnsZoneIds,
    vmSizes: vmSizes.map((v) => ({
      name: v.name,
      vcpus: v.vcpus,
      hourlyPriceUsd: Number(v.hourlyPriceUsd.toString()),
      allowed: v.allowed,
    })),
    portalAdmins: admins.map((a) => ({
      userId: a.id,
      entraObjectId: a.entraObjectId!,
      displayName: a.name,
      email: a.email,
    })),
  };
}

export interface ResolvedRequest {
  team: {
    id: string;
    slug: string;
    name: string;
    costCenter: string;
    businessDivision: string;
    allowedRegions: string[];
  } | null;
  project: { id: string; slug: string; name: string; teamSlug: string; costCenter: string } | null;
  members: ({
    userId: string;
    email: string;
    displayName: string;
    entraObjectId: string | null;
    disabled: boolean;
  } | null)[];
  scopeSlug: string | null;
}

/** Looks up the team, project and members a (possibly partial) request names. */
export async function resolveRequest(
  input: Partial<WorkspaceRequestInput>,
  client: Client = db,
): Promise<ResolvedRequest> {
  const emails = (input.members ?? []).map((m) => m.email.toLowerCase());
  const [team, project, users] = await Promise.all([
    input.team ? client.team.findUnique({ where: { slug: input.team } }) : null,
    input.project
      ? client.project.findUnique({ where: { slug: input.project }, include: { team: { select: { slug: true } } } })
      : null,
    emails.length
      ? client.user.findMany({
          where: { email: { in: emails, mode: "insensitive" } },
          select: { id: true, email: true, name: true, entraObjectId: true, disabled: true },
        })
      : [],
  ]);
  const byEmail = new Map(users.map((u) => [u.email.toLowerCase(), u]));
  const resolvedTeam = team
    ? {
        id: team.id,
        slug: team.slug,
        name: team.name,
        costCenter: team.costCenter,
        businessDivision: team.businessDivision,
        allowedRegions: team.allowedRegions,
      }
    : null;
  return {
    team: resolvedTeam,
    project: project
      ? {
          id: project.id,
          slug: project.slug,
          name: project.name,
          teamSlug: project.team.slug,
          costCenter: project.costCenter,
        }
      : null,
    members: emails.map((e) => {
      const u = byEmail.get(e);
      return u
        ? {
            userId: u.id,
            email: u.email.toLowerCase(),
            displayName: u.name,
            entraObjectId: u.entraObjectId,
            disabled: u.disabled,
          }
        : null;
    }),
    scopeSlug:
      input.pattern && input.team
        ? scopeSlugFor({ pattern: input.pattern, team: input.team, project: input.project }, resolvedTeam)
        : null,
  };
}

/** Active workspaces and other open requests of a scope (the "one workspace per scope and environment" rule). */
export async function loadScopeClaims(scopeSlug: string | null, excludeRequestId: string | null, client: Client = db) {
  if (!scopeSlug) return { activeWorkspaces: [], openRequests: [] };
  const [workspaces, requests] = await Promise.all([
    client.workspace.findMany({
      where: { scopeSlug, status: "ACTIVE" },
      select: { name: true, environment: true, request: { select: { number: true } } },
      orderBy: { createdAt: "asc" },
    }),
    client.workspaceRequest.findMany({
      where: {
        scopeSlug,
        status: { in: OPEN_STATUSES.map(toDbStatus) },
        ...(excludeRequestId ? { id: { not: excludeRequestId } } : {}),
      },
      select: { number: true, status: true, environments: true },
      orderBy: { number: "asc" },
    }),
  ]);
  return {
    activeWorkspaces: workspaces.map((w) => ({
      name: w.name,
      environment: fromDbEnvironment(w.environment),
      requestNumber: w.request?.number ?? null,
    })),
    openRequests: requests.map((r) => ({
      number: r.number,
      status: fromDbStatus(r.status),
      environments: r.environments.map(fromDbEnvironment),
    })),
  };
}

export async function loadRuleContext(
  input: Partial<WorkspaceRequestInput>,
  opts: { requesterTeamSlugs: string[] | null; excludeRequestId?: string | null },
  client: Client = db,
): Promise<{ ctx: RuleContext; resolved: ResolvedRequest; settings: PlanSettings }> {
  const [resolved, settings] = await Promise.all([resolveRequest(input, client), loadPlanSettings(client)]);
  const claims = await loadScopeClaims(resolved.scopeSlug, opts.excludeRequestId ?? null, client);
  const ctx: RuleContext = {
    team: resolved.team,
    project: resolved.project,
    settings: { allowedRegions: settings.allowedRegions, vmSizes: settings.vmSizes },
    members: resolved.members,
    ...claims,
    requesterTeamSlugs: opts.requesterTeamSlugs,
  };
  return { ctx, resolved, settings };
}

export interface PlanMeta {
  requestId: string;
  requestNumber: number;
  requestedBy: string;
}

/** Assembles the pure plan input. Call only when the rules passed (team, members with object ids). */
export function toPlanInput(
  input: WorkspaceRequestInput,
  resolved: ResolvedRequest,
  settings: PlanSettings,
  meta: PlanMeta,
): PlanInput {
  if (!resolved.team) throw new Error("toPlanInput: the team is not resolved");
  return {
    ...meta,
    pattern: input.pattern,
    team: {
      slug: resolved.team.slug,
      costCenter: resolved.team.costCenter,
      businessDivision: resolved.team.businessDivision,
      allowedRegions: resolved.team.allowedRegions,
    },
    project:
      input.pattern === "project" && resolved.project
        ? { slug: resolved.project.slug, teamSlug: resolved.project.teamSlug, costCenter: resolved.project.costCenter }
        : null,
    environments: orderedEnvironments(input.environments),
    visibility: input.visibility,
    restriction: input.restriction,
    region: input.region,
    members: input.members.map((m, i) => {
      const r = resolved.members[i];
      if (!r?.entraObjectId) throw new Error(`toPlanInput: member ${m.email} has no Entra object id`);
      return {
        userId: r.userId,
        email: r.email,
        displayName: r.displayName,
        entraObjectId: r.entraObjectId,
        role: m.role,
      };
    }),
    compute: input.compute,
    gitRepositoryUrl: input.gitRepositoryUrl ?? null,
    costCenter: input.costCenter,
    settings,
  };
}

export type PlanOutcome =
  | {
      ok: true;
      input: WorkspaceRequestInput;
      plan: Plan;
      planHash: string;
      cost: CostEstimate;
      planInput: PlanInput;
      resolved: ResolvedRequest;
    }
  | { ok: false; fieldErrors: FieldErrors };

/** Settings that make planning impossible for the chosen environments, as field errors. */
function settingsErrors(input: WorkspaceRequestInput, settings: PlanSettings): FieldErrors {
  const errors: FieldErrors = {};
  for (const env of input.environments as EnvironmentValue[]) {
    if (!settings.subscriptions[env])
      addFieldError(
        errors,
        "environments",
        `No Azure subscription is configured for ${env}. Ask an admin to set one in the settings.`,
      );
  }
  if (
    input.visibility === "private" &&
    (!settings.privateEndpointSubnetId || settings.privateDnsZoneIds.length === 0)
  ) {
    addFieldError(
      errors,
      "visibility",
      "Private Link is not configured (no private-endpoint subnet or DNS zones). Choose public, or ask an admin to configure Private Link.",
    );
  }
  return errors;
}

/**
 * Validates a whole request (schema, rules, names) and builds its plan, hash and cost estimate.
 * `checkRules: false` rebuilds the plan of an already-submitted request (approvals recompute its
 * hash) without the "one workspace per scope" claims, which that request itself holds.
 */
export async function planRequest(
  raw: unknown,
  meta: PlanMeta,
  opts: { requesterTeamSlugs: string[] | null; excludeRequestId?: string | null; checkRules?: boolean },
  client: Client = db,
): Promise<PlanOutcome> {
  const parsed = parseWith(workspaceRequestSchema, raw);
  if (!parsed.ok) return parsed;
  const input = parsed.data;
  const { ctx, resolved, settings } = await loadRuleContext(input, opts, client);
  const ruleErrors = opts.checkRules === false ? {} : checkRequestRules(input, ctx);
  const errors = mergeFieldErrors(ruleErrors, settingsErrors(input, settings));
  // Without a team or a member's object id the plan can't be built; report what we have.
  if (!resolved.team || resolved.members.some((m) => !m?.entraObjectId || m.disabled)) {
    return { ok: false, fieldErrors: Object.keys(errors).length ? errors : checkRequestRules(input, ctx) };
  }
  const planInput = toPlanInput(input, resolved, settings, meta);
  const nameErrors = checkPlanNames(planInput);
  const all = mergeFieldErrors(errors, nameErrors);
  if (Object.keys(all).length > 0) return { ok: false, fieldErrors: all };
  const plan = buildPlan(planInput);
  return {
    ok: true,
    input,
    plan,
    planHash: planHash(plan),
    cost: estimateCost(plan, settings.vmSizes),
    planInput,
    resolved,
  };
}

/** The request as stored, in the shared schema's shape (members ordered by e-mail). */
export async function loadRequestInput(requestId: string, client: Client = db) {
  const row = await client.workspaceRequest.findUnique({
    where: { id: requestId },
    include: {
      team: { select: { slug: true } },
      project: { select: { slug: true } },
      requester: { select: { email: true } },
      members: { include: { user: { select: { email: true } } } },
    },
  });
  if (!row) return null;
  return { row, input: requestRowToInput(row) };
}

type RequestRowForInput = {
  pattern: Parameters<typeof fromDbPattern>[0] | null;
  team: { slug: string } | null;
  project: { slug: string } | null;
  environments: Environment[];
  visibility: Parameters<typeof fromDbVisibility>[0] | null;
  restriction: Parameters<typeof fromDbRestriction>[0] | null;
  region: string | null;
  members: { role: Parameters<typeof fromDbMemberRole>[0]; user: { email: string } }[];
  compute: unknown;
  gitRepositoryUrl: string | null;
  costCenter: string | null;
  justification: string | null;
};

/** A stored (possibly partial) draft as the wizard's raw input; absent parts are left out. */
export function requestRowToInput(row: RequestRowForInput): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (row.pattern) out.pattern = fromDbPattern(row.pattern);
  if (row.team) out.team = row.team.slug;
  if (row.project) out.project = row.project.slug;
  if (row.costCenter !== null) out.costCenter = row.costCenter;
  if (row.justification !== null) out.justification = row.justification;
  if (row.environments.length) out.environments = row.environments.map(fromDbEnvironment);
  if (row.visibility) out.visibility = fromDbVisibility(row.visibility);
  if (row.restriction) out.restriction = fromDbRestriction(row.restriction);
  if (row.region) out.region = row.region;
  if (row.members.length)
    out.members = [...row.members]
      .sort((a, b) => (a.user.email < b.user.email ? -1 : 1))
      .map((m) => ({ email: m.user.email, role: fromDbMemberRole(m.role) }));
  if (row.compute && typeof row.compute === "object") out.compute = row.compute;
  if (row.gitRepositoryUrl) out.gitRepositoryUrl = row.gitRepositoryUrl;
  return out;
}

/**
 * Rebuilds a stored request's plan from the current settings and directory (for approvals: if the
 * hash differs from the stored one, the request changed and earlier approvals are void).
 */
export async function recomputePlanForRequest(requestId: string, client: Client = db): Promise<PlanOutcome | null> {
  const loaded = await loadRequestInput(requestId, client);
  if (!loaded) return null;
  return planRequest(
    loaded.input,
    { requestId, requestNumber: loaded.row.number, requestedBy: loaded.row.requester.email },
    { requesterTeamSlugs: null, excludeRequestId: requestId, checkRules: false },
    client,
  );
}
