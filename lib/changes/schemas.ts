/**
 * The one schema of a change request's input: the set page's form, the API's body and the CLI's change.json all
 * validate with it, so a message is the same everywhere. A change names only what changes; a field left out keeps
 * the set's current value. Pure module (no server-only import).
 */
import { z } from "zod";
import {
  computeSchema,
  environmentsNetworkStepSchema,
  gitRepositoryUrlSchema,
  MAX_MEMBERS,
  memberSchema,
  membersStepSchema,
  scopeStepSchema,
} from "@/lib/requests/schemas";
import { freeTextSchema } from "@/lib/validation/text";

const network = environmentsNetworkStepSchema.shape;

export const baseVersionSchema = z.coerce
  .number({ error: "Say which version of the workspace set this change was drafted from." })
  .int("The version is a whole number.")
  .min(1, "The version is a whole number from 1.");

export const changeDocumentSchema = z.object({
  environments: network.environments.optional(),
  visibility: network.visibility.optional(),
  restriction: network.restriction.optional(),
  /** The full new member list (replaces the current one). */
  members: membersStepSchema.shape.members.optional(),
  addMembers: z.array(memberSchema).max(MAX_MEMBERS, `A change adds at most ${MAX_MEMBERS} members.`).optional(),
  removeMembers: z
    .array(memberSchema.shape.email)
    .max(MAX_MEMBERS, `A change removes at most ${MAX_MEMBERS} members.`)
    .optional(),
  compute: computeSchema.optional(),
  gitRepositoryUrl: gitRepositoryUrlSchema,
  costCenter: scopeStepSchema.shape.costCenter.optional(),
  reason: freeTextSchema({
    min: 0,
    max: 2000,
    required: "Say why this change is needed.",
    tooLong: "Keep the reason under 2000 characters.",
  }).optional(),
});

/** A change as the set page, the API and the CLI send it: the version it was drafted from plus what changes. */
export const changeRequestSchema = changeDocumentSchema.extend({ baseVersion: baseVersionSchema });

export type ChangeDocumentInput = z.infer<typeof changeDocumentSchema>;
export type ChangeRequestInput = z.infer<typeof changeRequestSchema>;

/** POST /workspaces/{id}/change-requests: what changes; the version comes from If-Match (or `baseVersion`). */
export const changeRequestBodySchema = changeDocumentSchema
  .extend({ baseVersion: baseVersionSchema.optional() })
  .meta({ id: "ChangeRequestBody" });

export const changeRequestResultSchema = z
  .object({
    requestId: z.uuid(),
    number: z.string(),
    status: z.string().describe("submitted (waits for approval) or approved (removals: applied at once)"),
    appliedAtOnce: z.boolean(),
    queued: z.boolean().describe("false while another change of the set is applied: this one waits in line"),
    workspaceSetId: z.uuid(),
    links: z.object({ request: z.string(), workspaceSet: z.string() }),
  })
  .meta({ id: "ChangeRequestResult" });

export const workspaceSetSchema = z
  .object({
    id: z.uuid(),
    version: z.number().int().describe("Bumped by every applied change; the ETag"),
    status: z.string(),
    scope: z.string(),
    activeChangeId: z.uuid().nullable(),
    desiredState: z
      .record(z.string(), z.unknown())
      .describe("The set's document: the request plus every change applied since"),
    workspaces: z.array(
      z.object({ id: z.uuid(), name: z.string(), environment: z.string(), armId: z.string(), status: z.string() }),
    ),
    changes: z.array(
      z.object({
        id: z.uuid(),
        number: z.string(),
        kind: z.string(),
        status: z.string(),
        baseVersion: z.number().int().nullable(),
        changeKinds: z.array(z.string()),
        queuePosition: z.number().int().nullable(),
        createdAt: z.string(),
      }),
    ),
  })
  .meta({ id: "WorkspaceSet" });
