// Every operation of API v1: method, path, what it needs (token scope, any of these role permissions), its
// parameters, body and responses. Route handlers are built from these (lib/api/route.ts), and the OpenAPI document
// is generated from them, so the documentation can't drift from what the routes check. Pure module.
import type { z } from "zod";
import type { Permission } from "@/lib/auth/permissions";
import type { TokenScope } from "@/lib/tokens/schemas";
import * as s from "./schemas";
import { changeRequestBodySchema, changeRequestResultSchema, workspaceSetSchema } from "@/lib/changes/schemas";
import { extendLeaseResultSchema, extendLeaseSchema } from "@/lib/leases/rules";
import { driftScanResultSchema, setDriftSchema } from "@/lib/drift/schemas";

export type Operation = {
  operationId: string;
  method: "get" | "post";
  /** OpenAPI path under the server URL, e.g. /requests/{id} */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  scope: TokenScope;
  /** The caller's roles must grant at least one of these. */
  permissions: Permission[];
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Accepts an Idempotency-Key header (creating POSTs). */
  idempotent?: boolean;
  /** Accepts If-Match with the resource's ETag (412 when stale). */
  ifMatch?: boolean;
  /** Answers with an ETag header. */
  etag?: boolean;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
};

const READ_REQUESTS: Permission[] = ["request.create", "request.read_team", "request.read_all"];
const DECIDE: Permission[] = ["request.approve", "request.approve_production"];

function op(o: Operation): Operation {
  return o;
}

export const operations = {
  createRequest: op({
    operationId: "createRequest",
    method: "post",
    path: "/requests",
    summary: "Create a request from a request document",
    description:
      'The body is the wizard\'s request document (the one `npm run plan` reads). It is validated in full (fields, rules, names) before anything is stored; with `"submit": true` it is submitted at once.',
    tag: "Requests",
    scope: "write",
    permissions: ["request.create"],
    body: s.createRequestBodySchema,
    idempotent: true,
    etag: true,
    responses: { 201: { description: "Created (a draft, or submitted)", schema: s.requestDetailSchema } },
  }),
  listRequests: op({
    operationId: "listRequests",
    method: "get",
    path: "/requests",
    summary: "Requests I may see, newest first",
    tag: "Requests",
    scope: "read",
    permissions: READ_REQUESTS,
    query: s.listRequestsQuerySchema,
    responses: { 200: { description: "One page", schema: s.requestPageSchema } },
  }),
  getRequest: op({
    operationId: "getRequest",
    method: "get",
    path: "/requests/{id}",
    summary: "One request",
    tag: "Requests",
    scope: "read",
    permissions: READ_REQUESTS,
    etag: true,
    responses: { 200: { description: "The request", schema: s.requestDetailSchema } },
  }),
  getRequestPlan: op({
    operationId: "getRequestPlan",
    method: "get",
    path: "/requests/{id}/plan",
    summary: "The plan of a request (stored at submission; computed now for a draft)",
    tag: "Requests",
    scope: "read",
    permissions: READ_REQUESTS,
    responses: { 200: { description: "The plan, its hash and cost", schema: s.planSchema } },
  }),
  submitRequest: op({
    operationId: "submitRequest",
    method: "post",
    path: "/requests/{id}/submit",
    summary: "Submit a draft",
    tag: "Requests",
    scope: "write",
    permissions: ["request.create"],
    ifMatch: true,
    etag: true,
    responses: { 200: { description: "Submitted", schema: s.requestDetailSchema } },
  }),
  cancelRequest: op({
    operationId: "cancelRequest",
    method: "post",
    path: "/requests/{id}/cancel",
    summary: "Cancel one of my requests before provisioning starts",
    tag: "Requests",
    scope: "write",
    permissions: ["request.create"],
    ifMatch: true,
    etag: true,
    responses: { 200: { description: "Cancelled", schema: s.requestDetailSchema } },
  }),
  approveRequest: op({
    operationId: "approveRequest",
    method: "post",
    path: "/requests/{id}/approve",
    summary: "Approve the waiting stage, naming the plan hash reviewed",
    description:
      "Admins give the admin approval; stakeholders the production approval. A plan hash other than the current one is refused (409).",
    tag: "Approvals",
    scope: "approve",
    permissions: DECIDE,
    body: s.approveBodySchema,
    ifMatch: true,
    etag: true,
    responses: { 200: { description: "Approved", schema: s.decisionResultSchema } },
  }),
  rejectRequest: op({
    operationId: "rejectRequest",
    method: "post",
    path: "/requests/{id}/reject",
    summary: "Reject the waiting stage with a reason, naming the plan hash reviewed",
    tag: "Approvals",
    scope: "approve",
    permissions: DECIDE,
    body: s.rejectBodySchema,
    ifMatch: true,
    etag: true,
    responses: { 200: { description: "Rejected", schema: s.decisionResultSchema } },
  }),
  listApprovals: op({
    operationId: "listApprovals",
    method: "get",
    path: "/approvals",
    summary: "My approval queue, oldest first",
    tag: "Approvals",
    scope: "read",
    permissions: DECIDE,
    responses: { 200: { description: "The queue", schema: s.approvalListSchema } },
  }),
  getRun: op({
    operationId: "getRun",
    method: "get",
    path: "/runs/{id}",
    summary: "A provisioning run with every step and its status",
    tag: "Provisioning",
    scope: "read",
    permissions: [...READ_REQUESTS, "run.read_team", "run.read_all"],
    responses: { 200: { description: "The run", schema: s.runSchema } },
  }),
  retryRun: op({
    operationId: "retryRun",
    method: "post",
    path: "/runs/{id}/retry",
    summary: "Retry a failed or stopped run from its failed step",
    tag: "Provisioning",
    scope: "write",
    permissions: ["run.retry"],
    idempotent: true,
    responses: { 201: { description: "A new run is queued", schema: s.retryResultSchema } },
  }),
  listWorkspaces: op({
    operationId: "listWorkspaces",
    method: "get",
    path: "/workspaces",
    summary: "Workspaces I may see, newest first",
    tag: "Workspaces",
    scope: "read",
    permissions: ["request.read_team", "request.read_all", "history.read_all"],
    query: s.workspacesQuerySchema,
    responses: { 200: { description: "One page", schema: s.workspacePageSchema } },
  }),
  getWorkspace: op({
    operationId: "getWorkspace",
    method: "get",
    path: "/workspaces/{id}",
    summary: "One workspace with its resources",
    tag: "Workspaces",
    scope: "read",
    permissions: ["request.read_team", "request.read_all", "history.read_all"],
    responses: { 200: { description: "The workspace", schema: s.workspaceDetailSchema } },
  }),
  getWorkspaceSet: op({
    operationId: "getWorkspaceSet",
    method: "get",
    path: "/workspace-sets/{id}",
    summary: "A workspace set: its desired state, version (the ETag), workspaces and change requests",
    description:
      "`{id}` is the set's id, the id of any of its workspaces, or the id of the request that created it. Changes waiting in line carry their `queuePosition`.",
    tag: "Workspaces",
    scope: "read",
    permissions: ["request.read_team", "request.read_all", "history.read_all"],
    etag: true,
    responses: { 200: { description: "The workspace set", schema: workspaceSetSchema } },
  }),
  createChangeRequest: op({
    operationId: "createChangeRequest",
    method: "post",
    path: "/workspaces/{id}/change-requests",
    summary: "Ask for a change of a live workspace set",
    description:
      "Send `If-Match: \"<version>\"` (the workspace set's ETag, from GET /workspace-sets/{id}); a stale version is refused with 412 naming the changes applied since. The body names only what changes (members, addMembers, removeMembers, compute, environments, visibility, restriction, gitRepositoryUrl, costCenter, reason). Removals are applied at once; other changes wait for their approvals. `{id}` is a workspace's id or its set's id.",
    tag: "Workspaces",
    scope: "write",
    permissions: ["workspace.change"],
    body: changeRequestBodySchema,
    idempotent: true,
    ifMatch: true,
    responses: {
      201: { description: "Created (submitted, or approved at once for removals)", schema: changeRequestResultSchema },
    },
  }),
  listHistory: op({
    operationId: "listHistory",
    method: "get",
    path: "/history",
    summary: "Submitted requests with their milestones, newest submission first",
    tag: "History",
    scope: "read",
    permissions: ["request.read_team", "request.read_all", "history.read_all"],
    query: s.historyQuerySchema,
    responses: { 200: { description: "One page", schema: s.historyPageSchema } },
  }),
  listAuditEvents: op({
    operationId: "listAuditEvents",
    method: "get",
    path: "/audit-events",
    summary: "The audit trail, newest first",
    tag: "Audit",
    scope: "read",
    permissions: ["audit.read"],
    query: s.auditQuerySchema,
    responses: { 200: { description: "One page", schema: s.auditPageSchema } },
  }),
  extendLease: op({
    operationId: "extendLease",
    method: "post",
    path: "/workspace-sets/{id}/lease/extend",
    summary: "Extend a dev/test workspace set's lease by some days",
    description:
      "`{id}` is the workspace set's id (a workspace's id is accepted too and resolves to its set). Within the environment's maximum (days from now) the extension applies at once and is audited (200, `applied: true`); beyond it a change request asks the admins (202, `applied: false`, its id), applied once approved. Owners of the set and admins may extend.",
    tag: "Workspaces",
    scope: "write",
    permissions: ["workspace.change"],
    body: extendLeaseSchema,
    responses: {
      200: { description: "Extended", schema: extendLeaseResultSchema },
      202: { description: "Beyond the maximum: a change request for the admins", schema: extendLeaseResultSchema },
    },
  }),
  getWorkspaceSetDrift: op({
    operationId: "getWorkspaceSetDrift",
    method: "get",
    path: "/workspace-sets/{id}/drift",
    summary: "A workspace set's drift: open findings and its last scans",
    description:
      "`{id}` is the workspace set's id (a workspace's id is accepted too). Visible to whoever may see the set. A finding is a difference between Azure and the approved state, open from the scan that first saw it until the first scan that no longer does.",
    tag: "Workspaces",
    scope: "read",
    permissions: READ_REQUESTS,
    responses: { 200: { description: "The set's drift", schema: setDriftSchema } },
  }),
  createDriftScan: op({
    operationId: "createDriftScan",
    method: "post",
    path: "/workspace-sets/{id}/drift-scans",
    summary: "Scan a workspace set for drift now (read-only)",
    description:
      "Queues a read-only scan of the set (its reads share ARM's read budget with provisioning); a scan already waiting or running is returned instead (`alreadyQueued`). Read the outcome with GET /workspace-sets/{id}/drift. The set's owners and admins may scan.",
    tag: "Workspaces",
    scope: "write",
    permissions: ["drift.scan"],
    idempotent: true,
    responses: { 202: { description: "Queued", schema: driftScanResultSchema } },
  }),
} satisfies Record<string, Operation>;

export const OPERATIONS: Operation[] = Object.values(operations);
