// The shapes API v1 reads and writes. Request bodies reuse the domain's shared schemas (the wizard's request
// document, the decision forms); responses are described here so the OpenAPI document and the handlers agree.
// Pure module.
import { z } from "zod";
import { approveSchema, rejectSchema } from "@/lib/approvals/schemas";
import { HISTORY_ENVIRONMENTS, HISTORY_STATUSES } from "@/lib/history/filters";
import { REQUEST_STATUSES, workspaceRequestSchema } from "@/lib/requests/schemas";

const isoDate = z.string().describe("ISO 8601 date-time");
const nullableIso = isoDate.nullable();

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.record(z.string(), z.array(z.string())).optional().describe("Field-level messages by dotted path"),
  })
  .meta({ id: "Problem" });

/** POST /requests: the wizard's request document (what `npm run plan` reads), plus whether to submit at once. */
export const createRequestBodySchema = z
  .object({ ...workspaceRequestSchema.shape, submit: z.boolean().optional() })
  .meta({ id: "RequestDocument" });

/** The decision bodies: the plan hash the decider reviewed (a different hash is refused), and a comment or reason. */
export const approveBodySchema = approveSchema
  .pick({ planHash: true, comment: true, acknowledgeWarnings: true })
  .meta({ id: "ApproveBody" });
export const rejectBodySchema = rejectSchema.pick({ planHash: true, reason: true }).meta({ id: "RejectBody" });

export const limitSchema = z.coerce.number().int().min(1).max(200).default(50);
const cursorSchema = z.string().max(200).optional().describe("Opaque cursor from a previous page's nextCursor");

export const listRequestsQuerySchema = z.object({
  status: z.enum(REQUEST_STATUSES).optional(),
  team: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
    .optional(),
  mine: z.enum(["true", "false"]).optional().describe("Only requests I made"),
  cursor: cursorSchema,
  limit: limitSchema,
});

export const historyQuerySchema = z.object({
  team: z.string().max(63).optional(),
  project: z.string().max(63).optional(),
  env: z.enum(HISTORY_ENVIRONMENTS).optional(),
  status: z.enum(HISTORY_STATUSES).optional(),
  from: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  to: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  cursor: cursorSchema,
  limit: limitSchema,
});

export const auditQuerySchema = z.object({
  action: z.string().max(100).optional().describe("Action name or prefix, e.g. request. or request.approved"),
  requestId: z.uuid().optional(),
  cursor: z
    .string()
    .regex(/^\d{1,19}$/)
    .optional(),
});

export const workspacesQuerySchema = z.object({ cursor: cursorSchema, limit: limitSchema });

const page = <T extends z.ZodType>(item: T, id: string) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() }).meta({ id });

export const requestSummarySchema = z
  .object({
    id: z.uuid(),
    number: z.string().describe("REQ-00042"),
    status: z.enum(REQUEST_STATUSES),
    scope: z.string(),
    team: z.string().nullable(),
    project: z.string().nullable(),
    environments: z.array(z.string()),
    region: z.string().nullable(),
    createdAt: isoDate,
    submittedAt: nullableIso,
    estimatedMonthlyUsd: z.number().nullable(),
  })
  .meta({ id: "RequestSummary" });

export const requestDetailSchema = requestSummarySchema
  .extend({
    version: z.number().int().describe("Also the ETag"),
    planHash: z.string().nullable(),
    requester: z.object({ name: z.string(), email: z.string() }),
    document: z.record(z.string(), z.unknown()).describe("The request document as stored"),
    rejectionReason: z.string().nullable(),
    latestRun: z
      .object({ id: z.uuid(), attempt: z.number().int(), status: z.string() })
      .nullable()
      .describe("The latest provisioning run, once approved"),
    links: z.record(z.string(), z.string()),
  })
  .meta({ id: "RequestDetail" });

export const requestPageSchema = page(requestSummarySchema, "RequestPage");

export const planSchema = z
  .object({
    requestId: z.uuid(),
    number: z.string(),
    status: z.enum(REQUEST_STATUSES),
    planHash: z.string(),
    steps: z.array(
      z.looseObject({
        id: z.string(),
        environment: z.string().nullable(),
        kind: z.string(),
        name: z.string(),
        resourceId: z.string(),
        apiVersion: z.string(),
        dependsOn: z.array(z.string()),
      }),
    ),
    cost: z.looseObject({ monthlyTotal: z.number() }),
  })
  .meta({ id: "Plan" });

export const decisionResultSchema = z
  .object({ id: z.uuid(), status: z.enum(REQUEST_STATUSES), version: z.number().int(), runId: z.uuid().nullable() })
  .meta({ id: "DecisionResult" });

export const approvalItemSchema = z
  .object({
    id: z.uuid(),
    number: z.string(),
    stage: z.enum(["ADMIN", "STAKEHOLDER"]),
    version: z.number().int(),
    planHash: z.string().nullable(),
    requester: z.string(),
    scope: z.string(),
    environments: z.array(z.string()),
    estimatedMonthlyUsd: z.number().nullable(),
    submittedAt: nullableIso,
    canDecide: z.boolean(),
    whyNot: z.string().nullable(),
  })
  .meta({ id: "ApprovalItem" });

export const approvalListSchema = z.object({ items: z.array(approvalItemSchema) }).meta({ id: "ApprovalList" });

const stepSchema = z.object({
  key: z.string(),
  kind: z.string(),
  name: z.string(),
  environment: z.string(),
  status: z.enum(["PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"]),
  attempts: z.number().int(),
  durationMs: z.number().nullable(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  armRequestId: z.string().nullable(),
});

export const runSchema = z
  .object({
    id: z.uuid(),
    requestId: z.uuid(),
    number: z.string(),
    attempt: z.number().int(),
    status: z.enum(["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"]),
    latest: z.boolean().describe("Whether this is the request's latest run (steps show the request's current state)"),
    requestStatus: z.enum(REQUEST_STATUSES),
    createdAt: isoDate,
    startedAt: nullableIso,
    finishedAt: nullableIso,
    errorMessage: z.string().nullable(),
    verification: z.object({ ok: z.boolean(), checks: z.number().int() }).nullable(),
    counts: z.record(z.string(), z.number().int()),
    steps: z.array(stepSchema),
  })
  .meta({ id: "Run" });

export const retryResultSchema = z.object({ runId: z.uuid(), attempt: z.number().int() }).meta({ id: "RetryResult" });

export const workspaceSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    environment: z.string(),
    region: z.string(),
    status: z.string(),
    armId: z.string(),
    scope: z.string(),
    team: z.string(),
    requestId: z.uuid(),
    monthlyUsd: z.number().nullable(),
    createdAt: isoDate,
  })
  .meta({ id: "Workspace" });

/** A workspace in the list, with its set's lease (dev/test sets; null for prod sets and sets without one). */
export const workspaceListItemSchema = workspaceSchema
  .extend({
    workspaceSetId: z.uuid().nullable(),
    leaseStatus: z.enum(["ACTIVE", "EXPIRING", "EXPIRED", "DECOMMISSIONING", "ENDED"]).nullable(),
    leaseExpiresAt: isoDate.nullable(),
  })
  .meta({ id: "WorkspaceListItem" });

export const workspacePageSchema = page(workspaceListItemSchema, "WorkspacePage");

export const workspaceDetailSchema = workspaceSchema
  .extend({
    resources: z.array(
      z.object({
        stepKey: z.string(),
        kind: z.string(),
        name: z.string(),
        resourceId: z.string(),
        status: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: "WorkspaceDetail" });

export const historyRowSchema = z
  .object({
    id: z.uuid(),
    number: z.string(),
    status: z.string(),
    scope: z.string().nullable(),
    team: z.string().nullable(),
    project: z.string().nullable(),
    environments: z.array(z.string()),
    region: z.string().nullable(),
    requester: z.string(),
    submittedAt: isoDate,
    approvedAt: nullableIso,
    provisionedAt: nullableIso,
    closedAt: nullableIso,
    estimatedMonthlyUsd: z.number().nullable(),
  })
  .meta({ id: "HistoryRow" });

export const historyPageSchema = page(historyRowSchema, "HistoryPage");

export const auditEventSchema = z
  .object({
    id: z.string(),
    occurredAt: isoDate,
    actor: z.string(),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    requestId: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    correlationId: z.string(),
    hash: z.string(),
  })
  .meta({ id: "AuditEvent" });

export const auditPageSchema = page(auditEventSchema, "AuditEventPage");
