/**
 * The request rules that need the directory, the settings and the existing workspaces
 * (issue 3, item 4). Pure: the caller loads a RuleContext (lib/requests/plan-context.ts) and gets
 * field errors back, each saying why and what to do. The wizard, the submit action and the CLI all
 * use this function, so they refuse the same requests with the same words.
 */
import { addFieldError, type FieldErrors } from "@/lib/validation/field-errors";
import type { EnvironmentValue, RequestStatusValue, WorkspaceRequestInput } from "./schemas";
import { STATUS_LABELS } from "./schemas";
import { slugPart } from "@/lib/plan/naming";

export interface RuleContext {
  /** The chosen team, or null when no team has that slug. */
  team: { slug: string; name: string; businessDivision: string; allowedRegions: string[] } | null;
  /** The chosen project (looked up by slug), or null when none has that slug. */
  project: { slug: string; name: string; teamSlug: string } | null;
  settings: { allowedRegions: string[]; vmSizes: { name: string; allowed: boolean }[] };
  /** One entry per request member, in the request's order; null when the e-mail is not in the directory. */
  members: ({ email: string; entraObjectId: string | null; disabled: boolean } | null)[];
  /** Active workspaces of the same scope. */
  activeWorkspaces: { name: string; environment: EnvironmentValue; requestNumber: number | null }[];
  /** Other requests for the same scope that are submitted, approved or provisioning. */
  openRequests: { number: number; status: RequestStatusValue; environments: EnvironmentValue[] }[];
  /** The requester's teams; null when nobody is requesting (the CLI), which skips the membership rule. */
  requesterTeamSlugs: string[] | null;
}

/** The statuses in which another request still claims its scope and environments. */
export const OPEN_STATUSES: RequestStatusValue[] = ["submitted", "approved", "stakeholderApproved", "provisioning"];

/** The slug that names the workspace set: team slug, project slug, or business-division slug for `shared`. */
export function scopeSlugFor(
  req: Pick<WorkspaceRequestInput, "pattern" | "team" | "project">,
  team: { businessDivision: string } | null,
): string | null {
  if (req.pattern === "project") return req.project ?? null;
  if (req.pattern === "shared") return team ? slugPart(team.businessDivision) || null : null;
  return req.team;
}

const req = (n: number) => `REQ-${String(n).padStart(5, "0")}`;

/**
 * Checks the rules for whatever parts of the request are present: the wizard calls it with a draft
 * that has only some steps filled in, the submit action and the CLI with the whole request.
 */
export function checkRequestRules(input: Partial<WorkspaceRequestInput>, ctx: RuleContext): FieldErrors {
  const errors: FieldErrors = {};
  const add = (field: string, msg: string) => addFieldError(errors, field, msg);

  // Team and project.
  if (input.team !== undefined && !ctx.team) {
    add("team", `There is no team "${input.team}". Choose one of the teams in the list.`);
  }
  if (input.pattern === "project" && input.project) {
    if (!ctx.project)
      add("project", `There is no project "${input.project}". Choose one of the projects of your team.`);
    else if (ctx.team && ctx.project.teamSlug !== ctx.team.slug)
      add(
        "project",
        `The project ${ctx.project.name} belongs to another team (${ctx.project.teamSlug}), not ${ctx.team.name}. Choose a project of ${ctx.team.name} or change the team.`,
      );
  }

  if (
    input.team !== undefined &&
    ctx.team &&
    ctx.requesterTeamSlugs &&
    !ctx.requesterTeamSlugs.includes(ctx.team.slug)
  ) {
    add(
      "team",
      `You are not a member of ${ctx.team.name}. Choose one of your teams, or ask an admin to add you to ${ctx.team.name}.`,
    );
  }

  // Region: allowed by the admins, and by the team's data-residency list.
  if (input.region === undefined) {
    // not chosen yet
  } else if (!ctx.settings.allowedRegions.includes(input.region)) {
    add(
      "region",
      `The region ${input.region} is not allowed. Choose one of: ${ctx.settings.allowedRegions.join(", ") || "(none configured; ask an admin)"}.`,
    );
  } else if (ctx.team && ctx.team.allowedRegions.length > 0 && !ctx.team.allowedRegions.includes(input.region)) {
    add(
      "region",
      `The team ${ctx.team.name} may only use ${ctx.team.allowedRegions.join(", ")} (data residency). Choose one of those regions.`,
    );
  }

  // VM sizes.
  const allowedSizes = ctx.settings.vmSizes.filter((v) => v.allowed).map((v) => v.name);
  const sizeAllowed = (s: string) => allowedSizes.some((a) => a.toLowerCase() === s.toLowerCase());
  const sizeHelp = `Allowed sizes: ${allowedSizes.join(", ") || "(none configured; ask an admin)"}.`;
  if (input.compute && !sizeAllowed(input.compute.instanceVmSize))
    add(
      "compute.instanceVmSize",
      `The VM size ${input.compute.instanceVmSize} is not allowed for compute instances. ${sizeHelp}`,
    );
  input.compute?.devClusters.forEach((c, i) => {
    if (!sizeAllowed(c.vmSize))
      add(`compute.devClusters.${i}.vmSize`, `The VM size ${c.vmSize} is not allowed for clusters. ${sizeHelp}`);
  });

  // Members.
  input.members?.forEach((m, i) => {
    const found = ctx.members[i];
    if (!found)
      add(
        `members.${i}.email`,
        `Nobody with the e-mail ${m.email} is in the directory. Check the address, or ask the person to sign in to Atrium once.`,
      );
    else if (found.disabled)
      add(
        `members.${i}.email`,
        `${m.email} is disabled in Atrium and can't be given access. Remove them or ask an admin.`,
      );
    else if (!found.entraObjectId)
      add(
        `members.${i}.email`,
        `${m.email} has no Entra object id yet, so Azure roles can't be assigned. Ask them to sign in with their Microsoft account once, or ask an admin to link it.`,
      );
  });

  // One workspace per scope and environment; prod needs test.
  const environments = input.environments ?? [];
  for (const env of environments) {
    const existing = ctx.activeWorkspaces.find((w) => w.environment === env);
    if (existing) {
      add(
        "environments",
        `The ${env} workspace ${existing.name} already exists for this scope${existing.requestNumber ? ` (from ${req(existing.requestNumber)})` : ""}. Remove ${env} from this request, or decommission ${existing.name} first.`,
      );
    }
    const open = ctx.openRequests.find((r) => r.environments.includes(env));
    if (open) {
      add(
        "environments",
        `${req(open.number)} (${STATUS_LABELS[open.status].toLowerCase()}) already asks for the ${env} workspace of this scope. Remove ${env} from this request, or wait until ${req(open.number)} is done or cancelled.`,
      );
    }
  }
  if (environments.includes("prod") && !environments.includes("test")) {
    const testExists = ctx.activeWorkspaces.some((w) => w.environment === "test");
    if (!testExists)
      add(
        "environments",
        "Production needs a test workspace for the same scope. Add test to this request (none exists yet).",
      );
  }
  return errors;
}
