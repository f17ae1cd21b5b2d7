/**
 * The one schema set for a workspace request. The wizard (client), the server actions and the
 * `npm run plan` CLI all validate with these schemas, so a message the CLI prints is the message
 * the wizard shows next to the field.
 *
 * Pure module: no server-only import, safe in the browser.
 */
import { z } from "zod";
import { freeTextSchema } from "@/lib/validation/text";
import type {
  AccessRestriction as DbAccessRestriction,
  Environment as DbEnvironment,
  NetworkVisibility as DbNetworkVisibility,
  OrgPattern as DbOrgPattern,
  RequestStatus as DbRequestStatus,
  WorkspaceRole as DbWorkspaceRole,
} from "@/generated/prisma/enums";

import {
  ENVIRONMENT_LABELS,
  ENVIRONMENTS,
  MEMBER_ROLES,
  ORG_PATTERNS,
  REQUEST_STATUSES,
  RESTRICTIONS,
  STATUS_LABELS,
  VISIBILITIES,
  type EnvironmentValue,
  type MemberRoleValue,
  type OrgPatternValue,
  type RequestStatusValue,
  type RestrictionValue,
  type VisibilityValue,
} from "@/lib/vocabulary";

// Statuses and labels live in the vocabulary; re-exported for the modules that already read them here.
export {
  ENVIRONMENT_LABELS,
  ENVIRONMENTS,
  MEMBER_ROLES,
  ORG_PATTERNS,
  REQUEST_STATUSES,
  RESTRICTIONS,
  STATUS_LABELS,
  VISIBILITIES,
};
export type {
  EnvironmentValue,
  MemberRoleValue,
  OrgPatternValue,
  RequestStatusValue,
  RestrictionValue,
  VisibilityValue,
};
export const IDLE_SHUTDOWN_MIN = 15;
export const IDLE_SHUTDOWN_MAX = 4320;
export const MAX_MEMBERS = 50;
export const MAX_DEV_CLUSTERS = 10;
export const MAX_PIPELINES = 20;
export const MAX_CLUSTER_NODES = 100;

export const PATTERN_LABELS: Record<OrgPatternValue, string> = {
  team: "Team",
  project: "Project",
  shared: "Shared (business division)",
};
export const VISIBILITY_LABELS: Record<VisibilityValue, string> = {
  public: "Public endpoint",
  private: "Private (Private Link)",
};
export const RESTRICTION_LABELS: Record<RestrictionValue, string> = {
  restricted: "Restricted (custom Data Scientist role)",
  unrestricted: "Unrestricted (Contributor)",
};
export const MEMBER_ROLE_LABELS: Record<MemberRoleValue, string> = {
  dataScientist: "Data scientist",
  dataEngineer: "Data engineer",
  mlops: "MLOps engineer",
};

// ---------------------------------------------------------------------------------------------
// Building blocks

/** Form posts send "" for an empty field; treat it as absent. */
const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
/** A checkbox group posts a single string when one box is ticked. */
const toArray = (v: unknown) => (v === undefined || v === null || v === "" ? [] : Array.isArray(v) ? v : [v]);
const trimmed = (v: unknown) => (typeof v === "string" ? v.trim() : v);

const slugSchema = (what: string) =>
  z.preprocess(
    trimmed,
    z
      .string({ error: `Choose a ${what}.` })
      .min(1, `Choose a ${what}.`)
      .max(40, `A ${what} slug has at most 40 characters.`)
      .regex(/^(?:[a-z0-9][a-z0-9-]*)?$/, `A ${what} slug uses lower-case letters, digits and hyphens.`),
  );

const enumSchema = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, { error: `Choose ${what}: ${values.join(", ")}.` });

export const regionSchema = z.preprocess(
  trimmed,
  z
    .string({ error: "Choose a region." })
    .min(1, "Choose a region.")
    .max(40, "A region name has at most 40 characters.")
    .regex(/^(?:[a-z][a-z0-9]*)?$/, "Use the Azure region name, e.g. westeurope (lower-case letters and digits)."),
);

export const vmSizeSchema = z.preprocess(
  trimmed,
  z
    .string({ error: "Choose a VM size." })
    .min(1, "Choose a VM size.")
    .max(64, "A VM size name has at most 64 characters.")
    .regex(/^(?:Standard_[A-Za-z0-9_]+)?$/, "Use an Azure VM size name such as Standard_DS3_v2."),
);

const emailSchema = z.preprocess(
  (v) => (typeof v === "string" ? v.trim().toLowerCase() : v),
  z.email({ error: "Enter the person's e-mail address as it appears in the directory." }),
);

const intSchema = (what: string, min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === "string" ? (v.trim() === "" ? undefined : Number(v)) : v),
    z
      .number({ error: `Enter ${what} as a whole number.` })
      .int(`Enter ${what} as a whole number.`)
      .min(min, `${capitalise(what)} must be at least ${min}.`)
      .max(max, `${capitalise(what)} must be at most ${max}.`),
  );

function capitalise(s: string) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export const pipelineNameSchema = z.preprocess(
  trimmed,
  z
    .string({ error: "Name the pipeline." })
    .min(1, "Name the pipeline.")
    .max(40, "A pipeline name has at most 40 characters.")
    .regex(
      /^(?:[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*)?$/,
      "A pipeline name starts with a letter and uses lower-case letters, digits and single hyphens between them.",
    ),
);

export const gitRepositoryUrlSchema = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .max(400, "A repository URL has at most 400 characters.")
    .refine((v) => /^https:\/\//i.test(v), "Use an https:// URL for the repository (ssh and http are not accepted).")
    .refine((v) => {
      if (!/^https:\/\//i.test(v)) return true; // reported above
      try {
        const u = new URL(v);
        return u.protocol === "https:" && u.hostname.includes(".") && !u.username && !u.password;
      } catch {
        return false;
      }
    }, "Enter a full https URL such as https://github.com/org/repo, without credentials in it.")
    .optional(),
);

// ---------------------------------------------------------------------------------------------
// Wizard steps

const scopeFields = {
  pattern: enumSchema(ORG_PATTERNS, "an organisation pattern"),
  team: slugSchema("team"),
  project: z.preprocess(emptyToUndefined, slugSchema("project").optional()),
  costCenter: z.preprocess(
    trimmed,
    z
      .string({ error: "Enter the cost centre to charge." })
      .min(1, "Enter the cost centre to charge.")
      .max(64, "A cost centre has at most 64 characters.")
      .regex(
        /^(?:[A-Za-z0-9][A-Za-z0-9 _.-]*)?$/,
        "A cost centre uses letters, digits, spaces, dots, dashes and underscores.",
      ),
  ),
  justification: freeTextSchema({
    min: 20,
    max: 2000,
    required: "Explain why the workspaces are needed.",
    tooShort: "Explain why the workspaces are needed (at least 20 characters).",
    tooLong: "Keep the justification under 2000 characters.",
  }),
};

/** Runs even when other fields failed, so every field error shows at once (the value may be partial). */
const ALWAYS = { when: () => true };

function refineProjectPattern(v: { pattern: OrgPatternValue; project?: string }, ctx: z.RefinementCtx) {
  if (!v || typeof v !== "object") return;
  if (v.pattern === "project" && !v.project) {
    ctx.addIssue({
      code: "custom",
      path: ["project"],
      message: "Choose the project: the project pattern gives one workspace set per project.",
    });
  }
  if (v.pattern !== "project" && v.project) {
    ctx.addIssue({
      code: "custom",
      path: ["project"],
      message: "Only the project pattern takes a project; clear it or choose the project pattern.",
    });
  }
}

export const scopeStepSchema = z.object(scopeFields).superRefine(refineProjectPattern, ALWAYS);

export const environmentsNetworkStepSchema = z.object({
  environments: z.preprocess(
    toArray,
    z
      .array(enumSchema(ENVIRONMENTS, "environments from"), { error: "Choose at least one environment." })
      .min(1, "Choose at least one environment: dev, test or prod.")
      .refine((a) => new Set(a).size === a.length, "Choose each environment once.")
      .transform((a) => ENVIRONMENTS.filter((e) => a.includes(e))),
  ),
  visibility: enumSchema(VISIBILITIES, "the network visibility"),
  restriction: enumSchema(RESTRICTIONS, "the access restriction"),
  region: regionSchema,
});

export const memberSchema = z.object({
  email: emailSchema,
  role: enumSchema(MEMBER_ROLES, "a workspace role"),
});

export const membersStepSchema = z.object({
  members: z.preprocess(
    (v) => (v === undefined || v === null || v === "" ? [] : v),
    z
      .array(memberSchema)
      .min(1, "Add at least one member.")
      .max(MAX_MEMBERS, `A request has at most ${MAX_MEMBERS} members.`)
      .superRefine((members, ctx) => {
        const seen = new Map<string, number>();
        members.forEach((m, i) => {
          const first = seen.get(m.email);
          if (first !== undefined) {
            ctx.addIssue({
              code: "custom",
              path: [i, "email"],
              message: `${m.email} is already member ${first + 1}; list each person once.`,
            });
          } else {
            seen.set(m.email, i);
          }
        });
      }),
  ),
});

export const devClusterSchema = z.object({
  vmSize: vmSizeSchema,
  maxNodes: intSchema("max nodes", 1, MAX_CLUSTER_NODES),
});

export const computeSchema = z.object({
  instanceVmSize: vmSizeSchema,
  idleShutdownMinutes: intSchema("the idle shutdown time in minutes", IDLE_SHUTDOWN_MIN, IDLE_SHUTDOWN_MAX),
  devClusters: z.preprocess(
    (v) => (v === undefined || v === null || v === "" ? [] : v),
    z
      .array(devClusterSchema)
      .max(MAX_DEV_CLUSTERS, `At most ${MAX_DEV_CLUSTERS} development clusters.`)
      .superRefine((clusters, ctx) => {
        const seen = new Set<string>();
        clusters.forEach((c, i) => {
          const key = c.vmSize.toLowerCase();
          if (seen.has(key))
            ctx.addIssue({
              code: "custom",
              path: [i, "vmSize"],
              message: `${c.vmSize} is listed twice; one cluster per VM size.`,
            });
          seen.add(key);
        });
      }),
  ),
  pipelines: z.preprocess(
    (v) => (v === undefined || v === null || v === "" ? [] : typeof v === "string" ? [v] : v),
    z
      .array(pipelineNameSchema)
      .max(MAX_PIPELINES, `At most ${MAX_PIPELINES} production pipelines.`)
      .superRefine((names, ctx) => {
        const seen = new Set<string>();
        names.forEach((n, i) => {
          if (seen.has(n)) ctx.addIssue({ code: "custom", path: [i], message: `The pipeline ${n} is listed twice.` });
          seen.add(n);
        });
      }),
  ),
});

export const computeStepSchema = z.object({
  compute: computeSchema,
  gitRepositoryUrl: gitRepositoryUrlSchema,
});

/** The whole request, as the review step, the submit action and the CLI see it. */
export const workspaceRequestSchema = z
  .object({
    ...scopeFields,
    ...environmentsNetworkStepSchema.shape,
    ...membersStepSchema.shape,
    ...computeStepSchema.shape,
  })
  .superRefine(refineProjectPattern, ALWAYS);

export const WIZARD_STEPS = [
  { key: "scope", title: "Scope", schema: scopeStepSchema },
  { key: "environments", title: "Environments and network", schema: environmentsNetworkStepSchema },
  { key: "members", title: "Members", schema: membersStepSchema },
  { key: "compute", title: "Compute and Git", schema: computeStepSchema },
  { key: "review", title: "Review", schema: workspaceRequestSchema },
] as const;
export type WizardStepKey = (typeof WIZARD_STEPS)[number]["key"];

export type ScopeStepInput = z.infer<typeof scopeStepSchema>;
export type EnvironmentsNetworkStepInput = z.infer<typeof environmentsNetworkStepSchema>;
export type MembersStepInput = z.infer<typeof membersStepSchema>;
export type ComputeStepInput = z.infer<typeof computeStepSchema>;
export type WorkspaceRequestInput = z.infer<typeof workspaceRequestSchema>;
export type RequestMemberInput = z.infer<typeof memberSchema>;
export type ComputeInput = z.infer<typeof computeSchema>;

// ---------------------------------------------------------------------------------------------
// Mapping to and from the database enums (UPPER_CASE): the one place that knows both spellings

const toUpperSnake = (s: string) => s.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
const fromUpperSnake = (s: string) => s.toLowerCase().replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

export const toDbPattern = (v: OrgPatternValue) => toUpperSnake(v) as DbOrgPattern;
export const fromDbPattern = (v: DbOrgPattern) => fromUpperSnake(v) as OrgPatternValue;
export const toDbEnvironment = (v: EnvironmentValue) => toUpperSnake(v) as DbEnvironment;
export const fromDbEnvironment = (v: DbEnvironment) => fromUpperSnake(v) as EnvironmentValue;
export const toDbVisibility = (v: VisibilityValue) => toUpperSnake(v) as DbNetworkVisibility;
export const fromDbVisibility = (v: DbNetworkVisibility) => fromUpperSnake(v) as VisibilityValue;
export const toDbRestriction = (v: RestrictionValue) => toUpperSnake(v) as DbAccessRestriction;
export const fromDbRestriction = (v: DbAccessRestriction) => fromUpperSnake(v) as RestrictionValue;
export const toDbMemberRole = (v: MemberRoleValue) => toUpperSnake(v) as DbWorkspaceRole;
export const fromDbMemberRole = (v: DbWorkspaceRole) => fromUpperSnake(v) as MemberRoleValue;
export const toDbStatus = (v: RequestStatusValue) => toUpperSnake(v) as DbRequestStatus;
export const fromDbStatus = (v: DbRequestStatus) => fromUpperSnake(v) as RequestStatusValue;
/** A status as raw SQL returns it (`status::text`), in the app's spelling. */
export const fromDbStatusText = (text: string) => fromDbStatus(text as DbRequestStatus);

/** Shape of the `compute` Json column. */
export type ComputeColumn = ComputeInput;
