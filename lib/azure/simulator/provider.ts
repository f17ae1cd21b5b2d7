/**
 * The contract between the engine (routing, api-versions, throttling, faults, long-running operations) and the
 * resource providers under `providers/`, one module per ARM namespace. A provider answers PUT/PATCH/DELETE/POST for its
 * types through `TypeHandler`s and reaches shared machinery (the store, operations, rendering) through `ProviderHost`.
 */
import type { ArmError } from "./errors";
import type { FaultInjector } from "./faults";
import type { LatencyModel } from "./latency";
import type { Json, Operation, OperationEffect, Store, StoredResource } from "./store";
import type { FaultKind, LatencyOperation } from "./types";

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

/** A request addressed to one resource (or a collection/action below it) inside a resource group. */
export interface ResourceCtx {
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

export type Handler = (ctx: ResourceCtx) => SimResponse | Promise<SimResponse>;

export interface RemovalInfo {
  /** The resource the DELETE addressed (the others went with it as children). */
  direct: boolean;
  purge: boolean;
}

export interface TypeHandler {
  put?: Handler;
  patch?: Handler;
  delete?: Handler;
  /** POST `{resource}/{action}` (lower-case action name). */
  actions?: Record<string, Handler>;
  /** GET `{resource}/{collection}` for collections that are not stored resources (lower-case name). */
  reads?: Record<string, Handler>;
  /** What GET returns for a stored resource, when more than its body (e.g. a VNet lists its subnets). */
  render?: (r: StoredResource, body: Json) => Json;
  /** Side effects Azure applies when a resource of this type goes (soft delete, disconnections). */
  removed?: (r: StoredResource, info: RemovalInfo) => void;
  /** Effects of a succeeded operation other than removal. */
  completed?: (r: StoredResource, effect: OperationEffect) => void;
}

/** A subscription-scope route of a provider (`/subscriptions/{s}/providers/{ns}/...`). */
export interface SubscriptionRoute {
  /** Lower-case `namespace/type` whose api-versions apply. */
  apiType: string;
  run: () => SimResponse;
}

export interface ResourceProvider {
  /** Handlers keyed by lower-case `namespace/type[/child]`. */
  types: Record<string, TypeHandler>;
  /** Routes under the subscription's provider namespace other than lists and operation status; null when no match. */
  subscriptionRoute?(req: SimRequest, sub: string, rest: string[]): SubscriptionRoute | null;
}

export interface StartOperationOptions {
  overlay: Json;
  effect?: OperationEffect;
  failedState?: Json;
}

/** What the engine lends its providers. */
export interface ProviderHost {
  readonly store: Store;
  readonly tenantId: string;
  readonly faults: FaultInjector;
  readonly latency: LatencyModel;
  readonly principalDelayMs: number;
  readonly softDeleteMs: number;
  now(): number;
  render(r: StoredResource): Json;
  startOperation(
    resource: StoredResource,
    action: Operation["action"],
    latencyOp: LatencyOperation,
    req: SimRequest,
    opts: StartOperationOptions,
  ): Operation;
  opUrl(
    req: SimRequest,
    sub: string,
    ns: string,
    location: string,
    kind: string,
    op: Operation,
    style?: "async" | "location",
  ): string;
  retryAfter(op: Operation): Record<string, string>;
  pendingOrStartDelete(r: StoredResource, latencyOp: LatencyOperation, req: SimRequest, purge?: boolean): Operation;
  removeResource(r: StoredResource, purge: boolean, direct: boolean): void;
  /** Synchronous delete: 200 when removed, 204 when already gone. */
  deleteSync(ctx: ResourceCtx, latencyOp?: LatencyOperation): SimResponse;
  /** Long-running delete: 202 with Azure-AsyncOperation and Location, 204 when already gone. */
  deleteAsync(ctx: ResourceCtx, latencyOp: LatencyOperation, ns: string, kind: string): SimResponse;
  newResource(ctx: ResourceCtx, body: Json, location: string | null): StoredResource;
  systemData(existing: StoredResource | undefined): Json;
  tags(body: Json): Json;
  ensureLocation(body: Json, type: string): string;
  requireExisting(ctx: ResourceCtx): StoredResource;
  nextIp(): number;
  findGlobal(type: string, name: string): StoredResource | undefined;
  /** A retention period in days as ms on the simulator's clock (scaled by the time scale). */
  retentionMs(days: number): number;
  /** An operation on something that is no longer a resource (e.g. purging a deleted vault): 202 + Location polling. */
  startDetachedOperation(id: string, latencyOp: LatencyOperation): Operation;
  visiblePrincipal(objectId: string): { type?: string } | undefined;
  methodNotAllowed(req: SimRequest): ArmError;
  noRoute(req: SimRequest): ArmError;
  unknownType(ns: string, type: string, req: SimRequest): ArmError;
}

export const ML = "Microsoft.MachineLearningServices";
export const NET = "Microsoft.Network";
export const TERMINAL_OK = "Succeeded";

/** Canonical types the providers serve. */
export const T = {
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
