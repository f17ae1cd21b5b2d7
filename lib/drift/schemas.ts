// Drift watch inputs (pure: shared by the forms, the server actions, the API and the CLI).
import { z } from "zod";

export const DRIFT_SEVERITIES = ["HIGH", "MEDIUM", "LOW"] as const;

export const setRefSchema = z.object({ setId: z.uuid({ error: "Unknown workspace set." }) });

export const requestScanSchema = setRefSchema;

/** Restore or accept: the set, its open findings to act on (all open ones when none is named), and the set version. */
export const resolveDriftSchema = setRefSchema.extend({
  findingIds: z
    .preprocess(
      (v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]),
      z.array(z.uuid({ error: "Unknown finding." })).max(500, "Act on at most 500 findings at once."),
    )
    .default([]),
  baseVersion: z.coerce
    .number({ error: "Reload the page: the set's version is missing." })
    .int("Reload the page: the set's version is missing.")
    .min(1, "Reload the page: the set's version is missing."),
});

export const driftSettingsSchema = z.object({
  scanIntervalMinutes: z.coerce
    .number({ error: "Give the interval in minutes, as a whole number." })
    .int("Give the interval in minutes, as a whole number.")
    .min(15, "Scan at most every 15 minutes: a cycle must leave room for the read budget.")
    .max(10_080, "Scan at least once a week (10,080 minutes)."),
  version: z.coerce.number({ error: "Reload the page and try again." }).int().min(1),
});

export const findingFiltersSchema = z.object({
  status: z.enum(["open", "closed", "all"]).catch("open").default("open"),
  severity: z.enum(DRIFT_SEVERITIES).optional().catch(undefined),
  environment: z.enum(["dev", "test", "prod"]).optional().catch(undefined),
  q: z.string().trim().max(100).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});
export type FindingFilters = z.infer<typeof findingFiltersSchema>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ARM_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/.+$/i;

export const OUT_OF_BAND_KINDS = [
  {
    value: "workspace.publicNetworkAccess",
    label: "Workspace: set public network access",
    needs: "Enabled or Disabled",
  },
  {
    value: "storage.allowBlobPublicAccess",
    label: "Storage account: allow blob public access",
    needs: "true or false",
  },
  { value: "computeInstance.removeIdleShutdown", label: "Compute instance: remove idle shutdown", needs: null },
  { value: "cluster.minNodeCount", label: "Cluster: set minimum nodes", needs: "a number of nodes" },
  { value: "tags.remove", label: "Any resource: remove a tag", needs: "the tag's name" },
  {
    value: "roleAssignment.add",
    label: "Add a role assignment by hand (scope = the resource)",
    needs: "Owner, Contributor or Reader",
  },
  { value: "roleAssignment.remove", label: "Remove a role assignment", needs: null },
  { value: "resource.delete", label: "Delete a resource", needs: null },
] as const;
export type OutOfBandKindValue = (typeof OUT_OF_BAND_KINDS)[number]["value"];

/** The admin form on "Simulated Azure": one change a person could make in the Azure portal. */
export const outOfBandSchema = z
  .object({
    kind: z.enum(OUT_OF_BAND_KINDS.map((k) => k.value) as [OutOfBandKindValue, ...OutOfBandKindValue[]], {
      error: "Choose what to change.",
    }),
    resourceId: z
      .string({ error: "Give the resource's ARM id." })
      .trim()
      .regex(ARM_ID, "Give the resource's full ARM id (/subscriptions/…/resourceGroups/…/providers/…)."),
    value: z.string().trim().max(200, "At most 200 characters.").optional().default(""),
    principalId: z.string().trim().optional().default(""),
  })
  .superRefine((v, ctx) => {
    const need = (ok: boolean, message: string, path = "value") => {
      if (!ok) ctx.addIssue({ code: "custom", path: [path], message });
    };
    switch (v.kind) {
      case "workspace.publicNetworkAccess":
        return need(v.value === "Enabled" || v.value === "Disabled", "Enter Enabled or Disabled.");
      case "storage.allowBlobPublicAccess":
        return need(v.value === "true" || v.value === "false", "Enter true or false.");
      case "cluster.minNodeCount":
        return need(/^\d{1,3}$/.test(v.value), "Enter the minimum number of nodes (0 or more).");
      case "tags.remove":
        return need(/^[\w.-]{1,100}$/.test(v.value), "Enter the name of the tag to remove.");
      case "roleAssignment.add":
        need(["Owner", "Contributor", "Reader"].includes(v.value), "Enter Owner, Contributor or Reader.");
        return need(GUID.test(v.principalId), "Enter the principal's object id (a GUID).", "principalId");
      default:
        return;
    }
  });
export type OutOfBandInput = z.infer<typeof outOfBandSchema>;

const isoDate = z.string().describe("ISO 8601 date-time");

/** API v1: one finding. */
export const driftFindingSchema = z
  .object({
    id: z.uuid(),
    environment: z.string().nullable(),
    resourceId: z.string(),
    resourceKind: z.string(),
    resourceName: z.string(),
    field: z.string(),
    expected: z.unknown(),
    actual: z.unknown(),
    severity: z.enum(DRIFT_SEVERITIES),
    summary: z.string(),
    firstSeenAt: isoDate,
    lastSeenAt: isoDate,
    closedAt: isoDate.nullable(),
    resolutionRequestId: z.uuid().nullable(),
  })
  .meta({ id: "DriftFinding" });

/** API v1: a set's drift (open findings and its last scans). */
export const setDriftSchema = z
  .object({
    workspaceSetId: z.uuid(),
    version: z.number().int(),
    open: z.array(driftFindingSchema),
    scans: z.array(
      z.object({
        id: z.uuid(),
        trigger: z.string(),
        status: z.string(),
        reads: z.number().int(),
        opened: z.number().int(),
        closed: z.number().int(),
        errorMessage: z.string().nullable(),
        createdAt: isoDate,
        finishedAt: isoDate.nullable(),
      }),
    ),
  })
  .meta({ id: "SetDrift" });

export const driftScanResultSchema = z
  .object({ workspaceSetId: z.uuid(), scanId: z.uuid(), alreadyQueued: z.boolean() })
  .meta({ id: "DriftScanQueued" });
