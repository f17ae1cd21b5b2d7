/** Step handlers for the workspace's dependencies: resource group, storage account, key vault, Application Insights. */
import "server-only";
import { restorePoller as restoreKeyVaultPoller } from "@azure/arm-keyvault";
import { restorePoller as restoreStoragePoller } from "@azure/arm-storage";
import type { AbortSignalLike as MsRestAbortSignal } from "@azure/ms-rest-js";
import { currentArmCallContext } from "../call-context";
import type { ArmClients } from "../clients";
import { retryAfterMs } from "../throttle";
import {
  isNotFound,
  type Json,
  type Lro3Poller,
  MINUTE,
  obj,
  readRaw,
  runLro3,
  type StepHandler,
  str,
} from "./context";
import { StepError } from "./errors";

const rgOf = (step: { target: { resourceGroup: string | null } }) => step.target.resourceGroup ?? "";

export const resourceGroup: StepHandler = {
  deadlineMs: 90 * MINUTE,
  read: (step, clients) => readRaw(() => clients.resources.resourceGroups.get(rgOf(step))),
  async create(step, ctx) {
    const location = str(step.body.location) ?? "";
    const tags = obj(step.body.tags) as Record<string, string>;
    await ctx.clients.resources.resourceGroups.createOrUpdate(
      rgOf(step),
      { location, tags },
      { abortSignal: ctx.signal },
    );
    return "created";
  },
};

export const storageAccount: StepHandler = {
  deadlineMs: 60 * MINUTE,
  read: (step, clients) => readRaw(() => clients.storage.storageAccounts.getProperties(rgOf(step), step.name)),
  create(step, ctx) {
    const { clients } = ctx;
    const props = obj(step.body.properties);
    const params = {
      location: str(step.body.location) ?? "",
      tags: obj(step.body.tags) as Record<string, string>,
      sku: obj(step.body.sku) as { name: "Standard_LRS" },
      kind: str(step.body.kind) as "StorageV2",
      minimumTlsVersion: str(props.minimumTlsVersion) as "TLS1_2" | undefined,
      enableHttpsTrafficOnly: props.supportsHttpsTrafficOnly as boolean | undefined,
      allowBlobPublicAccess: props.allowBlobPublicAccess as boolean | undefined,
      allowSharedKeyAccess: props.allowSharedKeyAccess as boolean | undefined,
    };
    const pollOpts = { updateIntervalInMs: ctx.pollIntervalMs, abortSignal: ctx.signal };
    const accounts = clients.storage.storageAccounts;
    return runLro3(
      ctx,
      () => accounts.create(rgOf(step), step.name, params, pollOpts) as unknown as Lro3Poller<unknown>,
      (state) =>
        restoreStoragePoller(clients.storage, state, accounts.create, pollOpts) as unknown as Lro3Poller<unknown>,
    );
  },
};

export const keyVault: StepHandler = {
  deadlineMs: 30 * MINUTE,
  read: (step, clients) => readRaw(() => clients.keyVault.vaults.get(rgOf(step), step.name)),
  create(step, ctx) {
    const { clients } = ctx;
    const params = {
      location: str(step.body.location) ?? "",
      tags: obj(step.body.tags) as Record<string, string>,
      properties: obj(step.body.properties) as never,
    };
    const pollOpts = { updateIntervalInMs: ctx.pollIntervalMs, abortSignal: ctx.signal };
    const vaults = clients.keyVault.vaults;
    return runLro3(
      ctx,
      () => vaults.createOrUpdate(rgOf(step), step.name, params, pollOpts) as unknown as Lro3Poller<unknown>,
      (state) =>
        restoreKeyVaultPoller(
          clients.keyVault,
          state,
          vaults.createOrUpdate,
          pollOpts,
        ) as unknown as Lro3Poller<unknown>,
    );
  },
};

/**
 * The track-1 App Insights client (ms-rest-js) is outside the core-rest-pipeline, so it gets by hand what the pipeline
 * policies give every other client: a token from the bucket, a request timeout, and throttled reads that wait on the
 * bucket instead of failing.
 */
async function trackOne<T>(
  clients: ArmClients,
  cls: "reads" | "writes",
  signal: AbortSignal | undefined,
  call: (options: { abortSignal: MsRestAbortSignal }) => Promise<T>,
): Promise<T> {
  for (let throttled = 0; ; throttled++) {
    await clients.throttle.take(clients.subscriptionId, cls, signal);
    const timeout = new AbortController();
    const onAbort = () => timeout.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() => timeout.abort(), clients.timeouts.requestMs);
    try {
      // ms-rest-js declares its own AbortSignalLike, which a WHATWG AbortSignal satisfies at run time.
      return await call({ abortSignal: timeout.signal as unknown as MsRestAbortSignal });
    } catch (err) {
      if (timeout.signal.aborted && !signal?.aborted)
        throw new StepError("RequestTimedOut", `no answer within ${clients.timeouts.requestMs / 1000} s`, true);
      const e = err as { statusCode?: number; response?: { headers?: { get(n: string): string | undefined } } };
      if (cls !== "reads" || e?.statusCode !== 429 || throttled >= clients.timeouts.maxThrottledReads) throw err;
      const wait =
        retryAfterMs((n) => e.response?.headers?.get(n)) ?? clients.timeouts.throttledReadBackoffMs(throttled);
      clients.throttle.pause(clients.subscriptionId, cls, wait);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }
}

export const applicationInsights: StepHandler = {
  deadlineMs: 30 * MINUTE,
  async read(step, clients): Promise<Json | null> {
    try {
      const c = await trackOne(clients, "reads", undefined, (o) =>
        clients.appInsights.components.get(rgOf(step), step.name, o),
      );
      // Tags too: the drift watch compares them (the track-1 model is all there is of the body).
      return {
        id: c.id,
        name: c.name,
        tags: c.tags ?? {},
        properties: { provisioningState: c.provisioningState ?? "Succeeded" },
      };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  },
  async create(step, ctx) {
    const { clients } = ctx;
    const props = obj(step.body.properties);
    const ctxNow = currentArmCallContext();
    const result = await trackOne(clients, "writes", ctx.signal, (o) =>
      clients.appInsights.components.createOrUpdate(
        rgOf(step),
        step.name,
        {
          location: str(step.body.location) ?? "",
          tags: obj(step.body.tags) as Record<string, string>,
          kind: str(step.body.kind) ?? "web",
          applicationType: (str(props.Application_Type) ?? "web") as "web",
        },
        {
          ...o,
          customHeaders: ctxNow?.correlationId ? { "x-ms-correlation-request-id": ctxNow.correlationId } : undefined,
        },
      ),
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
  },
};
