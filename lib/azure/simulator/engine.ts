/**
 * The ARM simulator's request engine: routing, api-version checks, throttling, fault injection and the resource
 * providers (resource groups, storage, key vault, App Insights, Azure ML, network, authorization). Transport-free so it
 * can be unit-tested; `server.ts` wraps it in HTTPS.
 */
import { randomUUID } from "node:crypto";
import { apiVersionsFor } from "./api-versions";
import { ArmError, locationRequired, notFound, resourceGroupNotFound } from "./errors";
import { FaultInjector, LRO_FAULTS, PRINCIPAL_FAULTS, TRANSPORT_FAULTS } from "./faults";
import { DEFAULT_LATENCY_PROFILE, LatencyModel } from "./latency";
import * as names from "./names";
import { resourceGroupLocation, resourceLocation } from "./regions";
import { CANONICAL_TYPES, buildId, keyOf, parseResourceId, rgId } from "./paths";
import { createPrng } from "./prng";
import { BUILT_IN_BY_ID, BUILT_IN_ROLES } from "./roles";
import { type Json, type Operation, type OperationEffect, Store, type StoredResource } from "./store";
import { type OperationClass, Throttler } from "./throttle";
import type { ArmSimulatorOptions, FaultKind, FaultRule, LatencyOperation } from "./types";

export interface SimRequest {
  method: string;
  /** Normalised path (slashes collapsed, no trailing slash). */
  path: string;
  segs: string[];
  low: string[];
  query: Record<string, string>;
  body: unknown;
  /** Absolute base URL the client used, e.g. https://127.0.0.1:8443 */
  baseUrl: string;
  /** Set when this request started an operation that an injected fault makes end Failed (shown in the request log). */
  lroFault?: FaultKind;
}

export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Simulated service time before the response is written (synchronous operations). */
  delayMs?: number;
  /** Transport-level fault: drop the connection or never answer. */
  transport?: "reset" | "hang";
  fault?: FaultKind | null;
}

const DEFAULT_TENANT = "72f988bf-0000-4000-8000-00000000a7e1";
const ML = "Microsoft.MachineLearningServices";
const NET = "Microsoft.Network";
const SOFT_DELETE_DEFAULT_MS = 14 * 24 * 3600_000;

const T = {
  rg: "Microsoft.Resources/resourceGroups",
  storage: "Microsoft.Storage/storageAccounts",
  vault: "Microsoft.KeyVault/vaults",
  appi: "microsoft.insights/components",
  ws: `${ML}/workspaces`,
  compute: `${ML}/workspaces/computes`,
  connection: `${ML}/workspaces/connections`,
  pec: `${ML}/workspaces/privateEndpointConnections`,
  pe: `${NET}/privateEndpoints`,
  zoneGroup: `${NET}/privateEndpoints/privateDnsZoneGroups`,
  vnet: `${NET}/virtualNetworks`,
  subnet: `${NET}/virtualNetworks/subnets`,
  dnsZone: `${NET}/privateDnsZones`,
  vnetLink: `${NET}/privateDnsZones/virtualNetworkLinks`,
  roleAssignment: "Microsoft.Authorization/roleAssignments",
  roleDefinition: "Microsoft.Authorization/roleDefinitions",
} as const;

const TERMINAL_OK = "Succeeded";

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function asObject(v: unknown): Json {
  return isObject(v) ? v : {};
}

function deepMerge(base: Json, overlay: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(overlay)) {
    out[k] = isObject(v) && isObject(base[k]) ? deepMerge(base[k] as Json, v) : v;
  }
  return out;
}

function isoNow(ms: number): string {
  return new Date(ms).toISOString();
}

/** ISO-8601 duration (PnDTnHnMnS) in ms, or null when unparsable. */
export function parseIsoDuration(value: string): number | null {
  const m = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(
    value,
  );
  if (!m || value === "P" || /T$/i.test(value)) return null;
  const [, d, h, mi, s] = m;
  return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(mi ?? 0)) * 60_000 + Number(s ?? 0) * 1000;
}

interface ResourceCtx {
  req: SimRequest;
  sub: string;
  rg: string;
  type: string;
  names: string[];
  name: string;
  id: string;
  key: string;
  parentKey: string | null;
  parentId: string | null;
  existing: StoredResource | undefined;
  apiVersion: string;
}

type Handler = (ctx: ResourceCtx) => SimResponse | Promise<SimResponse>;

interface TypeHandler {
  put?: Handler;
  patch?: Handler;
  get?: Handler;
  delete?: Handler;
  actions?: Record<string, Handler>;
}

export class ArmEngine {
  readonly store: Store;
  readonly tenantId: string;
  readonly timeScale: number;
  private readonly latency: LatencyModel;
  private readonly throttler: Throttler;
  readonly faults: FaultInjector;
  private readonly principalDelayMs: number;
  private readonly softDeleteMs: number;
  private readonly handlers: Record<string, TypeHandler>;
  private ipCounter = 4;

  constructor(
    private readonly options: ArmSimulatorOptions,
    private readonly now: () => number = Date.now,
  ) {
    const seed = options.seed ?? 1;
    this.timeScale = options.timeScale ?? 1;
    this.tenantId = options.tenantId ?? DEFAULT_TENANT;
    this.latency = new LatencyModel(this.timeScale, createPrng(seed ^ 0x5eed), {
      ...DEFAULT_LATENCY_PROFILE,
      ...options.latencyProfile,
    });
    this.throttler = new Throttler(options.throttling, now);
    this.faults = new FaultInjector(options.faults, seed);
    this.principalDelayMs = options.principalReplicationDelayMs ?? 0;
    this.softDeleteMs = options.softDeleteRetentionMs ?? SOFT_DELETE_DEFAULT_MS;
    this.store = new Store(options.stateFile ?? null, now);
    this.store.effectHandler = (op) => this.completeOperation(op);
    this.handlers = {
      [T.storage.toLowerCase()]: { put: (c) => this.putStorage(c), delete: (c) => this.deleteSync(c), actions: {} },
      [T.vault.toLowerCase()]: { put: (c) => this.putVault(c), delete: (c) => this.deleteSync(c) },
      [T.appi.toLowerCase()]: {
        put: (c) => this.putAppInsights(c),
        delete: (c) => this.deleteSync(c, "appInsightsDelete"),
      },
      [T.ws.toLowerCase()]: {
        put: (c) => this.putWorkspace(c),
        patch: (c) => this.patchWorkspace(c),
        delete: (c) => this.deleteWorkspace(c),
        actions: { listkeys: (c) => this.workspaceListKeys(c) },
      },
      [T.compute.toLowerCase()]: {
        put: (c) => this.putCompute(c),
        patch: (c) => this.patchCompute(c),
        delete: (c) => this.deleteCompute(c),
        actions: {
          start: (c) => this.computeAction(c, "Starting", "Running"),
          stop: (c) => this.computeAction(c, "Stopping", "Stopped"),
          restart: (c) => this.computeAction(c, "Restarting", "Running"),
          updateidleshutdownsetting: (c) => this.computeIdleShutdown(c),
          listnodes: (c) => this.computeListNodes(c),
        },
      },
      [T.connection.toLowerCase()]: {
        put: (c) => this.putConnection(c),
        delete: (c) => this.deleteSync(c, "connectionWrite"),
      },
      [T.pec.toLowerCase()]: { put: (c) => this.putPeConnection(c), delete: (c) => this.deletePeConnection(c) },
      [T.pe.toLowerCase()]: {
        put: (c) => this.putPrivateEndpoint(c),
        delete: (c) => this.deleteAsync(c, "privateEndpointDelete", NET, "operations"),
      },
      [T.zoneGroup.toLowerCase()]: {
        put: (c) => this.putZoneGroup(c),
        delete: (c) => this.deleteAsync(c, "privateDnsZoneGroupDelete", NET, "operations"),
      },
      [T.vnet.toLowerCase()]: {
        put: (c) => this.putGenericNetwork(c),
        delete: (c) => this.deleteAsync(c, "networkWrite", NET, "operations"),
      },
      [T.subnet.toLowerCase()]: {
        put: (c) => this.putGenericNetwork(c),
        delete: (c) => this.deleteAsync(c, "networkWrite", NET, "operations"),
      },
      [T.dnsZone.toLowerCase()]: {
        put: (c) => this.putGenericNetwork(c),
        delete: (c) => this.deleteAsync(c, "networkWrite", NET, "operations"),
      },
      [T.vnetLink.toLowerCase()]: {
        put: (c) => this.putGenericNetwork(c),
        delete: (c) => this.deleteAsync(c, "networkWrite", NET, "operations"),
      },
    };
  }

  // =================================================================================================================
  // Entry point
  // =================================================================================================================

  async handle(req: SimRequest): Promise<SimResponse> {
    this.store.settle();
    const transport = this.faults.take(req.method, req.path, TRANSPORT_FAULTS);
    if (transport) return this.transportFault(transport);
    try {
      const res = await this.route(req);
      return req.lroFault && !res.fault ? { ...res, fault: req.lroFault } : res;
    } catch (err) {
      if (err instanceof ArmError) return { status: err.status, body: err.toBody(), headers: err.headers };
      throw err;
    }
  }

  private transportFault(rule: FaultRule): SimResponse {
    switch (rule.kind) {
      case "throttle": {
        const e = new ArmError(
          429,
          "SubscriptionRequestsThrottled",
          "Number of requests for subscription exceeded the limit (injected fault). Please try again later.",
        );
        return {
          status: 429,
          body: e.toBody(),
          headers: { "Retry-After": String(rule.retryAfterSeconds ?? 1) },
          fault: rule.kind,
        };
      }
      case "throttle-no-retry-after": {
        const e = new ArmError(
          429,
          "SubscriptionRequestsThrottled",
          "Number of requests for subscription exceeded the limit (injected fault).",
        );
        return { status: 429, body: e.toBody(), fault: rule.kind };
      }
      case "internal-error":
        return {
          status: 500,
          body: new ArmError(
            500,
            "InternalServerError",
            "Encountered internal server error (injected fault).",
          ).toBody(),
          fault: rule.kind,
        };
      case "service-unavailable":
        return {
          status: 503,
          body: new ArmError(
            503,
            "ServiceUnavailable",
            "The service is temporarily unavailable (injected fault).",
          ).toBody(),
          fault: rule.kind,
        };
      case "connection-reset":
        return { status: 0, transport: "reset", fault: rule.kind };
      default:
        return { status: 0, transport: "hang", fault: rule.kind };
    }
  }

  private requireApiVersion(req: SimRequest, typeKey: string): string {
    const v = req.query["api-version"];
    if (!v) {
      throw new ArmError(
        400,
        "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests.",
      );
    }
    const versions = apiVersionsFor(typeKey);
    if (versions && !versions.includes(v)) {
      const [ns, ...rest] = typeKey.split("/");
      throw new ArmError(
        400,
        "InvalidApiVersionParameter",
        `The api-version '${v}' is invalid. The supported versions for resource type '${rest.join("/")}' of namespace '${ns}' are '${[...versions].reverse().join(",")}'.`,
      );
    }
    return v;
  }

  private throttle(sub: string, method: string): Record<string, string> {
    const cls: OperationClass =
      method === "DELETE" ? "deletes" : method === "GET" || method === "HEAD" ? "reads" : "writes";
    const r = this.throttler.take(sub, cls);
    if (!r.ok) {
      const e = new ArmError(
        429,
        "SubscriptionRequestsThrottled",
        `Number of '${cls.slice(0, -1)}' requests for subscription '${sub}' actor 'simulator' exceeded. Please try again after '${r.retryAfterSeconds}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling`,
        { headers: { "Retry-After": String(r.retryAfterSeconds) } },
      );
      throw e;
    }
    return { [`x-ms-ratelimit-remaining-subscription-${cls}`]: String(r.remaining) };
  }

  private async route(req: SimRequest): Promise<SimResponse> {
    const { segs, low } = req;
    if (low[0] === "providers" && low[1] === "microsoft.authorization") {
      const typeKey = `microsoft.authorization/${low[2] ?? ""}`;
      this.requireApiVersion(req, typeKey);
      const rl = this.throttle("tenant", req.method);
      return this.withHeaders(await this.authorization(req, "", segs.slice(2)), rl);
    }
    if (low[0] !== "subscriptions" || segs.length < 2) throw this.noRoute(req);
    const sub = segs[1];
    if (!names.isGuid(sub)) {
      throw new ArmError(
        400,
        "InvalidSubscriptionId",
        `The provided subscription identifier '${sub}' is malformed or invalid.`,
      );
    }

    let p = -1;
    for (let i = segs.length - 2; i >= 2; i--) {
      if (low[i] === "providers") {
        p = i;
        break;
      }
    }

    if (p === -1) {
      if (segs.length === 2) {
        this.requireApiVersion(req, "microsoft.resources/resourcegroups");
        const rl = this.throttle(sub, req.method);
        if (req.method !== "GET") throw this.methodNotAllowed(req);
        return this.withHeaders(
          {
            status: 200,
            body: {
              id: `/subscriptions/${sub}`,
              subscriptionId: sub,
              tenantId: this.tenantId,
              displayName: "Atrium simulated subscription",
              state: "Enabled",
            },
          },
          rl,
        );
      }
      if (low[2] === "resourcegroups" && segs.length <= 4) {
        this.requireApiVersion(req, "microsoft.resources/resourcegroups");
        const rl = this.throttle(sub, req.method);
        return this.withHeaders(await this.resourceGroups(req, sub, segs[3]), rl);
      }
      if (low[2] === "operationresults" && segs.length === 4) {
        this.requireApiVersion(req, "microsoft.resources/operationresults");
        const rl = this.throttle(sub, req.method);
        return this.withHeaders(this.operationStatus(req, segs[3], "location"), rl);
      }
      throw this.noRoute(req);
    }

    const ns = segs[p + 1];
    const nsLow = ns.toLowerCase();
    if (nsLow === "microsoft.authorization") {
      const scope = `/${segs.slice(0, p).join("/")}`;
      this.requireApiVersion(req, `microsoft.authorization/${low[p + 2] ?? ""}`);
      const rl = this.throttle(sub, req.method);
      return this.withHeaders(await this.authorization(req, scope, segs.slice(p + 2)), rl);
    }

    const scopeLen = p;
    const atSubscription = scopeLen === 2;
    const atResourceGroup = scopeLen === 4 && low[2] === "resourcegroups";
    if (!atSubscription && !atResourceGroup) throw this.noRoute(req);
    const rest = segs.slice(p + 2);
    const restLow = low.slice(p + 2);
    if (rest.length === 0) throw this.noRoute(req);

    if (restLow[0] === "locations") {
      this.requireApiVersion(req, `${nsLow}/locations`);
      const rl = this.throttle(sub, req.method);
      if (rest.length !== 4 || req.method !== "GET") throw this.noRoute(req);
      const kind = restLow[2];
      const style =
        kind === "asyncoperations" || kind === "operationresults"
          ? "location"
          : kind.endsWith("operationsstatus") && req.query.type === "location"
            ? "location"
            : "async";
      return this.withHeaders(this.operationStatus(req, rest[3], style), rl);
    }

    if (atSubscription) {
      if (rest.length !== 1) throw this.noRoute(req);
      const typeKey = `${nsLow}/${restLow[0]}`;
      if (restLow[0] === "checknameavailability") {
        this.requireApiVersion(
          req,
          nsLow === "microsoft.storage"
            ? T.storage.toLowerCase()
            : nsLow === "microsoft.keyvault"
              ? T.vault.toLowerCase()
              : typeKey,
        );
        const rl = this.throttle(sub, req.method);
        if (req.method !== "POST") throw this.methodNotAllowed(req);
        return this.withHeaders(this.checkNameAvailability(nsLow, asObject(req.body)), rl);
      }
      const canonical = CANONICAL_TYPES[typeKey];
      if (!canonical) throw this.unknownType(ns, rest[0], req);
      this.requireApiVersion(req, typeKey);
      const rl = this.throttle(sub, req.method);
      if (req.method !== "GET") throw this.methodNotAllowed(req);
      const value = this.store
        .all()
        .filter((r) => r.type === canonical && r.subscriptionId.toLowerCase() === sub.toLowerCase())
        .map((r) => this.render(r));
      return this.withHeaders({ status: 200, body: { value } }, rl);
    }

    // Resource-group scope: {type}/{name}[/{child}/{name}]…[/{collection|action}]
    const rg = segs[3];
    const pairs = Math.floor(rest.length / 2);
    const typeParts = [ns];
    const nameParts: string[] = [];
    for (let i = 0; i < pairs; i++) {
      typeParts.push(rest[2 * i]);
      nameParts.push(rest[2 * i + 1]);
    }
    const leftover = rest.length % 2 === 1 ? rest[rest.length - 1] : null;
    const topTypeKey = `${nsLow}/${restLow[0]}`;
    const typeKey = typeParts.join("/").toLowerCase();
    if (!CANONICAL_TYPES[topTypeKey] || (pairs > 0 && !CANONICAL_TYPES[typeKey])) {
      throw this.unknownType(ns, pairs > 0 ? typeParts.slice(1).join("/") : rest[0], req);
    }
    const apiVersion = this.requireApiVersion(req, topTypeKey);
    const rl = this.throttle(sub, req.method);

    const rgKey = keyOf(rgId(sub, rg));
    const group = this.store.get(rgKey);
    if (!group) throw resourceGroupNotFound(rg);
    if (req.method !== "GET" && req.method !== "HEAD" && group.pending) {
      throw new ArmError(
        409,
        "ResourceGroupBeingDeleted",
        `The resource group '${group.name}' is in deprovisioning state and cannot perform this operation.`,
      );
    }

    if (pairs === 0) {
      // List a top-level type in the resource group.
      if (req.method !== "GET") throw this.methodNotAllowed(req);
      const canonical = CANONICAL_TYPES[topTypeKey];
      const value = this.store.childrenOfGroup(rgKey, canonical).map((r) => this.render(r));
      return this.withHeaders({ status: 200, body: { value } }, rl);
    }

    const type = CANONICAL_TYPES[typeKey];
    const id = buildId(sub, group.name, type, nameParts);
    const key = keyOf(id);
    const parentKey =
      pairs > 1 ? keyOf(buildId(sub, group.name, typeParts.slice(0, -1).join("/"), nameParts.slice(0, -1))) : null;
    const ctx: ResourceCtx = {
      req,
      sub,
      rg: group.name,
      type,
      names: nameParts,
      name: nameParts[nameParts.length - 1],
      id,
      key,
      parentKey,
      parentId: parentKey ? (this.store.get(parentKey)?.id ?? null) : null,
      existing: this.store.get(key),
      apiVersion,
    };

    if (leftover !== null) {
      const childKey = `${typeKey}/${leftover.toLowerCase()}`;
      if (CANONICAL_TYPES[childKey]) {
        if (req.method !== "GET") throw this.methodNotAllowed(req);
        this.requireExisting(ctx);
        const value = this.store.childrenOf(key, CANONICAL_TYPES[childKey]).map((r) => this.render(r));
        return this.withHeaders({ status: 200, body: { value } }, rl);
      }
      if (typeKey === T.ws.toLowerCase() && leftover.toLowerCase() === "privatelinkresources" && req.method === "GET") {
        this.requireExisting(ctx);
        return this.withHeaders({ status: 200, body: this.workspacePrivateLinkResources(ctx) }, rl);
      }
      const handler = this.handlers[typeKey]?.actions?.[leftover.toLowerCase()];
      if (!handler || req.method !== "POST") throw this.noRoute(req);
      return this.withHeaders(await handler(ctx), rl);
    }

    if (parentKey && !this.store.get(parentKey)) {
      const parent = parseResourceId(
        buildId(sub, group.name, typeParts.slice(0, -1).join("/"), nameParts.slice(0, -1)),
      )!;
      throw notFound(parent.type, nameParts.slice(0, -1).join("/"), group.name);
    }

    const handler = this.handlers[typeKey];
    let res: SimResponse;
    switch (req.method) {
      case "GET":
        res = this.getResource(ctx);
        break;
      case "HEAD":
        res = { status: ctx.existing ? 204 : 404 };
        break;
      case "PUT": {
        if (!handler?.put) throw this.methodNotAllowed(req);
        const nameError = names.checkArmName(ctx.name);
        if (nameError) throw nameError;
        if (!isObject(req.body))
          throw new ArmError(
            400,
            "InvalidRequestContent",
            "The request content was invalid and could not be deserialized: the body must be a JSON object.",
          );
        res = await handler.put(ctx);
        break;
      }
      case "PATCH":
        if (!handler?.patch) throw this.methodNotAllowed(req);
        this.requireExisting(ctx);
        res = await handler.patch(ctx);
        break;
      case "DELETE":
        if (!handler?.delete) throw this.methodNotAllowed(req);
        res = await handler.delete(ctx);
        break;
      default:
        throw this.methodNotAllowed(req);
    }
    return this.withHeaders(res, rl);
  }

  private withHeaders(res: SimResponse, headers: Record<string, string>): SimResponse {
    return { ...res, headers: { ...headers, ...res.headers } };
  }

  private noRoute(req: SimRequest): ArmError {
    return new ArmError(
      404,
      "NotFound",
      `No HTTP resource was found that matches the request URI '${req.baseUrl}${req.path}'.`,
    );
  }

  private methodNotAllowed(req: SimRequest): ArmError {
    return new ArmError(
      405,
      "MethodNotAllowed",
      `The requested resource does not support http method '${req.method}'.`,
    );
  }

  private unknownType(ns: string, type: string, req: SimRequest): ArmError {
    return new ArmError(
      400,
      "InvalidResourceType",
      `The resource type '${type}' could not be found in the namespace '${ns}' for api version '${req.query["api-version"] ?? ""}'.`,
    );
  }

  private requireExisting(ctx: ResourceCtx): StoredResource {
    if (!ctx.existing) throw notFound(ctx.type, ctx.names.join("/"), ctx.rg);
    return ctx.existing;
  }

  // =================================================================================================================
  // Rendering, operations, helpers
  // =================================================================================================================

  render(r: StoredResource): Json {
    let body = r.pending ? deepMerge(r.body, r.pending.overlay) : r.body;
    if (r.type === T.vnet) {
      const subnets = this.store.childrenOf(r.key, T.subnet).map((s) => this.render(s));
      body = { ...body, properties: { ...asObject(body.properties), subnets } };
    }
    return body;
  }

  private getResource(ctx: ResourceCtx): SimResponse {
    const r = this.requireExisting(ctx);
    return { status: 200, body: this.render(r), delayMs: this.latency.duration("read") };
  }

  private newResource(ctx: ResourceCtx, body: Json, location: string | null): StoredResource {
    const now = this.now();
    return {
      key: ctx.key,
      id: ctx.id,
      type: ctx.type,
      name: ctx.name,
      subscriptionId: ctx.sub,
      resourceGroup: ctx.rg,
      location,
      body,
      createdAt: ctx.existing?.createdAt ?? now,
      updatedAt: now,
    };
  }

  private systemData(existing: StoredResource | undefined): Json {
    const created = existing ? asObject(existing.body.systemData) : {};
    const now = isoNow(this.now());
    return {
      createdAt: created.createdAt ?? now,
      createdBy: created.createdBy ?? "atrium-simulator",
      createdByType: created.createdByType ?? "Application",
      lastModifiedAt: now,
      lastModifiedBy: "atrium-simulator",
      lastModifiedByType: "Application",
    };
  }

  private startOperation(
    resource: StoredResource,
    action: Operation["action"],
    latencyOp: LatencyOperation,
    req: SimRequest,
    opts: { overlay: Json; effect?: OperationEffect; failedState?: Json },
  ): Operation {
    const now = this.now();
    const fault = this.faults.take(req.method, req.path, LRO_FAULTS);
    if (fault) req.lroFault = fault.kind;
    const op: Operation = {
      id: randomUUID(),
      resourceKey: resource.key,
      resourceId: resource.id,
      action,
      startedAt: now,
      dueAt: now + this.latency.duration(latencyOp),
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
    this.store.put(resource);
    this.store.addOperation(op);
    return op;
  }

  private opUrl(
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
  private retryAfter(op: Operation): Record<string, string> {
    const remaining = op.dueAt - this.now();
    if (op.status !== "InProgress" || remaining < 1000) return {};
    return { "Retry-After": String(Math.min(10, Math.ceil(remaining / 1000))) };
  }

  private completeOperation(op: Operation): void {
    const r = this.store.get(op.resourceKey);
    const ownsResource = r?.pending?.opId === op.id;
    if (r && ownsResource) {
      delete r.pending;
      r.updatedAt = this.now();
    }
    if (op.status === "Failed") {
      if (r && ownsResource && op.failedState) r.body = deepMerge(r.body, op.failedState);
      return;
    }
    switch (op.effect.kind) {
      case "remove":
        if (r) this.removeResource(r, op.effect.purge ?? false, true);
        break;
      case "connectPrivateEndpoint":
        if (r) this.connectPrivateEndpoint(r);
        break;
      case "computeState":
        if (r) r.body = deepMerge(r.body, { properties: { properties: { state: op.effect.state } } });
        break;
      default:
        break;
    }
  }

  private operationStatus(req: SimRequest, opId: string, style: "async" | "location"): SimResponse {
    if (req.method !== "GET") throw this.methodNotAllowed(req);
    const op = this.store.operations.get(opId) ?? this.store.operations.get(opId.toLowerCase());
    if (!op) throw new ArmError(404, "OperationNotFound", `The operation '${opId}' could not be found.`);
    if (style === "async") {
      const body: Json = {
        id: req.path,
        name: op.id,
        status: op.status,
        startTime: isoNow(op.startedAt),
        percentComplete:
          op.status === "InProgress"
            ? Math.min(99, Math.floor(((this.now() - op.startedAt) / Math.max(1, op.dueAt - op.startedAt)) * 100))
            : 100,
      };
      if (op.endedAt !== undefined) body.endTime = isoNow(op.endedAt);
      if (op.error && op.status === "Failed") body.error = op.error;
      return { status: 200, body, headers: this.retryAfter(op) };
    }
    if (op.status === "InProgress") {
      const query = Object.entries(req.query)
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
        .join("&");
      return {
        status: 202,
        headers: { Location: `${req.baseUrl}${req.path}${query ? `?${query}` : ""}`, ...this.retryAfter(op) },
      };
    }
    if (op.status === "Failed") {
      const error = op.error ?? { code: "InternalServerError", message: "The operation failed." };
      return { status: 500, body: { error: { ...error, target: null, details: [] } } };
    }
    if (op.action === "delete") return { status: 200 };
    const r = this.store.get(op.resourceKey);
    return r ? { status: 200, body: this.render(r) } : { status: 204 };
  }

  /** Removes a resource with its children and runs the side effects Azure applies. */
  private removeResource(r: StoredResource, purge: boolean, direct: boolean): void {
    const removed = this.store.removeTree(r.key);
    for (const gone of removed) {
      if (gone.type === T.ws && direct && gone.key === r.key && !purge) {
        const now = this.now();
        this.store.softDeleted.set(gone.key, {
          key: gone.key,
          id: gone.id,
          name: gone.name,
          location: gone.location,
          resourceGroupKey: keyOf(rgId(gone.subscriptionId, gone.resourceGroup ?? "")),
          deletedAt: isoNow(now),
          purgeAt: isoNow(now + this.softDeleteMs),
        });
      }
      if (gone.type === T.pe) this.disconnectPrivateEndpoint(gone);
      if (gone.type === T.ws) {
        for (const pe of this.store.all().filter((x) => x.type === T.pe)) {
          const conns = asObject(pe.body.properties).privateLinkServiceConnections as Json[] | undefined;
          for (const c of conns ?? []) {
            const props = asObject(c.properties);
            if (keyOf(String(props.privateLinkServiceId ?? "")) === gone.key) {
              props.privateLinkServiceConnectionState = {
                status: "Disconnected",
                description: "Private link resource deleted.",
                actionsRequired: "None",
              };
            }
          }
        }
      }
    }
  }

  private purgeExpiredSoftDeletes(): void {
    const now = this.now();
    for (const [k, s] of this.store.softDeleted) if (Date.parse(s.purgeAt) <= now) this.store.softDeleted.delete(k);
  }

  /** The location of a PUT body, required and normalised; refused like ARM when the type is not offered there. */
  private ensureLocation(body: Json, type: string): string {
    const location = body.location;
    if (typeof location !== "string" || location.length === 0) throw locationRequired();
    return type === T.rg ? resourceGroupLocation(location) : resourceLocation(location, type);
  }

  private tags(body: Json): Json {
    const tags = body.tags;
    if (tags === undefined || tags === null) return {};
    if (!isObject(tags)) throw new ArmError(400, "InvalidTag", "The tags must be an object of string values.");
    const entries = Object.entries(tags);
    if (entries.length > 50) throw new ArmError(400, "InvalidTag", "The number of tags exceeds the limit of 50.");
    for (const [k, v] of entries) {
      if (k.length > 512 || /[<>%&\\?/]/.test(k))
        throw new ArmError(
          400,
          "InvalidTagNameCharacters",
          `The tag names '${k}' have reserved characters '<,>,%,&,\\,?,/' or control characters.`,
        );
      if (typeof v !== "string" || v.length > 256)
        throw new ArmError(400, "InvalidTag", `The tag value of '${k}' must be a string of at most 256 characters.`);
    }
    return tags;
  }

  // =================================================================================================================
  // Resource groups
  // =================================================================================================================

  private async resourceGroups(req: SimRequest, sub: string, name: string | undefined): Promise<SimResponse> {
    if (name === undefined) {
      if (req.method !== "GET") throw this.methodNotAllowed(req);
      const value = this.store
        .all()
        .filter((r) => r.type === T.rg && r.subscriptionId.toLowerCase() === sub.toLowerCase())
        .map((r) => this.render(r));
      return { status: 200, body: { value } };
    }
    const id = rgId(sub, name);
    const key = keyOf(id);
    const existing = this.store.get(key);
    switch (req.method) {
      case "GET":
        if (!existing) throw resourceGroupNotFound(name);
        return { status: 200, body: this.render(existing), delayMs: this.latency.duration("read") };
      case "HEAD":
        return { status: existing ? 204 : 404 };
      case "PUT": {
        const err = names.checkResourceGroupName(name);
        if (err) throw err;
        const body = asObject(req.body);
        const location = this.ensureLocation(body, T.rg);
        const tags = this.tags(body);
        if (existing?.pending) {
          throw new ArmError(
            409,
            "ResourceGroupBeingDeleted",
            `The resource group '${existing.name}' is in deprovisioning state and cannot perform this operation.`,
          );
        }
        if (existing && existing.location?.toLowerCase() !== location.toLowerCase()) {
          throw new ArmError(
            409,
            "InvalidResourceGroupLocation",
            `Invalid resource group location '${location}'. The Resource group already exists in location '${existing.location}'.`,
          );
        }
        const now = this.now();
        const rgName = existing?.name ?? name;
        const resource: StoredResource = {
          key,
          id: rgId(sub, rgName),
          type: T.rg,
          name: rgName,
          subscriptionId: sub,
          resourceGroup: rgName,
          location: existing?.location ?? location,
          body: {
            id: rgId(sub, rgName),
            name: rgName,
            type: T.rg,
            location: existing?.location ?? location,
            ...(body.managedBy ? { managedBy: body.managedBy } : {}),
            tags,
            properties: { provisioningState: TERMINAL_OK },
          },
          createdAt: existing?.createdAt ?? now,
          updatedAt: now,
        };
        this.store.put(resource);
        return {
          status: existing ? 200 : 201,
          body: resource.body,
          delayMs: this.latency.duration("resourceGroupWrite"),
        };
      }
      case "PATCH": {
        if (!existing) throw resourceGroupNotFound(name);
        const body = asObject(req.body);
        if (body.tags !== undefined) existing.body = { ...existing.body, tags: this.tags(body) };
        existing.updatedAt = this.now();
        this.store.put(existing);
        return { status: 200, body: this.render(existing) };
      }
      case "DELETE": {
        if (!existing) throw resourceGroupNotFound(name);
        let op = existing.pending ? this.store.operations.get(existing.pending.opId) : undefined;
        if (!op) {
          op = this.startOperation(existing, "delete", "resourceGroupDelete", req, {
            overlay: { properties: { provisioningState: "Deleting" } },
            effect: { kind: "remove" },
          });
        }
        return {
          status: 202,
          headers: {
            Location: `${req.baseUrl}/subscriptions/${sub}/operationresults/${op.id}?api-version=${req.query["api-version"]}`,
            ...this.retryAfter(op),
          },
        };
      }
      default:
        throw this.methodNotAllowed(req);
    }
  }

  // =================================================================================================================
  // Generic deletes
  // =================================================================================================================

  private deleteSync(ctx: ResourceCtx, latencyOp: LatencyOperation = "storageAccountDelete"): SimResponse {
    if (!ctx.existing) return { status: 204 };
    this.removeResource(ctx.existing, false, true);
    return { status: 200, delayMs: this.latency.duration(latencyOp) };
  }

  private deleteAsync(ctx: ResourceCtx, latencyOp: LatencyOperation, ns: string, kind: string): SimResponse {
    if (!ctx.existing) return { status: 204 };
    const r = ctx.existing;
    const op = this.pendingOrStartDelete(r, latencyOp, ctx.req);
    const loc = r.location ?? "global";
    return {
      status: 202,
      headers: {
        "Azure-AsyncOperation": this.opUrl(ctx.req, ctx.sub, ns, loc, kind, op),
        Location: this.opUrl(
          ctx.req,
          ctx.sub,
          ns,
          loc,
          ns === NET ? "operationResults" : kind,
          op,
          ns === NET ? undefined : "location",
        ),
        ...this.retryAfter(op),
      },
    };
  }

  private pendingOrStartDelete(
    r: StoredResource,
    latencyOp: LatencyOperation,
    req: SimRequest,
    purge = false,
  ): Operation {
    const current = r.pending ? this.store.operations.get(r.pending.opId) : undefined;
    if (current && current.action === "delete") return current;
    return this.startOperation(r, "delete", latencyOp, req, {
      overlay: { properties: { provisioningState: "Deleting" } },
      effect: { kind: "remove", purge },
    });
  }

  // =================================================================================================================
  // Storage, Key Vault, App Insights
  // =================================================================================================================

  private checkNameAvailability(ns: string, body: Json): SimResponse {
    const name = String(body.name ?? "");
    if (ns === "microsoft.storage") {
      const err = names.checkStorageAccountName(name);
      if (err)
        return { status: 200, body: { nameAvailable: false, reason: "AccountNameInvalid", message: err.message } };
      const taken = this.findGlobal(T.storage, name);
      return {
        status: 200,
        body: taken
          ? {
              nameAvailable: false,
              reason: "AlreadyExists",
              message: `The storage account named ${name} is already taken.`,
            }
          : { nameAvailable: true },
      };
    }
    if (ns === "microsoft.keyvault") {
      const err = names.checkKeyVaultName(name);
      if (err)
        return { status: 200, body: { nameAvailable: false, reason: "AccountNameInvalid", message: err.message } };
      const taken = this.findGlobal(T.vault, name);
      return {
        status: 200,
        body: taken
          ? { nameAvailable: false, reason: "AlreadyExists", message: `The vault name '${name}' is already in use.` }
          : { nameAvailable: true },
      };
    }
    throw new ArmError(400, "InvalidResourceType", `checkNameAvailability is not supported for namespace '${ns}'.`);
  }

  private findGlobal(type: string, name: string): StoredResource | undefined {
    const n = name.toLowerCase();
    for (const r of this.store.resources.values()) if (r.type === type && r.name.toLowerCase() === n) return r;
    return undefined;
  }

  private putStorage(ctx: ResourceCtx): SimResponse {
    const err = names.checkStorageAccountName(ctx.name);
    if (err) throw err;
    const body = asObject(ctx.req.body);
    const location = this.ensureLocation(body, ctx.type);
    const taken = this.findGlobal(T.storage, ctx.name);
    if (taken && taken.key !== ctx.key) {
      throw new ArmError(409, "StorageAccountAlreadyTaken", `The storage account named ${ctx.name} is already taken.`);
    }
    if (!isObject(body.sku) || typeof body.sku.name !== "string") {
      throw new ArmError(400, "InvalidRequestContent", "The value for one of the properties is missing: 'sku'.", {
        target: "sku",
      });
    }
    const input = asObject(body.properties);
    const n = ctx.name;
    const final: Json = {
      id: ctx.id,
      name: n,
      type: T.storage,
      location,
      tags: this.tags(body),
      sku: { name: body.sku.name, tier: String(body.sku.name).startsWith("Premium") ? "Premium" : "Standard" },
      kind: body.kind ?? "StorageV2",
      ...(body.identity ? { identity: body.identity } : {}),
      properties: {
        accessTier: "Hot",
        allowBlobPublicAccess: false,
        minimumTlsVersion: "TLS1_2",
        supportsHttpsTrafficOnly: true,
        allowSharedKeyAccess: true,
        isHnsEnabled: false,
        publicNetworkAccess: "Enabled",
        networkAcls: { bypass: "AzureServices", virtualNetworkRules: [], ipRules: [], defaultAction: "Allow" },
        encryption: {
          services: { blob: { enabled: true, keyType: "Account" }, file: { enabled: true, keyType: "Account" } },
          keySource: "Microsoft.Storage",
        },
        ...input,
        provisioningState: TERMINAL_OK,
        creationTime: ctx.existing ? asObject(ctx.existing.body.properties).creationTime : isoNow(this.now()),
        primaryEndpoints: {
          blob: `https://${n}.blob.core.windows.net/`,
          queue: `https://${n}.queue.core.windows.net/`,
          table: `https://${n}.table.core.windows.net/`,
          file: `https://${n}.file.core.windows.net/`,
          dfs: `https://${n}.dfs.core.windows.net/`,
          web: `https://${n}.z13.web.core.windows.net/`,
        },
        primaryLocation: location,
        statusOfPrimary: "available",
      },
    };
    const resource = this.newResource(ctx, final, location);
    if (ctx.existing && !ctx.existing.pending) {
      this.store.put(resource);
      return { status: 200, body: final, delayMs: this.latency.duration("read") };
    }
    const op = this.startOperation(resource, "create", "storageAccountCreate", ctx.req, {
      overlay: { properties: { provisioningState: "Creating" } },
      failedState: { properties: { provisioningState: "Failed" } },
    });
    return {
      status: 202,
      headers: {
        Location: `${ctx.req.baseUrl}/subscriptions/${ctx.sub}/providers/Microsoft.Storage/locations/${location}/asyncoperations/${op.id}?monitor=true&api-version=${ctx.apiVersion}`,
        ...this.retryAfter(op),
      },
    };
  }

  private putVault(ctx: ResourceCtx): SimResponse {
    const err = names.checkKeyVaultName(ctx.name);
    if (err) throw err;
    const body = asObject(ctx.req.body);
    const location = this.ensureLocation(body, ctx.type);
    const taken = this.findGlobal(T.vault, ctx.name);
    if (taken && taken.key !== ctx.key) {
      throw new ArmError(
        409,
        "VaultAlreadyExists",
        `The vault name '${ctx.name}' is already in use. Vault names are globally unique so it is possible that the name is already taken. If you are sure that the vault name was not taken then it is possible that a vault with the same name was recently deleted but not purged after being placed in a recoverable state.`,
      );
    }
    const input = asObject(body.properties);
    if (typeof input.tenantId !== "string" || !isObject(input.sku)) {
      throw new ArmError(400, "BadRequest", "The properties 'tenantId' and 'sku' are required to create a vault.", {
        target: "properties",
      });
    }
    const final: Json = {
      id: ctx.id,
      name: ctx.name,
      type: T.vault,
      location,
      tags: this.tags(body),
      systemData: this.systemData(ctx.existing),
      properties: {
        accessPolicies: [],
        enabledForDeployment: false,
        enabledForDiskEncryption: false,
        enabledForTemplateDeployment: false,
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
        enableRbacAuthorization: false,
        publicNetworkAccess: "Enabled",
        ...input,
        vaultUri: `https://${ctx.name.toLowerCase()}.vault.azure.net/`,
        provisioningState: TERMINAL_OK,
      },
    };
    const resource = this.newResource(ctx, final, location);
    if (ctx.existing && !ctx.existing.pending) {
      this.store.put(resource);
      return { status: 200, body: final, delayMs: this.latency.duration("read") };
    }
    this.startOperation(resource, "create", "keyVaultCreate", ctx.req, {
      overlay: { properties: { provisioningState: "RegisteringDns" } },
      failedState: { properties: { provisioningState: "Failed" } },
    });
    return { status: 201, body: this.render(resource) };
  }

  private putAppInsights(ctx: ResourceCtx): SimResponse {
    const err = names.checkAppInsightsName(ctx.name);
    if (err) throw err;
    const body = asObject(ctx.req.body);
    const location = this.ensureLocation(body, ctx.type);
    if (typeof body.kind !== "string")
      throw new ArmError(400, "BadRequest", "The 'kind' property is required.", { target: "kind" });
    const input = asObject(body.properties);
    const prev = ctx.existing ? asObject(ctx.existing.body.properties) : {};
    const instrumentationKey = (prev.InstrumentationKey as string) ?? randomUUID();
    const final: Json = {
      id: `/subscriptions/${ctx.sub}/resourceGroups/${ctx.rg}/providers/microsoft.insights/components/${ctx.name}`,
      name: ctx.name,
      type: T.appi,
      location,
      tags: this.tags(body),
      kind: body.kind,
      etag: `"${randomUUID()}"`,
      properties: {
        Application_Type: "web",
        Flow_Type: "Bluefield",
        Request_Source: "rest",
        RetentionInDays: 90,
        IngestionMode: input.WorkspaceResourceId ? "LogAnalytics" : "ApplicationInsights",
        publicNetworkAccessForIngestion: "Enabled",
        publicNetworkAccessForQuery: "Enabled",
        ...input,
        ApplicationId: ctx.name,
        AppId: (prev.AppId as string) ?? randomUUID(),
        InstrumentationKey: instrumentationKey,
        ConnectionString: `InstrumentationKey=${instrumentationKey};IngestionEndpoint=https://${location}-0.in.applicationinsights.azure.com/;LiveEndpoint=https://${location}.livediagnostics.monitor.azure.com/`,
        CreationDate: (prev.CreationDate as string) ?? isoNow(this.now()),
        TenantId: ctx.sub,
        provisioningState: TERMINAL_OK,
      },
    };
    this.store.put(this.newResource(ctx, final, location));
    return { status: 200, body: final, delayMs: this.latency.duration("appInsightsWrite") };
  }

  // =================================================================================================================
  // Azure Machine Learning
  // =================================================================================================================

  private putWorkspace(ctx: ResourceCtx): SimResponse {
    const err = names.checkWorkspaceName(ctx.name);
    if (err) throw err;
    const body = asObject(ctx.req.body);
    const location = this.ensureLocation(body, ctx.type);
    this.purgeExpiredSoftDeletes();
    if (!ctx.existing && this.store.softDeleted.has(ctx.key)) {
      throw new ArmError(
        400,
        "UserError",
        `Soft-deleted workspace exists. Please purge or recover it. https://aka.ms/wsoftdelete`,
        { target: "workspaceName" },
      );
    }
    if (ctx.existing?.pending && this.store.operations.get(ctx.existing.pending.opId)?.action === "delete") {
      throw new ArmError(409, "Conflict", `The workspace '${ctx.name}' is being deleted.`);
    }
    const input = asObject(body.properties);

    // Dependencies must exist (Azure ML does not create them; Azure ML's REST docs).
    const missing: string[] = [];
    const refs: Array<[string, string, boolean]> = [
      ["storageAccount", T.storage, true],
      ["keyVault", T.vault, true],
      ["applicationInsights", T.appi, false],
      ["containerRegistry", "Microsoft.ContainerRegistry/registries", false],
    ];
    for (const [prop, type, required] of refs) {
      const ref = input[prop];
      if (ref === undefined || ref === null || ref === "") {
        if (required && !ctx.existing) {
          throw new ArmError(400, "ValidationError", "One or more validation errors occured.", {
            target: `The ${prop} property is required.`,
            details: [{ code: "Required", message: `The ${prop} property is required.`, target: prop }],
          });
        }
        continue;
      }
      const parsed = typeof ref === "string" ? parseResourceId(ref) : null;
      if (!parsed || parsed.type.toLowerCase() !== type.toLowerCase() || !this.store.get(keyOf(String(ref))))
        missing.push(String(ref));
    }
    if (missing.length > 0) {
      throw new ArmError(400, "ValidationError", "One or more validation errors occured.", {
        target: `Can not perform requested operation on nested resource. Parent resource '${missing[0]}' not found.`,
        details: [],
      });
    }
    const pna = input.publicNetworkAccess;
    if (pna !== undefined && pna !== "Enabled" && pna !== "Disabled") {
      throw new ArmError(
        400,
        "ValidationError",
        `Invalid value '${String(pna)}' for publicNetworkAccess. Allowed values: Enabled, Disabled.`,
        { target: "publicNetworkAccess" },
      );
    }
    const mn = input.managedNetwork;
    if (mn !== undefined) {
      const mode = asObject(mn).isolationMode;
      if (
        mode !== undefined &&
        !["Disabled", "AllowInternetOutbound", "AllowOnlyApprovedOutbound"].includes(String(mode))
      ) {
        throw new ArmError(
          400,
          "ValidationError",
          `Invalid value '${String(mode)}' for managedNetwork.isolationMode.`,
          { target: "managedNetwork.isolationMode" },
        );
      }
    }

    const prev = ctx.existing ? asObject(ctx.existing.body.properties) : {};
    const prevIdentity = ctx.existing ? asObject(ctx.existing.body.identity) : {};
    const identityIn = asObject(body.identity);
    const identityType = (identityIn.type as string) ?? (prevIdentity.type as string) ?? "SystemAssigned";
    const principalId = (prevIdentity.principalId as string) ?? randomUUID();
    const workspaceId = (prev.workspaceId as string) ?? randomUUID();
    const managedNetwork =
      mn !== undefined
        ? { ...asObject(prev.managedNetwork), ...asObject(mn), status: { status: "Active", sparkReady: false } }
        : (prev.managedNetwork ?? { isolationMode: "Disabled" });
    const final: Json = {
      id: ctx.id,
      name: ctx.name,
      type: T.ws,
      location,
      tags: this.tags(body),
      sku: body.sku ?? ctx.existing?.body.sku ?? { name: "Basic", tier: "Basic" },
      kind: body.kind ?? ctx.existing?.body.kind ?? "Default",
      identity: identityType.toLowerCase().includes("systemassigned")
        ? { ...identityIn, type: identityType, principalId, tenantId: this.tenantId }
        : { ...identityIn, type: identityType },
      systemData: this.systemData(ctx.existing),
      properties: {
        hbiWorkspace: false,
        allowPublicAccessWhenBehindVnet: false,
        v1LegacyMode: false,
        publicNetworkAccess: "Enabled",
        storageHnsEnabled: false,
        enableDataIsolation: false,
        ...prev,
        ...input,
        managedNetwork,
        provisioningState: TERMINAL_OK,
        workspaceId,
        tenantId: this.tenantId,
        discoveryUrl: `https://${location}.api.azureml.ms/discovery`,
        mlFlowTrackingUri: `azureml://${location}.api.azureml.ms/mlflow/v1.0/subscriptions/${ctx.sub}/resourceGroups/${ctx.rg}/providers/${ML}/workspaces/${ctx.name}`,
        serviceProvisionedResourceGroup:
          prev.serviceProvisionedResourceGroup ?? `azureml-rg-${ctx.name}_${workspaceId}`,
        privateLinkCount: prev.privateLinkCount ?? 0,
        privateEndpointConnections: prev.privateEndpointConnections ?? [],
        notebookInfo: prev.notebookInfo ?? {
          resourceId: randomUUID().replace(/-/g, ""),
          fqdn: `ml-${ctx.name.toLowerCase()}-${location}-${workspaceId}.${location}.notebooks.azure.net`,
          notebookPreparationError: null,
        },
      },
    };
    if (identityType.toLowerCase().includes("systemassigned") && !prevIdentity.principalId) {
      this.store.addPrincipals(
        [{ objectId: principalId, tenantId: this.tenantId, type: "ServicePrincipal", displayName: ctx.name }],
        this.principalDelayMs,
      );
    }
    const resource = this.newResource(ctx, final, location);
    const op = this.startOperation(
      resource,
      ctx.existing ? "update" : "create",
      ctx.existing ? "workspaceUpdate" : "workspaceCreate",
      ctx.req,
      {
        overlay: { properties: { provisioningState: ctx.existing ? "Updating" : "Creating" } },
        failedState: { properties: { provisioningState: "Failed" } },
      },
    );
    return {
      status: 202,
      headers: {
        Location: this.opUrl(ctx.req, ctx.sub, ML, location, "mlworkspaceOperationsStatus", op, "location"),
        ...this.retryAfter(op),
      },
    };
  }

  private patchWorkspace(ctx: ResourceCtx): SimResponse {
    const r = ctx.existing!;
    const body = asObject(ctx.req.body);
    const input = asObject(body.properties);
    const allowed = [
      "description",
      "friendlyName",
      "imageBuildCompute",
      "publicNetworkAccess",
      "applicationInsights",
      "containerRegistry",
      "managedNetwork",
      "v1LegacyMode",
      "serviceManagedResourcesSettings",
      "primaryUserAssignedIdentity",
      "enableDataIsolation",
    ];
    const patch: Json = {};
    for (const k of allowed) if (k in input) patch[k] = input[k];
    r.body = deepMerge(r.body, { properties: patch });
    if (body.tags !== undefined) r.body.tags = this.tags(body);
    if (body.sku !== undefined) r.body.sku = body.sku;
    r.body.systemData = this.systemData(r);
    r.updatedAt = this.now();
    this.store.put(r);
    return { status: 200, body: this.render(r), delayMs: this.latency.duration("connectionWrite") };
  }

  private deleteWorkspace(ctx: ResourceCtx): SimResponse {
    const purge = (ctx.req.query.forcetopurge ?? "").toLowerCase() === "true";
    if (!ctx.existing) {
      if (purge && this.store.softDeleted.delete(ctx.key)) {
        this.store.markDirty();
        return { status: 200 };
      }
      return { status: 204 };
    }
    const op = this.pendingOrStartDelete(ctx.existing, "workspaceDelete", ctx.req, purge);
    return {
      status: 202,
      headers: {
        Location: this.opUrl(
          ctx.req,
          ctx.sub,
          ML,
          ctx.existing.location ?? "eastus",
          "mlworkspaceOperationsStatus",
          op,
          "location",
        ),
        ...this.retryAfter(op),
      },
    };
  }

  private workspaceListKeys(ctx: ResourceCtx): SimResponse {
    this.requireExisting(ctx);
    return {
      status: 200,
      body: {
        userStorageKey: "c2ltdWxhdGVk",
        userStorageResourceId: asObject(ctx.existing!.body.properties).storageAccount ?? null,
      },
    };
  }

  private workspacePrivateLinkResources(ctx: ResourceCtx): Json {
    return {
      value: [
        {
          id: `${ctx.id}/privateLinkResources/amlworkspace`,
          name: "amlworkspace",
          type: `${T.ws}/privateLinkResources`,
          location: ctx.existing!.location,
          properties: {
            groupId: "amlworkspace",
            requiredMembers: ["default"],
            requiredZoneNames: ["privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"],
          },
        },
      ],
    };
  }

  private visiblePrincipal(objectId: string) {
    const p = this.store.principals.get(objectId.toLowerCase());
    return p && p.visibleAt <= this.now() ? p : undefined;
  }

  private validateCompute(ctx: ResourceCtx, props: Json, location: string): void {
    const computeType = props.computeType;
    if (typeof computeType !== "string") {
      throw new ArmError(400, "ValidationError", "The computeType property is required.", {
        target: "properties.computeType",
      });
    }
    const nameErr = names.checkComputeName(ctx.name, computeType);
    if (nameErr) throw nameErr;
    const inner = asObject(props.properties);
    const lowerType = computeType.toLowerCase();
    if (lowerType !== "computeinstance" && lowerType !== "amlcompute") return;
    if (typeof inner.vmSize !== "string" || inner.vmSize.length === 0) {
      throw new ArmError(400, "ValidationError", "The vmSize property is required.", {
        target: "properties.properties.vmSize",
      });
    }
    if (lowerType === "computeinstance") {
      const idle = inner.idleTimeBeforeShutdown;
      if (idle !== undefined && idle !== null) {
        const ms = typeof idle === "string" ? parseIsoDuration(idle) : null;
        if (ms === null || ms < 15 * 60_000 || ms > 3 * 24 * 3600_000) {
          throw new ArmError(
            400,
            "ValidationError",
            `Invalid idleTimeBeforeShutdown '${String(idle)}': it must be an ISO 8601 duration between PT15M and P3D.`,
            {
              target: "properties.properties.idleTimeBeforeShutdown",
            },
          );
        }
      }
      const assigned = asObject(asObject(inner.personalComputeInstanceSettings).assignedUser);
      if (assigned.objectId !== undefined) {
        const oid = String(assigned.objectId);
        if (!this.visiblePrincipal(oid)) {
          throw new ArmError(
            400,
            "ValidationError",
            `The assigned user '${oid}' does not exist in the directory '${String(assigned.tenantId ?? this.tenantId)}'.`,
            {
              target: "properties.properties.personalComputeInstanceSettings.assignedUser.objectId",
            },
          );
        }
      }
      const n = ctx.name.toLowerCase();
      for (const r of this.store.resources.values()) {
        if (r.type !== T.compute || r.key === ctx.key || r.name.toLowerCase() !== n) continue;
        if ((r.location ?? "").toLowerCase() !== location) continue;
        if (String(asObject(r.body.properties).computeType).toLowerCase() !== "computeinstance") continue;
        throw new ArmError(
          409,
          "Conflict",
          `Compute instance name '${ctx.name}' is already in use in region '${location}'. Compute instance names must be unique across all workspaces in an Azure region.`,
          {
            target: "computeName",
          },
        );
      }
    } else {
      const scale = asObject(inner.scaleSettings);
      const max = scale.maxNodeCount;
      const min = scale.minNodeCount ?? 0;
      if (
        typeof max !== "number" ||
        typeof min !== "number" ||
        min < 0 ||
        max < min ||
        !Number.isInteger(max) ||
        !Number.isInteger(min)
      ) {
        throw new ArmError(
          400,
          "ValidationError",
          "scaleSettings.maxNodeCount is required and must be an integer greater than or equal to minNodeCount (>= 0).",
          {
            target: "properties.properties.scaleSettings",
          },
        );
      }
      const idle = scale.nodeIdleTimeBeforeScaleDown;
      if (idle !== undefined && (typeof idle !== "string" || parseIsoDuration(idle) === null)) {
        throw new ArmError(400, "ValidationError", `Invalid nodeIdleTimeBeforeScaleDown '${String(idle)}'.`, {
          target: "properties.properties.scaleSettings.nodeIdleTimeBeforeScaleDown",
        });
      }
    }
  }

  private putCompute(ctx: ResourceCtx): SimResponse {
    const workspace = this.store.get(ctx.parentKey!)!;
    if (workspace.pending) {
      throw new ArmError(
        409,
        "Conflict",
        `The workspace '${workspace.name}' is in provisioning state '${String(asObject(this.render(workspace).properties).provisioningState)}'. Retry when it has Succeeded.`,
      );
    }
    const body = asObject(ctx.req.body);
    const props = asObject(body.properties);
    const location =
      typeof body.location === "string" ? resourceLocation(body.location, T.compute) : (workspace.location ?? "eastus");
    this.validateCompute(ctx, props, location);
    const computeType = String(props.computeType);
    const isInstance = computeType.toLowerCase() === "computeinstance";
    const isAml = computeType.toLowerCase() === "amlcompute";
    const inner = asObject(props.properties);
    const now = isoNow(this.now());
    let innerFinal: Json = inner;
    if (isInstance) {
      innerFinal = {
        applicationSharingPolicy: "Personal",
        computeInstanceAuthorizationType: "personal",
        sshSettings: { sshPublicAccess: "Disabled", adminUserName: "azureuser", sshPort: 50000 },
        enableNodePublicIp: true,
        ...inner,
        state: "Running",
        connectivityEndpoints: { publicIpAddress: null, privateIpAddress: `10.0.0.${this.nextIp()}` },
        applications: [
          {
            displayName: "Jupyter",
            endpointUri: `https://${ctx.name.toLowerCase()}.${location}.instances.azureml.ms/tree/`,
          },
          {
            displayName: "Jupyter Lab",
            endpointUri: `https://${ctx.name.toLowerCase()}.${location}.instances.azureml.ms/lab`,
          },
        ],
        createdBy: { userName: "atrium", userOrgId: this.tenantId, userId: randomUUID() },
        errors: [],
        lastOperation: { operationName: "Create", operationTime: now, operationStatus: "Succeeded" },
      };
    } else if (isAml) {
      const scale = asObject(inner.scaleSettings);
      innerFinal = {
        osType: "Linux",
        vmPriority: "Dedicated",
        remoteLoginPortPublicAccess: "NotSpecified",
        enableNodePublicIp: true,
        isolatedNetwork: false,
        ...inner,
        scaleSettings: { minNodeCount: 0, nodeIdleTimeBeforeScaleDown: "PT120S", ...scale },
        allocationState: "Steady",
        allocationStateTransitionTime: now,
        errors: null,
        currentNodeCount: Number(scale.minNodeCount ?? 0),
        targetNodeCount: Number(scale.minNodeCount ?? 0),
        nodeStateCounts: {
          idleNodeCount: 0,
          runningNodeCount: 0,
          preparingNodeCount: 0,
          unusableNodeCount: 0,
          leavingNodeCount: 0,
          preemptedNodeCount: 0,
        },
      };
    }
    const prevProps = ctx.existing ? asObject(ctx.existing.body.properties) : {};
    const final: Json = {
      id: ctx.id,
      name: ctx.name,
      type: T.compute,
      location,
      tags: this.tags(body),
      ...(body.identity ? { identity: body.identity } : {}),
      ...(body.sku ? { sku: body.sku } : {}),
      systemData: this.systemData(ctx.existing),
      properties: {
        ...props,
        provisioningState: TERMINAL_OK,
        createdOn: prevProps.createdOn ?? now,
        modifiedOn: now,
        isAttachedCompute: false,
        provisioningErrors: null,
        disableLocalAuth: props.disableLocalAuth ?? false,
        properties: innerFinal,
      },
    };
    const resource = this.newResource(ctx, final, location);
    const creating = !ctx.existing;
    const transientInner: Json = isInstance
      ? { state: creating ? "Creating" : "Running" }
      : isAml
        ? { allocationState: "Resizing" }
        : {};
    const op = this.startOperation(
      resource,
      creating ? "create" : "update",
      creating ? (isInstance ? "computeInstanceCreate" : "amlComputeCreate") : "computeUpdate",
      ctx.req,
      {
        overlay: { properties: { provisioningState: creating ? "Creating" : "Updating", properties: transientInner } },
        failedState: {
          properties: { provisioningState: "Failed", properties: isInstance ? { state: "CreateFailed" } : {} },
        },
      },
    );
    return {
      status: creating ? 201 : 200,
      body: this.render(resource),
      headers: {
        "Azure-AsyncOperation": this.opUrl(ctx.req, ctx.sub, ML, location, "computeOperationsStatus", op, "async"),
        ...this.retryAfter(op),
      },
    };
  }

  private patchCompute(ctx: ResourceCtx): SimResponse {
    const r = ctx.existing!;
    const body = asObject(ctx.req.body);
    const scale = asObject(asObject(asObject(body.properties).properties).scaleSettings);
    if (Object.keys(scale).length > 0) {
      const current = asObject(asObject(asObject(r.body.properties).properties).scaleSettings);
      const merged = { ...current, ...scale };
      if (typeof merged.maxNodeCount !== "number" || Number(merged.minNodeCount ?? 0) > merged.maxNodeCount) {
        throw new ArmError(
          400,
          "ValidationError",
          "scaleSettings.maxNodeCount must be greater than or equal to minNodeCount.",
        );
      }
      r.body = deepMerge(r.body, { properties: { properties: { scaleSettings: merged } } });
    }
    if (body.tags !== undefined) r.body.tags = this.tags(body);
    r.updatedAt = this.now();
    this.store.put(r);
    return { status: 200, body: this.render(r) };
  }

  private deleteCompute(ctx: ResourceCtx): SimResponse {
    const action = ctx.req.query.underlyingresourceaction;
    if (action !== "Delete" && action !== "Detach") {
      throw new ArmError(
        400,
        "ValidationError",
        "The query parameter 'underlyingResourceAction' is required and must be 'Delete' or 'Detach'.",
        { target: "underlyingResourceAction" },
      );
    }
    if (!ctx.existing) return { status: 204 };
    const isInstance = String(asObject(ctx.existing.body.properties).computeType).toLowerCase() === "computeinstance";
    const op = this.pendingOrStartDelete(
      ctx.existing,
      isInstance ? "computeInstanceDelete" : "amlComputeDelete",
      ctx.req,
    );
    const loc = ctx.existing.location ?? "eastus";
    return {
      status: 202,
      headers: {
        "Azure-AsyncOperation": this.opUrl(ctx.req, ctx.sub, ML, loc, "computeOperationsStatus", op, "async"),
        Location: this.opUrl(ctx.req, ctx.sub, ML, loc, "computeOperationsStatus", op, "location"),
        ...this.retryAfter(op),
      },
    };
  }

  private computeAction(ctx: ResourceCtx, transient: string, final: string): SimResponse {
    const r = this.requireExisting(ctx);
    if (String(asObject(r.body.properties).computeType).toLowerCase() !== "computeinstance") {
      throw new ArmError(400, "BadRequest", "Start, stop and restart are only supported for compute instances.");
    }
    if (r.pending) throw new ArmError(409, "Conflict", `The compute '${r.name}' has an operation in progress.`);
    const op = this.startOperation(r, "action", "computeUpdate", ctx.req, {
      overlay: { properties: { properties: { state: transient } } },
      effect: { kind: "computeState", state: final },
    });
    return {
      status: 202,
      headers: {
        "Azure-AsyncOperation": this.opUrl(
          ctx.req,
          ctx.sub,
          ML,
          r.location ?? "eastus",
          "computeOperationsStatus",
          op,
          "async",
        ),
        ...this.retryAfter(op),
      },
    };
  }

  private computeIdleShutdown(ctx: ResourceCtx): SimResponse {
    const r = this.requireExisting(ctx);
    const idle = asObject(ctx.req.body).idleTimeBeforeShutdown;
    const ms = typeof idle === "string" ? parseIsoDuration(idle) : null;
    if (ms === null || ms < 15 * 60_000 || ms > 3 * 24 * 3600_000) {
      throw new ArmError(
        400,
        "ValidationError",
        `Invalid idleTimeBeforeShutdown '${String(idle)}': it must be an ISO 8601 duration between PT15M and P3D.`,
      );
    }
    r.body = deepMerge(r.body, { properties: { properties: { idleTimeBeforeShutdown: idle } } });
    r.updatedAt = this.now();
    this.store.put(r);
    return { status: 200 };
  }

  private computeListNodes(ctx: ResourceCtx): SimResponse {
    this.requireExisting(ctx);
    return { status: 200, body: { nodes: [] } };
  }

  private nextIp(): number {
    this.ipCounter = this.ipCounter >= 250 ? 4 : this.ipCounter + 1;
    return this.ipCounter;
  }

  private putConnection(ctx: ResourceCtx): SimResponse {
    const err = names.checkConnectionName(ctx.name);
    if (err) throw err;
    const body = asObject(ctx.req.body);
    const props = asObject(body.properties);
    if (typeof props.authType !== "string") {
      throw new ArmError(400, "ValidationError", "The authType property is required.", {
        target: "properties.authType",
      });
    }
    if (String(props.category).toLowerCase() === "git") {
      const target = props.target;
      if (typeof target !== "string" || !/^https:\/\/\S+$/i.test(target)) {
        throw new ArmError(400, "ValidationError", "A Git connection needs an https target URL.", {
          target: "properties.target",
        });
      }
    }
    // Secrets are write-only: ARM never returns them.
    const { credentials: _credentials, value: _value, ...visible } = props;
    const final: Json = {
      id: ctx.id,
      name: ctx.name,
      type: T.connection,
      systemData: this.systemData(ctx.existing),
      properties: { ...visible, createdByWorkspaceArmId: ctx.parentId, isSharedToAll: props.isSharedToAll ?? false },
    };
    this.store.put(this.newResource(ctx, final, null));
    return { status: 200, body: final, delayMs: this.latency.duration("connectionWrite") };
  }

  private putPeConnection(ctx: ResourceCtx): SimResponse {
    const r = this.requireExisting(ctx);
    const state = asObject(asObject(asObject(ctx.req.body).properties).privateLinkServiceConnectionState);
    if (!["Approved", "Rejected", "Pending", "Disconnected"].includes(String(state.status))) {
      throw new ArmError(
        400,
        "ValidationError",
        "privateLinkServiceConnectionState.status must be Approved, Rejected, Pending or Disconnected.",
      );
    }
    r.body = deepMerge(r.body, { properties: { privateLinkServiceConnectionState: state } });
    this.store.put(r);
    this.syncWorkspaceConnections(this.store.get(ctx.parentKey!)!);
    return { status: 200, body: this.render(r) };
  }

  private deletePeConnection(ctx: ResourceCtx): SimResponse {
    if (!ctx.existing) return { status: 204 };
    this.store.removeTree(ctx.key);
    this.syncWorkspaceConnections(this.store.get(ctx.parentKey!)!);
    return { status: 200 };
  }

  private syncWorkspaceConnections(ws: StoredResource): void {
    const conns = this.store.childrenOf(ws.key, T.pec).map((c) => c.body);
    ws.body = deepMerge(ws.body, { properties: { privateEndpointConnections: conns, privateLinkCount: conns.length } });
    this.store.put(ws);
  }

  // =================================================================================================================
  // Network
  // =================================================================================================================

  private putPrivateEndpoint(ctx: ResourceCtx): SimResponse {
    const err = names.checkNetworkName(ctx.name, 64, 2);
    if (err) throw err;
    const body = asObject(ctx.req.body);
    const location = this.ensureLocation(body, ctx.type);
    const props = asObject(body.properties);
    const subnetId = asObject(props.subnet).id;
    const refError = (ref: string) =>
      new ArmError(
        400,
        "InvalidResourceReference",
        `Resource ${ref} referenced by resource ${ctx.id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
        { details: [] },
      );
    if (typeof subnetId !== "string")
      throw new ArmError(400, "InvalidRequestFormat", "Cannot parse the request: the subnet is required.", {
        target: "properties.subnet",
      });
    const subnet = this.store.get(keyOf(subnetId));
    if (!subnet || subnet.type !== T.subnet) throw refError(subnetId);
    const vnet = this.store.get(keyOf(subnetId).replace(/\/subnets\/[^/]+$/, ""));
    if (vnet?.location && vnet.location.toLowerCase() !== location.toLowerCase()) throw refError(subnetId);
    const conns = [
      ...((props.privateLinkServiceConnections as Json[]) ?? []),
      ...((props.manualPrivateLinkServiceConnections as Json[]) ?? []),
    ];
    if (conns.length === 0) {
      throw new ArmError(
        400,
        "PrivateEndpointMustHaveOnePrivateLinkServiceConnection",
        `Private endpoint ${ctx.id} must have one private link service connection.`,
      );
    }
    const outConns: Json[] = [];
    const dnsConfigs: Json[] = [];
    for (const c of (props.privateLinkServiceConnections as Json[]) ?? []) {
      const cProps = asObject(c.properties);
      const target = String(cProps.privateLinkServiceId ?? "");
      const targetResource = this.store.get(keyOf(target));
      if (!targetResource) throw refError(target);
      const groupIds = (cProps.groupIds as string[]) ?? [];
      if (targetResource.type === T.ws && (groupIds.length !== 1 || groupIds[0].toLowerCase() !== "amlworkspace")) {
        throw new ArmError(
          400,
          "BadRequest",
          `Call to ${T.ws} failed. Error message: the group id must be 'amlworkspace' (got '${groupIds.join(",")}').`,
        );
      }
      const cName = String(c.name ?? `${ctx.name}-conn`);
      outConns.push({
        id: `${ctx.id}/privateLinkServiceConnections/${cName}`,
        name: cName,
        type: `${T.pe}/privateLinkServiceConnections`,
        etag: `W/"${randomUUID()}"`,
        properties: {
          provisioningState: TERMINAL_OK,
          privateLinkServiceId: targetResource.id,
          groupIds,
          ...(cProps.requestMessage ? { requestMessage: cProps.requestMessage } : {}),
          privateLinkServiceConnectionState: {
            status: "Approved",
            description: "Auto-Approved",
            actionsRequired: "None",
          },
        },
      });
      if (targetResource.type === T.ws) {
        const wsId = String(asObject(targetResource.body.properties).workspaceId);
        const loc = targetResource.location ?? location;
        for (const fqdn of [
          `${wsId}.workspace.${loc}.api.azureml.ms`,
          `${wsId}.workspace.${loc}.cert.api.azureml.ms`,
          `ml-${targetResource.name.toLowerCase()}-${loc}-${wsId}.${loc}.notebooks.azure.net`,
        ]) {
          dnsConfigs.push({ fqdn, ipAddresses: [`10.0.1.${this.nextIp()}`] });
        }
      }
    }
    const prev = ctx.existing ? asObject(ctx.existing.body.properties) : {};
    const final: Json = {
      id: ctx.id,
      name: ctx.name,
      type: T.pe,
      location,
      tags: this.tags(body),
      etag: `W/"${randomUUID()}"`,
      properties: {
        provisioningState: TERMINAL_OK,
        resourceGuid: prev.resourceGuid ?? randomUUID(),
        subnet: { id: subnet.id },
        privateLinkServiceConnections: outConns,
        manualPrivateLinkServiceConnections: props.manualPrivateLinkServiceConnections ?? [],
        customNetworkInterfaceName: props.customNetworkInterfaceName ?? "",
        networkInterfaces: [
          {
            id: `/subscriptions/${ctx.sub}/resourceGroups/${ctx.rg}/providers/${NET}/networkInterfaces/${ctx.name}.nic.${randomUUID()}`,
          },
        ],
        ipConfigurations: props.ipConfigurations ?? [],
        customDnsConfigs: dnsConfigs,
        isIPv6EnabledPrivateEndpoint: false,
      },
    };
    const resource = this.newResource(ctx, final, location);
    const op = this.startOperation(resource, ctx.existing ? "update" : "create", "privateEndpointCreate", ctx.req, {
      overlay: { properties: { provisioningState: "Updating" } },
      effect: { kind: "connectPrivateEndpoint" },
      failedState: { properties: { provisioningState: "Failed" } },
    });
    return {
      status: ctx.existing ? 200 : 201,
      body: this.render(resource),
      headers: {
        "Azure-AsyncOperation": this.opUrl(ctx.req, ctx.sub, NET, location, "operations", op),
        ...this.retryAfter(op),
      },
    };
  }

  /** After a private endpoint succeeds, the target workspace shows the auto-approved connection. */
  private connectPrivateEndpoint(pe: StoredResource): void {
    for (const c of (asObject(pe.body.properties).privateLinkServiceConnections as Json[]) ?? []) {
      const target = this.store.get(keyOf(String(asObject(c.properties).privateLinkServiceId)));
      if (!target || target.type !== T.ws) continue;
      const connName = `${pe.name}.${String(asObject(pe.body.properties).resourceGuid)}`;
      const id = `${target.id}/privateEndpointConnections/${connName}`;
      const now = this.now();
      this.store.put({
        key: keyOf(id),
        id,
        type: T.pec,
        name: connName,
        subscriptionId: target.subscriptionId,
        resourceGroup: target.resourceGroup,
        location: target.location,
        body: {
          id,
          name: connName,
          type: T.pec,
          location: target.location,
          properties: {
            privateEndpoint: { id: pe.id, subnetArmId: asObject(asObject(pe.body.properties).subnet).id },
            privateLinkServiceConnectionState: {
              status: "Approved",
              description: "Auto-Approved",
              actionsRequired: "None",
            },
            provisioningState: TERMINAL_OK,
          },
        },
        createdAt: now,
        updatedAt: now,
      });
      this.syncWorkspaceConnections(target);
    }
  }

  private disconnectPrivateEndpoint(pe: StoredResource): void {
    const peKey = pe.key;
    for (const r of this.store.all()) {
      if (r.type !== T.pec) continue;
      if (keyOf(String(asObject(asObject(r.body.properties).privateEndpoint).id ?? "")) !== peKey) continue;
      const wsKey = r.key.replace(/\/privateendpointconnections\/[^/]+$/, "");
      this.store.removeTree(r.key);
      const ws = this.store.get(wsKey);
      if (ws) this.syncWorkspaceConnections(ws);
    }
  }

  private putZoneGroup(ctx: ResourceCtx): SimResponse {
    const err = names.checkNetworkName(ctx.name, 80, 1);
    if (err) throw err;
    const pe = this.store.get(ctx.parentKey!)!;
    const props = asObject(asObject(ctx.req.body).properties);
    const configs = (props.privateDnsZoneConfigs as Json[]) ?? [];
    if (configs.length === 0 || configs.length > 5) {
      throw new ArmError(
        400,
        "InvalidRequestFormat",
        "A private DNS zone group needs between 1 and 5 private DNS zone configs.",
        { target: "properties.privateDnsZoneConfigs" },
      );
    }
    const dnsConfigs = (asObject(pe.body.properties).customDnsConfigs as Json[]) ?? [];
    const outConfigs = configs.map((c) => {
      const zoneId = String(asObject(c.properties).privateDnsZoneId ?? "");
      const zone = this.store.get(keyOf(zoneId));
      if (!zone || zone.type !== T.dnsZone) {
        throw new ArmError(
          400,
          "InvalidResourceReference",
          `Resource ${zoneId} referenced by resource ${ctx.id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
        );
      }
      const suffix = zone.name.replace(/^privatelink\./i, "");
      const recordSets = dnsConfigs
        .filter((d) => String(d.fqdn).toLowerCase().endsWith(suffix.toLowerCase()))
        .map((d) => ({
          recordType: "A",
          recordSetName: String(d.fqdn).slice(0, -(suffix.length + 1)),
          fqdn: `${String(d.fqdn).slice(0, -(suffix.length + 1))}.${zone.name}`,
          ttl: 10,
          ipAddresses: d.ipAddresses,
          provisioningState: TERMINAL_OK,
        }));
      return {
        name: String(c.name ?? zone.name.replace(/\./g, "-")),
        properties: { privateDnsZoneId: zone.id, recordSets },
      };
    });
    const final: Json = {
      id: ctx.id,
      name: ctx.name,
      type: T.zoneGroup,
      etag: `W/"${randomUUID()}"`,
      properties: { provisioningState: TERMINAL_OK, privateDnsZoneConfigs: outConfigs },
    };
    const resource = this.newResource(ctx, final, pe.location);
    const op = this.startOperation(resource, ctx.existing ? "update" : "create", "privateDnsZoneGroupWrite", ctx.req, {
      overlay: { properties: { provisioningState: "Updating" } },
      failedState: { properties: { provisioningState: "Failed" } },
    });
    return {
      status: ctx.existing ? 200 : 201,
      body: this.render(resource),
      headers: {
        "Azure-AsyncOperation": this.opUrl(ctx.req, ctx.sub, NET, pe.location ?? "global", "operations", op),
        ...this.retryAfter(op),
      },
    };
  }

  private putGenericNetwork(ctx: ResourceCtx): SimResponse {
    const isZone = ctx.type === T.dnsZone || ctx.type === T.vnetLink;
    const err =
      ctx.type === T.dnsZone
        ? /^[a-z0-9_-]{1,63}(\.[a-z0-9_-]{1,63})+$/i.test(ctx.name)
          ? null
          : names.checkNetworkName(ctx.name, 63, 1)
        : names.checkNetworkName(ctx.name, 80, 1);
    if (err) throw err;
    const body = asObject(ctx.req.body);
    const needsLocation = ctx.type === T.vnet || isZone;
    const location = needsLocation
      ? this.ensureLocation(body, ctx.type)
      : (this.store.get(ctx.parentKey ?? "")?.location ?? null);
    const { subnets: _subnets, ...props } = asObject(body.properties);
    const final: Json = {
      id: ctx.id,
      name: ctx.name,
      type: ctx.type,
      ...(location && ctx.type !== T.subnet ? { location } : {}),
      ...(body.tags !== undefined ? { tags: this.tags(body) } : {}),
      etag: `W/"${randomUUID()}"`,
      properties: { ...props, provisioningState: TERMINAL_OK },
    };
    const resource = this.newResource(ctx, final, location);
    if (ctx.type === T.vnet) {
      for (const s of (asObject(body.properties).subnets as Json[]) ?? []) {
        const sid = `${ctx.id}/subnets/${String(s.name)}`;
        this.store.put({
          ...this.newResource(
            {
              ...ctx,
              id: sid,
              key: keyOf(sid),
              type: T.subnet,
              name: String(s.name),
              existing: this.store.get(keyOf(sid)),
            },
            {
              id: sid,
              name: s.name,
              type: T.subnet,
              etag: `W/"${randomUUID()}"`,
              properties: { ...asObject(s.properties), provisioningState: TERMINAL_OK },
            },
            location,
          ),
        });
      }
    }
    const op = this.startOperation(resource, ctx.existing ? "update" : "create", "networkWrite", ctx.req, {
      overlay: { properties: { provisioningState: "Updating" } },
      failedState: { properties: { provisioningState: "Failed" } },
    });
    return {
      status: ctx.existing ? 200 : 201,
      body: this.render(resource),
      headers: {
        "Azure-AsyncOperation": this.opUrl(ctx.req, ctx.sub, NET, location ?? "global", "operations", op),
        ...this.retryAfter(op),
      },
    };
  }

  // =================================================================================================================
  // Authorization
  // =================================================================================================================

  private async authorization(req: SimRequest, scope: string, rest: string[]): Promise<SimResponse> {
    const kind = (rest[0] ?? "").toLowerCase();
    if (rest.length > 2) throw this.noRoute(req);
    if (kind === "roledefinitions") return this.roleDefinitions(req, scope, rest[1]);
    if (kind === "roleassignments") return this.roleAssignments(req, scope, rest[1]);
    throw this.unknownType("Microsoft.Authorization", rest[0] ?? "", req);
  }

  private scopeSubscription(scope: string): string | null {
    const m = /^\/subscriptions\/([^/]+)/i.exec(scope);
    return m ? m[1] : null;
  }

  /** Checks that the scope of a role assignment exists (subscription, resource group or a known resource). */
  private requireScope(scope: string): void {
    if (scope === "" || /^\/subscriptions\/[^/]+$/i.test(scope)) return;
    const parsed = parseResourceId(scope);
    const rgMatch = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)/i.exec(scope);
    if (rgMatch && !this.store.get(keyOf(rgId(rgMatch[1], rgMatch[2])))) throw resourceGroupNotFound(rgMatch[2]);
    if (parsed && parsed.type !== T.rg && CANONICAL_TYPES[parsed.type.toLowerCase()] && !this.store.get(keyOf(scope))) {
      throw notFound(parsed.type, parsed.names.join("/"), parsed.resourceGroup);
    }
  }

  private roleDefinitionKey(guid: string): string {
    return `/providers/microsoft.authorization/roledefinitions/${guid.toLowerCase()}`;
  }

  private renderRoleDefinition(guid: string, scope: string): Json | null {
    const sub = this.scopeSubscription(scope);
    const prefix = sub ? `/subscriptions/${sub}` : "";
    const builtIn = BUILT_IN_BY_ID.get(guid.toLowerCase());
    if (builtIn) {
      return {
        id: `${prefix}/providers/Microsoft.Authorization/roleDefinitions/${builtIn.id}`,
        type: T.roleDefinition,
        name: builtIn.id,
        properties: {
          roleName: builtIn.roleName,
          type: "BuiltInRole",
          description: builtIn.description,
          assignableScopes: ["/"],
          permissions: [
            {
              actions: builtIn.actions,
              notActions: builtIn.notActions,
              dataActions: builtIn.dataActions ?? [],
              notDataActions: [],
            },
          ],
          createdOn: "2018-01-01T00:00:00.0000000Z",
          updatedOn: "2024-01-01T00:00:00.0000000Z",
          createdBy: null,
          updatedBy: null,
        },
      };
    }
    const custom = this.store.get(this.roleDefinitionKey(guid));
    return custom ? custom.body : null;
  }

  private allRoleDefinitions(scope: string): Json[] {
    const out: Json[] = BUILT_IN_ROLES.map((r) => this.renderRoleDefinition(r.id, scope)!);
    for (const r of this.store.resources.values()) if (r.type === T.roleDefinition) out.push(r.body);
    return out;
  }

  private roleDefinitions(req: SimRequest, scope: string, guid: string | undefined): SimResponse {
    if (guid === undefined) {
      if (req.method !== "GET") throw this.methodNotAllowed(req);
      const filter = req.query.$filter ?? "";
      const byName = /roleName\s+eq\s+'([^']*)'/i.exec(filter)?.[1];
      const byType = /type\s+eq\s+'([^']*)'/i.exec(filter)?.[1];
      const lowScope = scope.toLowerCase();
      const value = this.allRoleDefinitions(scope).filter((d) => {
        const p = asObject(d.properties);
        if (byName !== undefined && String(p.roleName).toLowerCase() !== byName.toLowerCase()) return false;
        if (byType !== undefined && String(p.type).toLowerCase() !== byType.toLowerCase()) return false;
        if (lowScope === "") return true;
        return ((p.assignableScopes as string[]) ?? []).some((s) => {
          const ls = s.toLowerCase();
          return ls === "/" || lowScope.startsWith(ls) || ls.startsWith(lowScope);
        });
      });
      return { status: 200, body: { value } };
    }
    switch (req.method) {
      case "GET": {
        const def = this.renderRoleDefinition(guid, scope);
        if (!def)
          throw new ArmError(
            404,
            "RoleDefinitionDoesNotExist",
            `The specified role definition with ID '${guid}' does not exist.`,
          );
        return { status: 200, body: def };
      }
      case "PUT": {
        const err = names.checkRoleDefinitionName(guid);
        if (err) throw err;
        if (BUILT_IN_BY_ID.has(guid.toLowerCase()))
          throw new ArmError(400, "RoleDefinitionNotEditable", "Built-in role definitions cannot be updated.");
        const props = asObject(asObject(req.body).properties);
        const roleName = props.roleName;
        if (typeof roleName !== "string" || roleName.trim() === "") {
          throw new ArmError(
            400,
            "InvalidRoleDefinition",
            "The role definition name (roleName) must not be null or empty.",
            { target: "properties.roleName" },
          );
        }
        const scopes = props.assignableScopes;
        if (!Array.isArray(scopes) || scopes.length === 0) {
          throw new ArmError(
            400,
            "InvalidAssignableScopes",
            "The role definition must have at least one assignable scope.",
            { target: "properties.assignableScopes" },
          );
        }
        const key = this.roleDefinitionKey(guid);
        for (const d of this.allRoleDefinitions(scope)) {
          if (String(d.name).toLowerCase() === guid.toLowerCase()) continue;
          if (String(asObject(d.properties).roleName).toLowerCase() === roleName.toLowerCase()) {
            throw new ArmError(
              409,
              "RoleDefinitionWithSameNameExists",
              "A custom role with the same name already exists in this directory.",
            );
          }
        }
        const sub =
          this.scopeSubscription(scope) ??
          this.scopeSubscription(String(scopes[0])) ??
          "00000000-0000-0000-0000-000000000000";
        const existing = this.store.get(key);
        const now = isoNow(this.now());
        const permissions = ((props.permissions as Json[]) ?? [{}]).map((p) => ({
          actions: p.actions ?? [],
          notActions: p.notActions ?? [],
          dataActions: p.dataActions ?? [],
          notDataActions: p.notDataActions ?? [],
        }));
        const id = `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
        const body: Json = {
          id,
          type: T.roleDefinition,
          name: guid,
          properties: {
            roleName,
            type: "CustomRole",
            description: props.description ?? "",
            assignableScopes: scopes,
            permissions,
            createdOn: existing ? asObject(existing.body.properties).createdOn : now,
            updatedOn: now,
            createdBy: "atrium-simulator",
            updatedBy: "atrium-simulator",
          },
        };
        const t = this.now();
        this.store.put({
          key,
          id,
          type: T.roleDefinition,
          name: guid,
          subscriptionId: sub,
          resourceGroup: null,
          location: null,
          body,
          createdAt: existing?.createdAt ?? t,
          updatedAt: t,
        });
        // The RBAC API answers 201 for create and update alike (the spec lists only 201).
        return { status: 201, body, delayMs: this.latency.duration("roleDefinitionWrite") };
      }
      case "DELETE": {
        const key = this.roleDefinitionKey(guid);
        const existing = this.store.get(key);
        if (!existing) return { status: 204 };
        for (const r of this.store.resources.values()) {
          if (
            r.type === T.roleAssignment &&
            this.roleGuidOf(String(asObject(r.body.properties).roleDefinitionId)) === guid.toLowerCase()
          ) {
            throw new ArmError(
              409,
              "RoleDefinitionHasAssignments",
              "There are existing role assignments referencing role (code: RoleDefinitionHasAssignments).",
            );
          }
        }
        this.store.removeTree(key);
        return { status: 200, body: existing.body, delayMs: this.latency.duration("roleDelete") };
      }
      default:
        throw this.methodNotAllowed(req);
    }
  }

  private roleGuidOf(roleDefinitionId: string): string {
    const m = /\/roleDefinitions\/([^/]+)$/i.exec(roleDefinitionId);
    return (m ? m[1] : roleDefinitionId).toLowerCase();
  }

  private roleAssignments(req: SimRequest, scope: string, guid: string | undefined): SimResponse {
    const normScope = scope === "" ? "/" : scope;
    if (guid === undefined) {
      if (req.method !== "GET") throw this.methodNotAllowed(req);
      const filter = req.query.$filter ?? "";
      const atScope = /atScope\(\)/i.test(filter);
      const principal = /(?:principalId\s+eq\s+'([^']*)'|assignedTo\('([^']*)'\))/i.exec(filter);
      const principalId = principal ? (principal[1] ?? principal[2]).toLowerCase() : null;
      const lowScope = normScope.toLowerCase();
      const value: Json[] = [];
      for (const r of this.store.resources.values()) {
        if (r.type !== T.roleAssignment) continue;
        const p = asObject(r.body.properties);
        const s = String(p.scope).toLowerCase();
        const above = lowScope === s || lowScope.startsWith(`${s}/`) || s === "/";
        const below = s.startsWith(`${lowScope}/`) || lowScope === "/";
        if (atScope ? !above : !(above || below)) continue;
        if (principalId && String(p.principalId).toLowerCase() !== principalId) continue;
        value.push(r.body);
      }
      return { status: 200, body: { value } };
    }
    const id = `${normScope === "/" ? "" : normScope}/providers/Microsoft.Authorization/roleAssignments/${guid}`;
    const key = keyOf(id);
    const existing = this.store.get(key);
    switch (req.method) {
      case "GET":
        if (!existing) throw new ArmError(404, "RoleAssignmentNotFound", `The role assignment '${guid}' is not found.`);
        return { status: 200, body: existing.body };
      case "DELETE":
        if (!existing) return { status: 204 };
        this.store.removeTree(key);
        return { status: 200, body: existing.body, delayMs: this.latency.duration("roleDelete") };
      case "PUT":
        return this.putRoleAssignment(req, normScope, guid, id, key, existing);
      default:
        throw this.methodNotAllowed(req);
    }
  }

  private putRoleAssignment(
    req: SimRequest,
    scope: string,
    guid: string,
    id: string,
    key: string,
    existing: StoredResource | undefined,
  ): SimResponse {
    const nameErr = names.checkRoleAssignmentName(guid);
    if (nameErr) throw nameErr;
    const props = asObject(asObject(req.body).properties);
    const roleDefinitionId = String(props.roleDefinitionId ?? "");
    const principalId = String(props.principalId ?? "");
    const principalType = props.principalType as string | undefined;
    if (!names.isGuid(principalId)) {
      throw new ArmError(
        400,
        "InvalidPrincipalId",
        `The Principal ID '${principalId}' is not valid. Principal ID must be a GUID.`,
      );
    }
    const roleGuid = this.roleGuidOf(roleDefinitionId);
    if (
      !/\/providers\/Microsoft\.Authorization\/roleDefinitions\/[^/]+$/i.test(roleDefinitionId) ||
      !this.renderRoleDefinition(roleGuid, scope)
    ) {
      throw new ArmError(
        400,
        "RoleDefinitionDoesNotExist",
        `The specified role definition with ID '${roleGuid}' does not exist.`,
      );
    }
    this.requireScope(scope);

    // Same name: identical re-PUT succeeds; anything else may not change.
    for (const r of this.store.resources.values()) {
      if (r.type !== T.roleAssignment || r.name.toLowerCase() !== guid.toLowerCase()) continue;
      const p = asObject(r.body.properties);
      const same =
        r.key === key &&
        String(p.principalId).toLowerCase() === principalId.toLowerCase() &&
        this.roleGuidOf(String(p.roleDefinitionId)) === roleGuid;
      if (!same) {
        throw new ArmError(
          400,
          "RoleAssignmentUpdateNotPermitted",
          "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
        );
      }
      return { status: 200, body: r.body, delayMs: this.latency.duration("roleAssignmentWrite") };
    }
    // Same principal, role and scope under another name.
    for (const r of this.store.resources.values()) {
      if (r.type !== T.roleAssignment) continue;
      const p = asObject(r.body.properties);
      if (
        String(p.scope).toLowerCase() === scope.toLowerCase() &&
        String(p.principalId).toLowerCase() === principalId.toLowerCase() &&
        this.roleGuidOf(String(p.roleDefinitionId)) === roleGuid
      ) {
        throw new ArmError(
          409,
          "RoleAssignmentExists",
          `The role assignment already exists. The ID of the existing role assignment is ${r.name.replace(/-/g, "")}.`,
        );
      }
    }
    const principalNotFound = () =>
      new ArmError(
        400,
        "PrincipalNotFound",
        `Principal ${principalId.replace(/-/g, "")} does not exist in the directory ${this.tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`,
      );
    if (this.faults.take(req.method, req.path, PRINCIPAL_FAULTS)) throw principalNotFound();
    const principal = this.store.principals.get(principalId.toLowerCase());
    if (!principal) throw principalNotFound();
    const replicated = principal.visibleAt <= this.now();
    if (!replicated && !principalType) throw principalNotFound();
    if (replicated && principalType && principal.type && principal.type !== principalType) {
      throw new ArmError(
        400,
        "UnmatchedPrincipalType",
        `The PrincipalId '${principalId.replace(/-/g, "")}' has type '${principal.type}' , which is different from specified PrincipalType '${principalType}'.`,
      );
    }
    const now = isoNow(this.now());
    const body: Json = {
      id,
      type: T.roleAssignment,
      name: guid,
      properties: {
        roleDefinitionId,
        principalId,
        principalType: principalType ?? principal.type ?? "User",
        scope,
        condition: props.condition ?? null,
        conditionVersion: props.conditionVersion ?? null,
        createdOn: now,
        updatedOn: now,
        createdBy: "atrium-simulator",
        updatedBy: "atrium-simulator",
        delegatedManagedIdentityResourceId: null,
        description: props.description ?? null,
      },
    };
    const parsed = parseResourceId(scope);
    const t = this.now();
    this.store.put({
      key,
      id,
      type: T.roleAssignment,
      name: guid,
      subscriptionId: this.scopeSubscription(scope) ?? "",
      resourceGroup: parsed?.resourceGroup ?? null,
      location: null,
      body,
      createdAt: existing?.createdAt ?? t,
      updatedAt: t,
    });
    return { status: 201, body, delayMs: this.latency.duration("roleAssignmentWrite") };
  }

  // =================================================================================================================
  // Landing zone and views
  // =================================================================================================================

  /** Seeds the hub network resources the portal's settings point at (resource groups, VNets, subnets, DNS zones). */
  seedLandingZone(subnetIds: string[], privateDnsZoneIds: string[], location = "eastus"): void {
    const now = this.now();
    const ensureGroup = (sub: string, rg: string) => {
      const key = keyOf(rgId(sub, rg));
      if (this.store.get(key)) return;
      this.store.put({
        key,
        id: rgId(sub, rg),
        type: T.rg,
        name: rg,
        subscriptionId: sub,
        resourceGroup: rg,
        location,
        body: {
          id: rgId(sub, rg),
          name: rg,
          type: T.rg,
          location,
          tags: { "managed-by": "landing-zone" },
          properties: { provisioningState: TERMINAL_OK },
        },
        createdAt: now,
        updatedAt: now,
      });
    };
    const ensure = (id: string, type: string, loc: string | null, properties: Json) => {
      const key = keyOf(id);
      if (this.store.get(key)) return;
      const parsed = parseResourceId(id)!;
      this.store.put({
        key,
        id,
        type,
        name: parsed.name,
        subscriptionId: parsed.subscriptionId,
        resourceGroup: parsed.resourceGroup,
        location: loc,
        body: {
          id,
          name: parsed.name,
          type,
          ...(loc && type !== T.subnet ? { location: loc } : {}),
          etag: `W/"${randomUUID()}"`,
          properties: { ...properties, provisioningState: TERMINAL_OK },
        },
        createdAt: now,
        updatedAt: now,
      });
    };
    subnetIds.forEach((subnetId, i) => {
      const parsed = parseResourceId(subnetId);
      if (!parsed || parsed.type !== T.subnet || !parsed.resourceGroup)
        throw new Error(`landing zone: not a subnet id: ${subnetId}`);
      ensureGroup(parsed.subscriptionId, parsed.resourceGroup);
      const vnetId = subnetId.replace(/\/subnets\/[^/]+$/i, "");
      ensure(vnetId, T.vnet, location, {
        addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
        resourceGuid: randomUUID(),
      });
      ensure(subnetId, T.subnet, location, {
        addressPrefix: `10.0.${i + 1}.0/24`,
        privateEndpointNetworkPolicies: "Disabled",
      });
    });
    for (const zoneId of privateDnsZoneIds) {
      const parsed = parseResourceId(zoneId);
      if (!parsed || parsed.type !== T.dnsZone || !parsed.resourceGroup)
        throw new Error(`landing zone: not a private DNS zone id: ${zoneId}`);
      ensureGroup(parsed.subscriptionId, parsed.resourceGroup);
      ensure(zoneId, T.dnsZone, "global", {
        maxNumberOfRecordSets: 25000,
        numberOfRecordSets: 1,
        numberOfVirtualNetworkLinks: 0,
      });
    }
  }
}
