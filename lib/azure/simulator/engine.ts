/**
 * The ARM simulator's request engine: routes a request to the resource provider of its namespace (`providers/`), checks
 * api-versions, takes throttling tokens, injects faults and runs the long-running-operation machine (operations settle
 * lazily on the next request). Transport-free so it can be unit-tested; `server.ts` wraps it in HTTPS.
 * A little over 500 lines: besides routing it is the `ProviderHost` the providers lean on, mostly one-line
 * delegations to operations.ts and validation.ts, kept here so a provider needs one object, not five modules.
 */
import { apiVersionsFor } from "./api-versions";
import * as errors from "./errors";
import { ArmError, notFound, resourceGroupNotFound } from "./errors";
import { FaultInjector, TRANSPORT_FAULTS, transportFaultResponse } from "./faults";
import { asObject, deepMerge, isObject, isoNow } from "./json";
import { seedLandingZone } from "./landing-zone";
import * as ops from "./operations";
import { DEFAULT_LATENCY_PROFILE, LatencyModel } from "./latency";
import * as names from "./names";
import { CANONICAL_TYPES, buildId, keyOf, parseResourceId, rgId } from "./paths";
import { createPrng } from "./prng";
import {
  type ProviderHost,
  type ResourceCtx,
  type ResourceProvider,
  type SimRequest,
  type SimResponse,
  type StartOperationOptions,
  type TypeHandler,
} from "./provider";
import { AuthorizationProvider } from "./providers/authorization";
import { ConsumptionProvider } from "./providers/consumption";
import { InsightsProvider } from "./providers/insights";
import { KeyVaultProvider } from "./providers/keyvault";
import { MachineLearningProvider } from "./providers/machine-learning";
import type { MlQuota } from "./providers/ml-quota";
import { NetworkProvider } from "./providers/network";
import { PolicyInsights } from "./providers/policy-insights";
import { ResourceGroupsProvider } from "./providers/resources";
import { StorageProvider } from "./providers/storage";
import { type Json, type Operation, Store, type StoredResource } from "./store";
import { Throttler, takeOrThrottle } from "./throttle";
import type { ArmSimulatorOptions, LatencyOperation } from "./types";
import { requireLocation, validTags } from "./validation";

export type { SimRequest, SimResponse } from "./provider";
export { parseIsoDuration } from "./json";

const DEFAULT_TENANT = "72f988bf-0000-4000-8000-00000000a7e1";
const SOFT_DELETE_DAYS = 14;

export class ArmEngine implements ProviderHost {
  readonly store: Store;
  readonly tenantId: string;
  readonly timeScale: number;
  readonly latency: LatencyModel;
  private readonly throttler: Throttler;
  readonly faults: FaultInjector;
  readonly principalDelayMs: number;
  readonly softDeleteMs: number;
  /** Providers with subscription-scope routes, keyed by lower-case namespace. */
  private readonly providers: Record<string, ResourceProvider>;
  private readonly handlers: Record<string, TypeHandler>;
  private readonly resourceGroups: ResourceGroupsProvider;
  private readonly machineLearning: MachineLearningProvider;
  private readonly authorization: AuthorizationProvider;
  /** Azure Policy's dry run (checkPolicyRestrictions) over the operator's editable rules. */
  readonly policies: PolicyInsights;
  private ipCounter = 4;

  constructor(
    options: ArmSimulatorOptions,
    readonly now: () => number = Date.now,
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
    this.softDeleteMs = options.softDeleteRetentionMs ?? this.retentionMs(SOFT_DELETE_DAYS);
    this.store = new Store(options.stateFile ?? null, now);
    this.store.effectHandler = (op) => this.completeOperation(op);
    this.machineLearning = new MachineLearningProvider(this, options.quotaLimits);
    this.providers = {
      "microsoft.storage": new StorageProvider(this),
      "microsoft.keyvault": new KeyVaultProvider(this),
      "microsoft.insights": new InsightsProvider(this),
      "microsoft.machinelearningservices": this.machineLearning,
      "microsoft.network": new NetworkProvider(this),
      "microsoft.consumption": new ConsumptionProvider(this),
    };
    this.handlers = Object.assign({}, ...Object.values(this.providers).map((p) => p.types));
    this.resourceGroups = new ResourceGroupsProvider(this);
    this.authorization = new AuthorizationProvider(this);
    this.policies = new PolicyInsights(this, options.policyRules);
  }

  // =================================================================================================================
  // Routing
  // =================================================================================================================

  async handle(req: SimRequest): Promise<SimResponse> {
    this.store.settle();
    const transport = this.faults.take(req.method, req.path, TRANSPORT_FAULTS);
    if (transport) return transportFaultResponse(transport);
    try {
      const res = await this.route(req);
      return req.lroFault && !res.fault ? { ...res, fault: req.lroFault } : res;
    } catch (err) {
      if (err instanceof ArmError) return { status: err.status, body: err.toBody(), headers: err.headers };
      throw err;
    }
  }

  requireApiVersion(req: SimRequest, typeKey: string): string {
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

  /** Checks the api-version, takes a throttling token, runs the handler and adds the rate-limit header. */
  private async guarded(
    req: SimRequest,
    apiType: string,
    bucket: string,
    run: () => SimResponse | Promise<SimResponse>,
  ): Promise<SimResponse> {
    this.requireApiVersion(req, apiType);
    const rl = takeOrThrottle(this.throttler, bucket, req.method);
    return this.withHeaders(await run(), rl);
  }

  private async route(req: SimRequest): Promise<SimResponse> {
    const { segs, low } = req;
    if (low[0] === "providers" && low[1] === "microsoft.authorization") {
      return this.guarded(req, `microsoft.authorization/${low[2] ?? ""}`, "tenant", () =>
        this.authorization.authorization(req, "", segs.slice(2)),
      );
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
    if (p === -1) return this.routeWithoutProvider(req, sub);
    if (low[p + 1] === "microsoft.authorization") {
      const scope = `/${segs.slice(0, p).join("/")}`;
      return this.guarded(req, `microsoft.authorization/${low[p + 2] ?? ""}`, sub, () =>
        this.authorization.authorization(req, scope, segs.slice(p + 2)),
      );
    }
    if (
      low[p + 1] === "microsoft.policyinsights" &&
      low[p + 2] === "checkpolicyrestrictions" &&
      segs.length === p + 3
    ) {
      if (p === 4 && low[2] === "resourcegroups" && !this.store.get(keyOf(rgId(sub, segs[3]))))
        throw resourceGroupNotFound(segs[3]);
      if (p === 2 || (p === 4 && low[2] === "resourcegroups")) {
        return this.guarded(req, "microsoft.policyinsights/checkpolicyrestrictions", sub, () =>
          this.policies.check(req, sub),
        );
      }
    }
    if (p === 2) return this.routeSubscriptionProvider(req, sub, segs[3], segs.slice(4));
    if (p === 4 && low[2] === "resourcegroups") return this.routeResourceGroupScope(req, sub, segs[5], segs.slice(6));
    throw this.noRoute(req);
  }

  /** `/subscriptions/{s}`, resource groups and the Resources RP's operation results. */
  private async routeWithoutProvider(req: SimRequest, sub: string): Promise<SimResponse> {
    const { segs, low } = req;
    if (segs.length === 2) {
      return this.guarded(req, "microsoft.resources/resourcegroups", sub, () => {
        if (req.method !== "GET") throw this.methodNotAllowed(req);
        return {
          status: 200,
          body: {
            id: `/subscriptions/${sub}`,
            subscriptionId: sub,
            tenantId: this.tenantId,
            displayName: "Atrium simulated subscription",
            state: "Enabled",
          },
        };
      });
    }
    if (low[2] === "resourcegroups" && segs.length <= 4) {
      return this.guarded(req, "microsoft.resources/resourcegroups", sub, () =>
        this.resourceGroups.resourceGroups(req, sub, segs[3]),
      );
    }
    if (low[2] === "operationresults" && segs.length === 4) {
      return this.guarded(req, "microsoft.resources/operationresults", sub, () =>
        ops.operationStatus(this, req, segs[3], "location"),
      );
    }
    throw this.noRoute(req);
  }

  /** `/subscriptions/{s}/providers/{ns}/...`: provider routes, operation status and subscription-wide lists. */
  private async routeSubscriptionProvider(req: SimRequest, sub: string, ns: string, rest: string[]) {
    if (rest.length === 0) throw this.noRoute(req);
    const nsLow = ns.toLowerCase();
    const restLow = rest.map((s) => s.toLowerCase());
    const custom = this.providers[nsLow]?.subscriptionRoute?.(req, sub, rest);
    if (custom) return this.guarded(req, custom.apiType, sub, custom.run);
    if (restLow[0] === "locations") {
      return this.guarded(req, `${nsLow}/locations`, sub, () => {
        if (rest.length !== 4 || req.method !== "GET") throw this.noRoute(req);
        const kind = restLow[2];
        const style =
          kind === "asyncoperations" || kind === "operationresults"
            ? "location"
            : kind.endsWith("operationsstatus") && req.query.type === "location"
              ? "location"
              : "async";
        return ops.operationStatus(this, req, rest[3], style);
      });
    }
    if (rest.length !== 1) throw this.noRoute(req);
    const typeKey = `${nsLow}/${restLow[0]}`;
    const canonical = CANONICAL_TYPES[typeKey];
    if (!canonical) throw this.unknownType(ns, rest[0], req);
    return this.guarded(req, typeKey, sub, () => {
      if (req.method !== "GET") throw this.methodNotAllowed(req);
      const value = this.store
        .all()
        .filter((r) => r.type === canonical && r.subscriptionId.toLowerCase() === sub.toLowerCase())
        .map((r) => this.render(r));
      return { status: 200, body: { value } };
    });
  }

  /** `/subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/{child}/{name}]…[/{collection|action}]`. */
  private async routeResourceGroupScope(req: SimRequest, sub: string, ns: string, rest: string[]) {
    const rg = req.segs[3];
    const nsLow = ns.toLowerCase();
    if (rest.length === 0) throw this.noRoute(req);
    const pairs = Math.floor(rest.length / 2);
    const typeParts = [ns];
    const nameParts: string[] = [];
    for (let i = 0; i < pairs; i++) {
      typeParts.push(rest[2 * i]);
      nameParts.push(rest[2 * i + 1]);
    }
    const leftover = rest.length % 2 === 1 ? rest[rest.length - 1] : null;
    const topTypeKey = `${nsLow}/${rest[0].toLowerCase()}`;
    const typeKey = typeParts.join("/").toLowerCase();
    if (!CANONICAL_TYPES[topTypeKey] || (pairs > 0 && !CANONICAL_TYPES[typeKey])) {
      throw this.unknownType(ns, pairs > 0 ? typeParts.slice(1).join("/") : rest[0], req);
    }
    const apiVersion = this.requireApiVersion(req, topTypeKey);
    const rl = takeOrThrottle(this.throttler, sub, req.method);
    const group = this.store.get(keyOf(rgId(sub, rg)));
    if (!group) throw resourceGroupNotFound(rg);
    if (req.method !== "GET" && req.method !== "HEAD" && group.pending) {
      throw new ArmError(
        409,
        "ResourceGroupBeingDeleted",
        `The resource group '${group.name}' is in deprovisioning state and cannot perform this operation.`,
      );
    }
    if (pairs === 0) {
      if (req.method !== "GET") throw this.methodNotAllowed(req);
      const value = this.store.childrenOfGroup(group.key, CANONICAL_TYPES[topTypeKey]).map((r) => this.render(r));
      return this.withHeaders({ status: 200, body: { value } }, rl);
    }
    const type = CANONICAL_TYPES[typeKey];
    const id = buildId(sub, group.name, type, nameParts);
    const parentId =
      pairs > 1 ? buildId(sub, group.name, typeParts.slice(0, -1).join("/"), nameParts.slice(0, -1)) : null;
    const parentKey = parentId ? keyOf(parentId) : null;
    const ctx: ResourceCtx = {
      req,
      sub,
      rg: group.name,
      type,
      names: nameParts,
      name: nameParts[nameParts.length - 1],
      id,
      key: keyOf(id),
      parentKey,
      parentId: parentKey ? (this.store.get(parentKey)?.id ?? null) : null,
      existing: this.store.get(keyOf(id)),
      apiVersion,
    };
    if (leftover !== null) return this.withHeaders(await this.collectionOrAction(ctx, typeKey, leftover), rl);
    if (parentKey && !this.store.get(parentKey)) {
      throw notFound(parseResourceId(parentId!)!.type, nameParts.slice(0, -1).join("/"), group.name);
    }
    return this.withHeaders(await this.dispatch(ctx, this.handlers[typeKey]), rl);
  }

  /** GET of a child collection or a read-only collection, or POST of an action, below a resource. */
  private async collectionOrAction(ctx: ResourceCtx, typeKey: string, leftover: string): Promise<SimResponse> {
    const { req } = ctx;
    const name = leftover.toLowerCase();
    const childType = CANONICAL_TYPES[`${typeKey}/${name}`];
    if (childType) {
      if (req.method !== "GET") throw this.methodNotAllowed(req);
      this.requireExisting(ctx);
      return { status: 200, body: { value: this.store.childrenOf(ctx.key, childType).map((r) => this.render(r)) } };
    }
    const handler = this.handlers[typeKey];
    const read = handler?.reads?.[name];
    if (read && req.method === "GET") return read(ctx);
    const action = handler?.actions?.[name];
    if (!action || req.method !== "POST") throw this.noRoute(req);
    return action(ctx);
  }

  private async dispatch(ctx: ResourceCtx, handler: TypeHandler | undefined): Promise<SimResponse> {
    const { req } = ctx;
    switch (req.method) {
      case "GET":
        return this.getResource(ctx);
      case "HEAD":
        return { status: ctx.existing ? 204 : 404 };
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
        return handler.put(ctx);
      }
      case "PATCH":
        if (!handler?.patch) throw this.methodNotAllowed(req);
        this.requireExisting(ctx);
        return handler.patch(ctx);
      case "DELETE":
        if (!handler?.delete) throw this.methodNotAllowed(req);
        return handler.delete(ctx);
      default:
        throw this.methodNotAllowed(req);
    }
  }

  private withHeaders(res: SimResponse, headers: Record<string, string>): SimResponse {
    return { ...res, headers: { ...headers, ...res.headers } };
  }

  noRoute(req: SimRequest): ArmError {
    return errors.noRoute(req);
  }

  methodNotAllowed(req: SimRequest): ArmError {
    return errors.methodNotAllowed(req);
  }

  unknownType(ns: string, type: string, req: SimRequest): ArmError {
    return errors.unknownType(ns, type, req);
  }

  requireExisting(ctx: ResourceCtx): StoredResource {
    if (!ctx.existing) throw notFound(ctx.type, ctx.names.join("/"), ctx.rg);
    return ctx.existing;
  }

  // =================================================================================================================
  // Rendering and resources
  // =================================================================================================================

  render(r: StoredResource): Json {
    const body = r.pending ? deepMerge(r.body, r.pending.overlay) : r.body;
    const hook = this.handlers[r.type.toLowerCase()]?.render;
    return hook ? hook(r, body) : body;
  }

  private getResource(ctx: ResourceCtx): SimResponse {
    const r = this.requireExisting(ctx);
    return { status: 200, body: this.render(r), delayMs: this.latency.duration("read") };
  }

  newResource(ctx: ResourceCtx, body: Json, location: string | null): StoredResource {
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

  systemData(existing: StoredResource | undefined): Json {
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

  // =================================================================================================================
  // Long-running operations (the machine is in ./operations)
  // =================================================================================================================

  startOperation(
    resource: StoredResource,
    action: Operation["action"],
    latencyOp: LatencyOperation,
    req: SimRequest,
    opts: StartOperationOptions,
  ): Operation {
    return ops.startOperation(this, resource, action, latencyOp, req, opts);
  }

  opUrl(...args: Parameters<typeof ops.opUrl>): string {
    return ops.opUrl(...args);
  }

  retryAfter(op: Operation): Record<string, string> {
    return ops.retryAfter(this, op);
  }

  pendingOrStartDelete(r: StoredResource, latencyOp: LatencyOperation, req: SimRequest, purge = false): Operation {
    return ops.pendingOrStartDelete(this, r, latencyOp, req, purge);
  }

  startDetachedOperation(id: string, latencyOp: LatencyOperation): Operation {
    return ops.startDetachedOperation(this, id, latencyOp);
  }

  deleteSync(ctx: ResourceCtx, latencyOp?: LatencyOperation): SimResponse {
    return ops.deleteSync(this, ctx, latencyOp);
  }

  deleteAsync(ctx: ResourceCtx, latencyOp: LatencyOperation, ns: string, kind: string): SimResponse {
    return ops.deleteAsync(this, ctx, latencyOp, ns, kind);
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
    if (!r) return;
    if (op.effect.kind === "remove") this.removeResource(r, op.effect.purge ?? false, true);
    else if (op.effect.kind !== "none") this.handlers[r.type.toLowerCase()]?.completed?.(r, op.effect);
  }

  /** Removes a resource with its children and runs the side effects Azure applies. */

  /** Removes a resource with its children and runs the side effects Azure applies (providers' `removed` hooks). */
  removeResource(r: StoredResource, purge: boolean, direct: boolean): void {
    for (const gone of this.store.removeTree(r.key)) {
      this.handlers[gone.type.toLowerCase()]?.removed?.(gone, { direct: direct && gone.key === r.key, purge });
    }
  }

  // =================================================================================================================
  // Helpers lent to the providers
  // =================================================================================================================

  ensureLocation(body: Json, type: string): string {
    return requireLocation(body, type);
  }

  tags(body: Json): Json {
    return validTags(body);
  }

  /**
   * A retention period of `days` on the simulator's clock: scaled like every duration, except at time scale 0
   * ("instant"), where a retention of zero would make soft delete meaningless, so it stays real.
   */
  retentionMs(days: number): number {
    return days * 24 * 3600_000 * (this.timeScale > 0 ? this.timeScale : 1);
  }

  findGlobal(type: string, name: string): StoredResource | undefined {
    const n = name.toLowerCase();
    for (const r of this.store.resources.values()) if (r.type === type && r.name.toLowerCase() === n) return r;
    return undefined;
  }

  visiblePrincipal(objectId: string) {
    const p = this.store.principals.get(objectId.toLowerCase());
    return p && p.visibleAt <= this.now() ? p : undefined;
  }

  nextIp(): number {
    this.ipCounter = this.ipCounter >= 250 ? 4 : this.ipCounter + 1;
    return this.ipCounter;
  }

  /** Azure ML quota limits (usages), settable by the simulator's operator. */
  get quota(): MlQuota {
    return this.machineLearning.quota;
  }

  addRoleAssignmentByHand(scope: string, name: string, props: Json): Json {
    return this.authorization.storeRoleAssignment(scope, name, props);
  }

  /** Seeds the hub network resources the portal's settings point at (resource groups, VNets, subnets, DNS zones). */
  seedLandingZone(subnetIds: string[], privateDnsZoneIds: string[], location = "eastus"): void {
    seedLandingZone(this.store, this.now(), subnetIds, privateDnsZoneIds, location);
  }
}
