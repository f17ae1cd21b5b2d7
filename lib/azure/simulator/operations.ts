/**
 * The long-running-operation machine: starting an operation (with an injected lro-failed fault deciding its outcome),
 * the URLs clients poll (Azure-AsyncOperation bodies with `status`, Location answering 202 until done), Retry-After,
 * and the generic deletes. Operations settle lazily in the store on the next request; the engine applies their effects.
 */
import { randomUUID } from "node:crypto";
import { ArmError } from "./errors";
import { LRO_FAULTS } from "./faults";
import { isoNow } from "./json";
import {
  NET,
  type ProviderHost,
  type ResourceCtx,
  type SimRequest,
  type SimResponse,
  type StartOperationOptions,
} from "./provider";
import type { Json, Operation, StoredResource } from "./store";
import type { LatencyOperation } from "./types";

export function startOperation(
  h: ProviderHost,
  resource: StoredResource,
  action: Operation["action"],
  latencyOp: LatencyOperation,
  req: SimRequest,
  opts: StartOperationOptions,
): Operation {
  const now = h.now();
  const fault = h.faults.take(req.method, req.path, LRO_FAULTS);
  if (fault) req.lroFault = fault.kind;
  const op: Operation = {
    id: randomUUID(),
    resourceKey: resource.key,
    resourceId: resource.id,
    action,
    startedAt: now,
    dueAt: now + h.latency.duration(latencyOp),
    status: "InProgress",
    outcome: fault ? "Failed" : "Succeeded",
    error: fault
      ? {
          code: fault.errorCode ?? "InternalServerError",
          message: fault.errorMessage ?? "The operation failed (injected fault).",
        }
      : undefined,
    effect: opts.effect ?? { kind: "none" },
    failedState: opts.failedState,
  };
  resource.pending = { opId: op.id, overlay: opts.overlay };
  h.store.put(resource);
  h.store.addOperation(op);
  return op;
}

export function opUrl(
  req: SimRequest,
  sub: string,
  ns: string,
  location: string,
  kind: string,
  op: Operation,
  style?: "async" | "location",
): string {
  const api = req.query["api-version"];
  const typeParam = style ? `&type=${style}` : "";
  return `${req.baseUrl}/subscriptions/${sub}/providers/${ns}/locations/${location}/${kind}/${op.id}?api-version=${api}${typeParam}`;
}

/** Retry-After (seconds) only when the operation has at least a second to go; capped at 10 s. */
export function retryAfter(h: ProviderHost, op: Operation): Record<string, string> {
  const remaining = op.dueAt - h.now();
  if (op.status !== "InProgress" || remaining < 1000) return {};
  return { "Retry-After": String(Math.min(10, Math.ceil(remaining / 1000))) };
}

export function operationStatus(
  h: ProviderHost,
  req: SimRequest,
  opId: string,
  style: "async" | "location",
): SimResponse {
  if (req.method !== "GET") throw h.methodNotAllowed(req);
  const op = h.store.operations.get(opId) ?? h.store.operations.get(opId.toLowerCase());
  if (!op) throw new ArmError(404, "OperationNotFound", `The operation '${opId}' could not be found.`);
  if (style === "async") {
    const body: Json = {
      id: req.path,
      name: op.id,
      status: op.status,
      startTime: isoNow(op.startedAt),
      percentComplete:
        op.status === "InProgress"
          ? Math.min(99, Math.floor(((h.now() - op.startedAt) / Math.max(1, op.dueAt - op.startedAt)) * 100))
          : 100,
    };
    if (op.endedAt !== undefined) body.endTime = isoNow(op.endedAt);
    if (op.error && op.status === "Failed") body.error = op.error;
    return { status: 200, body, headers: h.retryAfter(op) };
  }
  if (op.status === "InProgress") {
    const query = Object.entries(req.query)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join("&");
    return {
      status: 202,
      headers: { Location: `${req.baseUrl}${req.path}${query ? `?${query}` : ""}`, ...h.retryAfter(op) },
    };
  }
  if (op.status === "Failed") {
    const error = op.error ?? { code: "InternalServerError", message: "The operation failed." };
    return { status: 500, body: { error: { ...error, target: null, details: [] } } };
  }
  if (op.action === "delete") return { status: 200 };
  const r = h.store.get(op.resourceKey);
  return r ? { status: 200, body: h.render(r) } : { status: 204 };
}

export function pendingOrStartDelete(
  h: ProviderHost,
  r: StoredResource,
  latencyOp: LatencyOperation,
  req: SimRequest,
  purge = false,
): Operation {
  const current = r.pending ? h.store.operations.get(r.pending.opId) : undefined;
  if (current && current.action === "delete") return current;
  return h.startOperation(r, "delete", latencyOp, req, {
    overlay: { properties: { provisioningState: "Deleting" } },
    effect: { kind: "remove", purge },
  });
}

export function deleteSync(
  h: ProviderHost,
  ctx: ResourceCtx,
  latencyOp: LatencyOperation = "storageAccountDelete",
): SimResponse {
  if (!ctx.existing) return { status: 204 };
  h.removeResource(ctx.existing, false, true);
  return { status: 200, delayMs: h.latency.duration(latencyOp) };
}

export function deleteAsync(
  h: ProviderHost,
  ctx: ResourceCtx,
  latencyOp: LatencyOperation,
  ns: string,
  kind: string,
): SimResponse {
  if (!ctx.existing) return { status: 204 };
  const r = ctx.existing;
  const op = h.pendingOrStartDelete(r, latencyOp, ctx.req);
  const loc = r.location ?? "global";
  return {
    status: 202,
    headers: {
      "Azure-AsyncOperation": h.opUrl(ctx.req, ctx.sub, ns, loc, kind, op),
      Location: h.opUrl(
        ctx.req,
        ctx.sub,
        ns,
        loc,
        ns === NET ? "operationResults" : kind,
        op,
        ns === NET ? undefined : "location",
      ),
      ...h.retryAfter(op),
    },
  };
}

/** An operation with no resource behind it (the thing it acts on is already gone from the estate). */
export function startDetachedOperation(h: ProviderHost, id: string, latencyOp: LatencyOperation): Operation {
  const now = h.now();
  const op: Operation = {
    id: randomUUID(),
    resourceKey: id.toLowerCase(),
    resourceId: id,
    action: "delete",
    startedAt: now,
    dueAt: now + h.latency.duration(latencyOp),
    status: "InProgress",
    outcome: "Succeeded",
    effect: { kind: "none" },
  };
  h.store.addOperation(op);
  return op;
}
