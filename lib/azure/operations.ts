/**
 * One function per plan step kind, each through the Azure SDK only (no hand-written HTTP). Every step is idempotent:
 * - deterministic names come from the plan, and ARM's PUT is create-or-update;
 * - computes: GET before PUT — an existing compute with another spec is reported as drift and never overwritten
 *   (Azure ML's compute PUT overwrites; Azure ML's compute create-or-update reference: "do a GET first");
 * - role assignments: 409 RoleAssignmentExists means the same grant exists under another name → done;
 * - role definitions: GET first, so a custom role shared by many requests is written once per subscription;
 * - long-running operations: the poller state is saved right after ARM accepted the PUT, and a restarted worker
 *   resumes polling from it instead of sending the PUT again;
 * - a retried attempt (or a step without saved poller state after a crash) reads the resource first and waits for an
 *   operation that is still running instead of re-sending.
 */
import "server-only";
import { restorePoller as restoreKeyVaultPoller } from "@azure/arm-keyvault";
import { restorePoller as restoreStoragePoller } from "@azure/arm-storage";
import type { ComputeResource } from "@azure/arm-machinelearning";
import type { PlanStep, StepKind } from "@/lib/plan/types";
import { currentArmCallContext, withArmCallContext } from "./call-context";
import type { ArmClients } from "./clients";

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export interface StepRunContext {
  clients: ArmClients;
  /** Poll interval of long-running operations when ARM sends no Retry-After. */
  pollIntervalMs: number;
  signal?: AbortSignal;
  /** Poller state saved by an earlier attempt (resume instead of re-sending). */
  lroState: string | null;
  saveLroState: (state: string) => Promise<void>;
  /** Attempts of this step before this one (a retried attempt reads before it writes). */
  previousAttempts: number;
}

export interface DriftItem {
  field: string;
  expected: unknown;
  actual: unknown;
}

export type StepResult =
  { outcome: "created" | "resumed" | "alreadyExists" | "waitedForExisting" } | { outcome: "drift"; drift: DriftItem[] };

export class StepError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly retryable: boolean,
    public readonly statusCode?: number,
    public readonly retryAfterMs?: number | null,
  ) {
    super(message);
    this.name = "StepError";
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------------

const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const TRANSIENT_CODES = new Set([
  "PrincipalNotFound",
  "InternalServerError",
  "ServiceUnavailable",
  "GatewayTimeout",
  "RetryableError",
  "RetryableErrorDueToAnotherOperation",
  "AnotherOperationInProgress",
  "SubscriptionRequestsThrottled",
  "TooManyRequests",
  "REQUEST_SEND_ERROR",
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "OperationFailed",
]);

export interface ArmErrorInfo {
  statusCode?: number;
  code: string;
  message: string;
  retryable: boolean;
  retryAfterMs: number | null;
}

/** Normalises SDK errors (RestError, core-lro's "long-running operation has failed", transport errors). */
export function armErrorInfo(err: unknown): ArmErrorInfo {
  if (err instanceof StepError)
    return {
      statusCode: err.statusCode,
      code: err.code,
      message: err.message,
      retryable: err.retryable,
      retryAfterMs: err.retryAfterMs ?? null,
    };
  const e = err as {
    statusCode?: number;
    code?: string;
    message?: string;
    name?: string;
    response?: { headers?: { get?: (n: string) => string | undefined } };
    details?: unknown;
  };
  const message = e?.message ?? String(err);
  if (e?.name === "AbortError")
    return {
      code: "Aborted",
      message: "The worker stopped while this step was running.",
      retryable: true,
      retryAfterMs: null,
    };
  // core-lro 2: "The long-running operation has failed. QuotaExceeded. Not enough cores."
  const lro = /long-running operation has failed\.?\s*([A-Za-z]+)?\.?\s*(.*)$/s.exec(message);
  if (lro && !e.statusCode) {
    const code = lro[1] ?? "OperationFailed";
    return { code, message: lro[2]?.trim() || message, retryable: TRANSIENT_CODES.has(code), retryAfterMs: null };
  }
  const details = obj(obj(e?.details).error);
  const code = e?.code ?? str(details.code) ?? (e?.statusCode ? `Http${e.statusCode}` : "UnknownError");
  const status = e?.statusCode;
  let retryAfter: number | null = null;
  const header = e?.response?.headers?.get?.("retry-after");
  if (header && Number.isFinite(Number(header))) retryAfter = Number(header) * 1000;
  const conflictInProgress = status === 409 && /provisioning state|in progress|another operation/i.test(message);
  const retryable =
    TRANSIENT_CODES.has(code) ||
    (status !== undefined && TRANSIENT_STATUS.has(status)) ||
    conflictInProgress ||
    (!status && /socket hang up|ECONNRESET|network|timed out/i.test(message));
  return { statusCode: status, code, message, retryable, retryAfterMs: retryAfter };
}

const KIND_LABEL: Record<StepKind, string> = {
  resourceGroup: "resource group",
  storageAccount: "storage account",
  keyVault: "key vault",
  applicationInsights: "Application Insights component",
  workspace: "Azure ML workspace",
  privateEndpoint: "private endpoint",
  privateDnsZoneGroup: "private DNS zone group",
  roleDefinition: "custom role definition",
  roleAssignment: "role assignment",
  computeInstance: "compute instance",
  computeCluster: "compute cluster",
  gitConnection: "Git connection",
};

/** Azure's error in words a person can act on. */
export function describeStepError(
  step: Pick<PlanStep, "kind" | "name" | "target" | "body">,
  info: { code: string; message: string },
): string {
  const what = `Creating the ${KIND_LABEL[step.kind]} "${step.name}"`;
  const sub = step.target.subscriptionId;
  switch (info.code) {
    case "AuthorizationFailed":
      return `${what} was refused: Atrium's identity lacks permission in subscription ${sub}. Ask a subscription owner to grant it Contributor and Role Based Access Control Administrator, then retry. Azure said: ${info.message}`;
    case "QuotaExceeded":
    case "OperationNotAllowed":
      return `${what} failed: the subscription ${sub} has no quota left for this VM size. Request more quota in the Azure portal (or choose another size), then retry. Azure said: ${info.message}`;
    case "MissingSubscriptionRegistration":
      return `${what} failed: a resource provider is not registered in subscription ${sub}. Register it (az provider register), then retry. Azure said: ${info.message}`;
    case "PrincipalNotFound":
      return `${what} failed: the person's Entra object id is not (yet) in the directory. Check the member's object id in the people admin page; if the account was just created, retry in a few minutes. Azure said: ${info.message}`;
    case "InvalidResourceReference":
    case "LinkedInvalidPropertyId":
      return `${what} failed: it refers to a resource that does not exist (check the private-endpoint subnet and DNS zones in the portal settings), then retry. Azure said: ${info.message}`;
    case "StorageAccountAlreadyTaken":
    case "VaultAlreadyExists":
      return `${what} failed: the globally unique name "${step.name}" is already used outside this request. An admin must free the name (or purge a soft-deleted vault), then retry. Azure said: ${info.message}`;
    case "ComputeDrift":
      return `${what} was skipped: a compute with this name already exists with a different specification, and Atrium never overwrites a compute. ${info.message} Delete or align the existing compute, then retry.`;
    case "RoleDefinitionWithSameNameExists":
      return `${what} failed: a custom role with the same name but another id exists in the tenant. An admin must rename or delete it, then retry. Azure said: ${info.message}`;
    default:
      return `${what} failed (${info.code}): ${info.message}`;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------------------------------

function isNotFound(err: unknown): boolean {
  const e = err as { statusCode?: number };
  return e?.statusCode === 404;
}

/** Runs an SDK GET and returns the raw wire JSON of its response (null on 404). */
async function readRaw(fn: () => Promise<unknown>): Promise<Json | null> {
  const outer = currentArmCallContext() ?? {};
  let body: string | null = null;
  try {
    await withArmCallContext(
      {
        ...outer,
        onResponse: (ids) => {
          if (ids.method === "GET" && ids.status === 200) body = ids.bodyText ?? null;
          outer.onResponse?.(ids);
        },
      },
      async () => {
        await fn();
      },
    );
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
  if (body === null) return {};
  try {
    return JSON.parse(body) as Json;
  } catch {
    return {};
  }
}

function provisioningStateOf(raw: Json): string | null {
  return str(obj(raw.properties).provisioningState) ?? str(raw.provisioningState) ?? null;
}

/** Reads the resource a step creates, as ARM returns it (null when it does not exist). */
export async function readStepResource(step: PlanStep, clients: ArmClients): Promise<Json | null> {
  const rg = step.target.resourceGroup ?? "";
  const parent = step.target.parent ?? "";
  switch (step.kind) {
    case "resourceGroup":
      return readRaw(() => clients.resources.resourceGroups.get(rg));
    case "storageAccount":
      return readRaw(() => clients.storage.storageAccounts.getProperties(rg, step.name));
    case "keyVault":
      return readRaw(() => clients.keyVault.vaults.get(rg, step.name));
    case "applicationInsights": {
      try {
        await clients.throttle.take(clients.subscriptionId, "reads");
        const c = await clients.appInsights.components.get(rg, step.name);
        return { id: c.id, name: c.name, properties: { provisioningState: c.provisioningState ?? "Succeeded" } };
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    }
    case "workspace":
      return readRaw(() => clients.ml.workspaces.get(rg, step.name));
    case "privateEndpoint":
      return readRaw(() => clients.network.privateEndpoints.get(rg, step.name));
    case "privateDnsZoneGroup":
      return readRaw(() => clients.network.privateDnsZoneGroups.get(rg, parent, step.name));
    case "roleDefinition":
      return readRaw(() => clients.authorization.roleDefinitions.get(step.target.scope ?? "", step.name));
    case "roleAssignment":
      return readRaw(() => clients.authorization.roleAssignments.get(scopeArg(step.target.scope), step.name));
    case "computeInstance":
    case "computeCluster":
      return readRaw(() => clients.ml.computeOperations.get(rg, parent, step.name));
    case "gitConnection":
      return readRaw(() => clients.ml.workspaceConnections.get(rg, parent, step.name));
  }
}

/** arm-authorization sends scope verbatim (skipEncoding): without its leading slash, to avoid `//subscriptions`. */
function scopeArg(scope: string | null): string {
  return (scope ?? "").replace(/^\/+/, "");
}

// ---------------------------------------------------------------------------------------------------------------
// Long-running operations
// ---------------------------------------------------------------------------------------------------------------

interface Lro2Poller<T> {
  toString(): string;
  pollUntilDone(): Promise<T>;
}
type Lro2Options = { updateIntervalInMs?: number; resumeFrom?: string; abortSignal?: AbortSignal };

/** core-lro 2 pollers (arm-machinelearning 2.1.1, arm-network 36): save state after the PUT, resume from it. */
async function runLro2<T>(
  ctx: StepRunContext,
  begin: (options: Lro2Options) => Promise<Lro2Poller<T>>,
): Promise<"created" | "resumed"> {
  const base = { updateIntervalInMs: ctx.pollIntervalMs, abortSignal: ctx.signal };
  if (ctx.lroState) {
    const poller = await begin({ ...base, resumeFrom: ctx.lroState });
    await poller.pollUntilDone();
    return "resumed";
  }
  const poller = await begin(base);
  await ctx.saveLroState(poller.toString());
  await poller.pollUntilDone();
  return "created";
}

interface Lro3Poller<T> extends PromiseLike<T> {
  submitted(): Promise<void>;
  serialize(): Promise<string>;
  pollUntilDone(): Promise<T>;
}

/** core-lro 3 pollers (modular arm-storage 20, arm-keyvault 5): serialize after submission, restorePoller to resume. */
async function runLro3<T>(
  ctx: StepRunContext,
  start: () => Lro3Poller<T>,
  restore: (state: string) => Lro3Poller<T>,
): Promise<"created" | "resumed"> {
  if (ctx.lroState) {
    await restore(ctx.lroState).pollUntilDone();
    return "resumed";
  }
  const poller = start();
  await poller.submitted();
  await ctx.saveLroState(await poller.serialize());
  await poller.pollUntilDone();
  return "created";
}

/** Waits for a resource whose operation another (crashed) attempt started, by reading it until it is terminal. */
async function waitForTerminal(step: PlanStep, ctx: StepRunContext, first: Json): Promise<string> {
  let state = provisioningStateOf(first);
  const deadline = Date.now() + 60 * 60_000;
  while (state && !/^(succeeded|failed|canceled|cancelled)$/i.test(state)) {
    if (ctx.signal?.aborted) throw new StepError("Aborted", "The worker stopped while this step was running.", true);
    if (Date.now() > deadline)
      throw new StepError("OperationTimedOut", "The resource did not reach a final state within an hour.", true);
    await new Promise((r) => setTimeout(r, Math.max(ctx.pollIntervalMs, 10)));
    const again = await readStepResource(step, ctx.clients);
    if (!again) return "Missing";
    state = provisioningStateOf(again);
  }
  return state ?? "Succeeded";
}

// ---------------------------------------------------------------------------------------------------------------
// Compute drift
// ---------------------------------------------------------------------------------------------------------------

const lower = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : v);

/** Differences between an existing compute (wire JSON) and the plan's compute. Empty when they match. */
export function computeDrift(step: PlanStep, existing: Json): DriftItem[] {
  const want = obj(step.body.properties);
  const have = obj(existing.properties);
  const wantInner = obj(want.properties);
  const haveInner = obj(have.properties);
  const out: DriftItem[] = [];
  const cmp = (field: string, expected: unknown, actual: unknown) => {
    if (lower(expected) !== lower(actual)) out.push({ field, expected, actual: actual ?? null });
  };
  cmp("computeType", want.computeType, have.computeType);
  cmp("vmSize", wantInner.vmSize, haveInner.vmSize);
  if (step.kind === "computeInstance") {
    const w = obj(obj(wantInner.personalComputeInstanceSettings).assignedUser);
    const h = obj(obj(haveInner.personalComputeInstanceSettings).assignedUser);
    cmp("assignedUser.objectId", w.objectId, h.objectId);
  } else {
    const w = obj(wantInner.scaleSettings);
    const h = obj(haveInner.scaleSettings);
    cmp("scaleSettings.minNodeCount", w.minNodeCount, h.minNodeCount ?? 0);
    cmp("scaleSettings.maxNodeCount", w.maxNodeCount, h.maxNodeCount);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Steps
// ---------------------------------------------------------------------------------------------------------------

/**
 * Brings one plan step's resource into existence. Throws StepError / SDK errors on failure (the executor classifies
 * them with armErrorInfo and retries the transient ones).
 */
export async function executeStep(step: PlanStep, ctx: StepRunContext): Promise<StepResult> {
  const isCompute = step.kind === "computeInstance" || step.kind === "computeCluster";
  // GET before PUT: always for computes and shared role definitions; for everything else when an earlier attempt may
  // already have sent the PUT (retried step without saved poller state).
  if (!ctx.lroState && (isCompute || step.kind === "roleDefinition" || ctx.previousAttempts > 0)) {
    const existing = await readStepResource(step, ctx.clients);
    if (existing) {
      if (isCompute) {
        const drift = computeDrift(step, existing);
        if (drift.length > 0) return { outcome: "drift", drift };
      }
      const initial = provisioningStateOf(existing);
      const state = await waitForTerminal(step, ctx, existing);
      if (/^succeeded$/i.test(state))
        return { outcome: initial && !/^succeeded$/i.test(initial) ? "waitedForExisting" : "alreadyExists" };
      // Failed/Canceled/Missing: create it again below (same name, same spec).
    }
  }
  const outcome = await create(step, ctx);
  return { outcome };
}

async function create(step: PlanStep, ctx: StepRunContext): Promise<"created" | "resumed" | "alreadyExists"> {
  const { clients } = ctx;
  const rg = step.target.resourceGroup ?? "";
  const parent = step.target.parent ?? "";
  const body = step.body;
  const props = obj(body.properties);
  const tags = obj(body.tags) as Record<string, string>;
  const location = str(body.location) ?? "";
  const opts = { abortSignal: ctx.signal };
  switch (step.kind) {
    case "resourceGroup":
      await clients.resources.resourceGroups.createOrUpdate(rg, { location, tags }, opts);
      return "created";
    case "storageAccount": {
      const params = {
        location,
        tags,
        sku: obj(body.sku) as { name: "Standard_LRS" },
        kind: str(body.kind) as "StorageV2",
        minimumTlsVersion: str(props.minimumTlsVersion) as "TLS1_2" | undefined,
        enableHttpsTrafficOnly: props.supportsHttpsTrafficOnly as boolean | undefined,
        allowBlobPublicAccess: props.allowBlobPublicAccess as boolean | undefined,
        allowSharedKeyAccess: props.allowSharedKeyAccess as boolean | undefined,
      };
      const pollOpts = { updateIntervalInMs: ctx.pollIntervalMs, abortSignal: ctx.signal };
      return runLro3(
        ctx,
        () => clients.storage.storageAccounts.create(rg, step.name, params, pollOpts) as unknown as Lro3Poller<unknown>,
        (state) =>
          restoreStoragePoller(
            clients.storage,
            state,
            clients.storage.storageAccounts.create,
            pollOpts,
          ) as unknown as Lro3Poller<unknown>,
      );
    }
    case "keyVault": {
      const params = { location, tags, properties: props as never };
      const pollOpts = { updateIntervalInMs: ctx.pollIntervalMs, abortSignal: ctx.signal };
      return runLro3(
        ctx,
        () => clients.keyVault.vaults.createOrUpdate(rg, step.name, params, pollOpts) as unknown as Lro3Poller<unknown>,
        (state) =>
          restoreKeyVaultPoller(
            clients.keyVault,
            state,
            clients.keyVault.vaults.createOrUpdate,
            pollOpts,
          ) as unknown as Lro3Poller<unknown>,
      );
    }
    case "applicationInsights": {
      // Track-1 client outside the core-rest-pipeline: take the write token by hand.
      await clients.throttle.take(clients.subscriptionId, "writes");
      const ctxNow = currentArmCallContext();
      const result = await clients.appInsights.components.createOrUpdate(
        rg,
        step.name,
        {
          location,
          tags,
          kind: str(body.kind) ?? "web",
          applicationType: (str(props.Application_Type) ?? "web") as "web",
        },
        { customHeaders: ctxNow?.correlationId ? { "x-ms-correlation-request-id": ctxNow.correlationId } : undefined },
      );
      const h = result._response.headers;
      ctxNow?.onResponse?.({
        method: "PUT",
        url: result._response.request.url,
        status: result._response.status,
        requestId: h.get("x-ms-request-id") ?? null,
        correlationId: h.get("x-ms-correlation-request-id") ?? null,
      });
      return "created";
    }
    case "workspace": {
      const identity = obj(body.identity);
      const sku = obj(body.sku);
      const params = {
        location,
        tags,
        identity: { type: (str(identity.type) ?? "SystemAssigned") as "SystemAssigned" },
        sku: { name: str(sku.name) ?? "Basic", tier: str(sku.tier) as "Basic" | undefined },
        friendlyName: str(props.friendlyName),
        description: str(props.description),
        storageAccount: str(props.storageAccount),
        keyVault: str(props.keyVault),
        applicationInsights: str(props.applicationInsights),
        hbiWorkspace: props.hbiWorkspace as boolean | undefined,
        v1LegacyMode: props.v1LegacyMode as boolean | undefined,
        publicNetworkAccess: str(props.publicNetworkAccess) as "Enabled" | "Disabled" | undefined,
      };
      // managedNetwork is dropped by the 2.1.1 serializer: the ML body policy adds it.
      const patch = props.managedNetwork ? { properties: { managedNetwork: props.managedNetwork } } : undefined;
      return withMlPatch(patch, () =>
        runLro2(ctx, (o) => clients.ml.workspaces.beginCreateOrUpdate(rg, step.name, params, o)),
      );
    }
    case "privateEndpoint": {
      const conns = (props.privateLinkServiceConnections as Json[] | undefined) ?? [];
      const params = {
        location,
        tags,
        subnet: { id: str(obj(props.subnet).id) },
        privateLinkServiceConnections: conns.map((c) => ({
          name: str(c.name),
          privateLinkServiceId: str(obj(c.properties).privateLinkServiceId),
          groupIds: obj(c.properties).groupIds as string[],
        })),
      };
      return runLro2(ctx, (o) => clients.network.privateEndpoints.beginCreateOrUpdate(rg, step.name, params, o));
    }
    case "privateDnsZoneGroup": {
      const configs = (props.privateDnsZoneConfigs as Json[] | undefined) ?? [];
      const params = {
        privateDnsZoneConfigs: configs.map((c) => ({
          name: str(c.name),
          privateDnsZoneId: str(obj(c.properties).privateDnsZoneId),
        })),
      };
      return runLro2(ctx, (o) =>
        clients.network.privateDnsZoneGroups.beginCreateOrUpdate(rg, parent, step.name, params, o),
      );
    }
    case "roleDefinition": {
      const perms = (props.permissions as Json[] | undefined) ?? [];
      await clients.authorization.roleDefinitions.createOrUpdate(
        step.target.scope ?? "",
        step.name,
        {
          roleName: str(props.roleName),
          description: str(props.description),
          roleType: "CustomRole",
          permissions: perms.map((p) => ({
            actions: p.actions as string[],
            notActions: p.notActions as string[],
            dataActions: p.dataActions as string[],
            notDataActions: p.notDataActions as string[],
          })),
          assignableScopes: props.assignableScopes as string[],
        },
        opts,
      );
      return "created";
    }
    case "roleAssignment": {
      try {
        await clients.authorization.roleAssignments.create(
          scopeArg(step.target.scope),
          step.name,
          {
            roleDefinitionId: str(props.roleDefinitionId) ?? "",
            principalId: str(props.principalId) ?? "",
            principalType: str(props.principalType) as "User" | undefined,
            description: str(props.description),
          },
          opts,
        );
        return "created";
      } catch (err) {
        // The same principal/role/scope exists under another name: the grant is in place.
        if (armErrorInfo(err).code === "RoleAssignmentExists") return "alreadyExists";
        throw err;
      }
    }
    case "computeInstance":
    case "computeCluster": {
      const inner = obj(props.properties);
      const { idleTimeBeforeShutdown, ...sdkInner } = inner;
      const params = {
        location,
        tags,
        properties: {
          computeType: str(props.computeType),
          description: str(props.description),
          disableLocalAuth: props.disableLocalAuth,
          properties: sdkInner,
        },
      } as unknown as ComputeResource;
      // idleTimeBeforeShutdown is absent from the 2.1.1 models: the ML body policy adds it to the wire body.
      const patch =
        idleTimeBeforeShutdown !== undefined ? { properties: { properties: { idleTimeBeforeShutdown } } } : undefined;
      return withMlPatch(patch, () =>
        runLro2(ctx, (o) => clients.ml.computeOperations.beginCreateOrUpdate(rg, parent, step.name, params, o)),
      );
    }
    case "gitConnection": {
      await clients.ml.workspaceConnections.create(
        rg,
        parent,
        step.name,
        { properties: { category: str(props.category) as "Git", target: str(props.target), authType: "None" } },
        opts,
      );
      return "created";
    }
  }
}

function withMlPatch<T>(patch: Json | undefined, fn: () => Promise<T>): Promise<T> {
  if (!patch) return fn();
  return withArmCallContext({ ...(currentArmCallContext() ?? {}), mlBodyPatch: patch }, fn);
}
