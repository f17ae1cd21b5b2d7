/**
 * The one factory for every Azure SDK client Atrium uses. Two modes:
 * - real: DefaultAzureCredential (workload/managed identity in production), the tenant from the portal settings, ARM's
 *   own credential scope; subscriptions per environment come from the settings and are passed per call.
 * - simulator: the Atrium ARM simulator's endpoint, its self-signed CA through tlsOptions, and a static token (the
 *   simulator only checks that a bearer token is present).
 * Every client gets the same pipeline additions: a call-context policy (correlation id, response ids), the Azure ML
 * body-fields policy, the client-side ARM token buckets (throttled reads wait on them), and a timeout on every request.
 */
import "server-only";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import { ApplicationInsightsManagementClient } from "@azure/arm-appinsights";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ConsumptionManagementClient } from "@azure/arm-consumption";
import { KeyVaultManagementClient } from "@azure/arm-keyvault";
import { AzureMachineLearningWorkspaces } from "@azure/arm-machinelearning";
import { NetworkManagementClient } from "@azure/arm-network";
import { PolicyInsightsClient } from "@azure/arm-policyinsights";
import { ResourceManagementClient } from "@azure/arm-resources";
import { StorageManagementClient } from "@azure/arm-storage";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { RestError, type PipelinePolicy } from "@azure/core-rest-pipeline";
import { DefaultAzureCredential } from "@azure/identity";
import { env } from "@/lib/env";
import { currentArmCallContext } from "./call-context";
import { ML_API_VERSION, mlBodyPolicy } from "./ml-policy";
import { ArmThrottle, operationClassOf, retryAfterMs, subscriptionOfUrl } from "./throttle";

export const ARM_ENDPOINT = "https://management.azure.com";
export const ARM_SCOPE = `${ARM_ENDPOINT}/.default`;

export type AzureTarget = { mode: "simulator"; endpoint: string; ca: string } | { mode: "azure"; tenantId?: string };

export interface RetryOptions {
  maxRetries: number;
  retryDelayInMs: number;
  maxRetryDelayInMs: number;
}

/**
 * Bounds on single ARM requests. ARM answers every management request at once (long work is an operation that is
 * polled), and its reads take 50–150 ms (lib/azure/simulator/latency.ts): a request with no answer after a minute is a
 * connection that will never answer, and must not hold its step (and its run) for ever.
 */
export interface RequestTimeouts {
  /** Per request (each SDK retry is a new request with a new timeout). */
  requestMs: number;
  /** 429s on one read that are waited out on the bucket before the 429 reaches the step (which then retries it). */
  maxThrottledReads: number;
  /** Pause of the subscription's read bucket after the n-th 429 in a row that came without Retry-After. */
  throttledReadBackoffMs(n: number): number;
}

export const DEFAULT_TIMEOUTS: RequestTimeouts = {
  requestMs: 60_000,
  maxThrottledReads: 20,
  // ARM normally sends Retry-After; without it, back off from 1 s up to 30 s (about 8 minutes over 20 reads).
  throttledReadBackoffMs: (n) => Math.min(30_000, 1_000 * 2 ** n),
};

export interface ClientFactoryOptions {
  target: AzureTarget;
  /** The SDK's own retry (429/503 honouring Retry-After, 5xx and transport errors with exponential backoff). */
  retryOptions?: RetryOptions;
  throttle?: ArmThrottle;
  timeouts?: Partial<RequestTimeouts>;
}

export interface ArmClients {
  subscriptionId: string;
  throttle: ArmThrottle;
  timeouts: RequestTimeouts;
  resources: ResourceManagementClient;
  storage: StorageManagementClient;
  keyVault: KeyVaultManagementClient;
  appInsights: ApplicationInsightsManagementClient;
  ml: AzureMachineLearningWorkspaces;
  network: NetworkManagementClient;
  authorization: AuthorizationManagementClient;
  /** Budgets (Microsoft.Consumption). */
  consumption: ConsumptionManagementClient;
  /** Azure Policy's dry run (checkPolicyRestrictions) for the pre-approval checks. */
  policyInsights: PolicyInsightsClient;
}

export interface ClientFactory {
  target: AzureTarget;
  throttle: ArmThrottle;
  timeouts: RequestTimeouts;
  forSubscription(subscriptionId: string): ArmClients;
}

const staticCredential: TokenCredential = {
  getToken: async (): Promise<AccessToken> => ({
    token: "atrium-simulator-token",
    expiresOnTimestamp: Date.now() + 3600_000,
  }),
};

/** Sends the call's correlation id and reports ARM's request/correlation ids of every response. */
function callContextPolicy(): PipelinePolicy {
  return {
    name: "atrium-call-context",
    async sendRequest(request, next) {
      const ctx = currentArmCallContext();
      if (ctx?.correlationId) request.headers.set("x-ms-correlation-request-id", ctx.correlationId);
      const response = await next(request);
      ctx?.onResponse?.({
        method: request.method,
        url: request.url,
        status: response.status,
        requestId: response.headers.get("x-ms-request-id") ?? null,
        correlationId: response.headers.get("x-ms-correlation-request-id") ?? null,
        bodyText: response.bodyAsText ?? null,
      });
      return response;
    },
  };
}

/**
 * Takes a token from the subscription's bucket before every attempt; a 429 with Retry-After pauses the bucket. A
 * throttled read (an LRO poll or a GET) is sent again here once the bucket has a token, so throttling never counts as
 * an SDK retry or a step attempt; a throttled write goes back to the SDK (Retry-After) and the step's retry policy.
 */
function throttlePolicy(throttle: ArmThrottle, timeouts: RequestTimeouts): PipelinePolicy {
  return {
    name: "atrium-arm-throttle",
    async sendRequest(request, next) {
      const sub = subscriptionOfUrl(request.url);
      const cls = operationClassOf(request.method);
      for (let throttled = 0; ; throttled++) {
        await throttle.take(sub, cls, request.abortSignal, currentArmCallContext()?.flow);
        const response = await next(request);
        if (response.status !== 429) return response;
        const ms = retryAfterMs((n) => response.headers.get(n));
        const waitHere = cls === "reads" && throttled < timeouts.maxThrottledReads && !request.abortSignal?.aborted;
        if (!waitHere) {
          if (ms !== null && ms > 0) throttle.pause(sub, cls, ms);
          return response;
        }
        throttle.pause(sub, cls, ms !== null && ms > 0 ? ms : timeouts.throttledReadBackoffMs(throttled));
      }
    },
  };
}

/**
 * Aborts a request that got no answer within the timeout. The error is a transport error with code ETIMEDOUT, which
 * the SDK's retry policy resends (exponential backoff) and the step's retry policy treats as transient.
 */
function requestTimeoutPolicy(timeouts: RequestTimeouts): PipelinePolicy {
  return {
    name: "atrium-request-timeout",
    async sendRequest(request, next) {
      const outer = request.abortSignal;
      const controller = new AbortController();
      const onAbort = () => controller.abort();
      outer?.addEventListener("abort", onAbort, { once: true });
      const timer = setTimeout(() => controller.abort(), timeouts.requestMs);
      request.abortSignal = controller.signal;
      try {
        return await next(request);
      } catch (err) {
        if (!controller.signal.aborted || outer?.aborted) throw err;
        throw new RestError(`ARM did not answer ${request.method} within ${timeouts.requestMs / 1000} s`, {
          code: "ETIMEDOUT",
          request,
        });
      } finally {
        clearTimeout(timer);
        outer?.removeEventListener("abort", onAbort);
        request.abortSignal = outer;
      }
    },
  };
}

export function createClientFactory(options: ClientFactoryOptions): ClientFactory {
  const { target } = options;
  const throttle = options.throttle ?? new ArmThrottle();
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const credential: TokenCredential =
    target.mode === "simulator"
      ? staticCredential
      : new DefaultAzureCredential(target.tenantId ? { tenantId: target.tenantId } : {});
  const common = {
    ...(target.mode === "simulator" ? { endpoint: target.endpoint, tlsOptions: { ca: target.ca } } : {}),
    credentialScopes: [ARM_SCOPE],
    ...(options.retryOptions ? { retryOptions: options.retryOptions } : {}),
    additionalPolicies: [
      { position: "perCall" as const, policy: callContextPolicy() },
      { position: "perCall" as const, policy: mlBodyPolicy() },
      // perRetry policies run in this order around each attempt: the timeout covers the request, not the token wait.
      { position: "perRetry" as const, policy: throttlePolicy(throttle, timeouts) },
      { position: "perRetry" as const, policy: requestTimeoutPolicy(timeouts) },
    ],
  };
  const legacyAgent =
    target.mode === "simulator"
      ? { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ ca: target.ca, keepAlive: true }) }
      : undefined;
  const cache = new Map<string, ArmClients>();
  return {
    target,
    throttle,
    timeouts,
    forSubscription(subscriptionId) {
      let clients = cache.get(subscriptionId);
      if (!clients) {
        clients = {
          subscriptionId,
          throttle,
          timeouts,
          resources: new ResourceManagementClient(credential, subscriptionId, common),
          storage: new StorageManagementClient(credential, subscriptionId, common),
          keyVault: new KeyVaultManagementClient(credential, subscriptionId, common),
          // Track-1 client (ms-rest-js): ignores endpoint/tlsOptions, takes baseUri + agentSettings (verified against the installed package).
          appInsights: new ApplicationInsightsManagementClient(credential, subscriptionId, {
            ...(target.mode === "simulator" ? { baseUri: target.endpoint, agentSettings: legacyAgent } : {}),
            // ms-rest-js retries 5xx after 30 s intervals; the executor's per-step retry (with Retry-After) is used
            // instead, so one slow component cannot stall a run for minutes.
            noRetryPolicy: true,
          } as ConstructorParameters<typeof ApplicationInsightsManagementClient>[2]),
          ml: new AzureMachineLearningWorkspaces(credential, subscriptionId, { ...common, apiVersion: ML_API_VERSION }),
          network: new NetworkManagementClient(credential, subscriptionId, common),
          authorization: new AuthorizationManagementClient(credential, subscriptionId, common),
          consumption: new ConsumptionManagementClient(credential, subscriptionId, common),
          policyInsights: new PolicyInsightsClient(credential, subscriptionId, common),
        };
        cache.set(subscriptionId, clients);
      }
      return clients;
    },
  };
}

/** Where Azure is, from the environment: the simulator (URL + CA file) or real Azure with the settings' tenant. */
export function azureTargetFromEnv(tenantId?: string): AzureTarget {
  const e = env();
  if (e.AZURE_MODE === "azure") return { mode: "azure", tenantId };
  if (!e.ARM_SIMULATOR_URL)
    throw new Error("AZURE_MODE=simulator needs ARM_SIMULATOR_URL (npm start sets it when it starts the simulator).");
  const caFile = e.ARM_SIMULATOR_CA_FILE || ".data/simulator/cert.pem";
  return { mode: "simulator", endpoint: e.ARM_SIMULATOR_URL, ca: fs.readFileSync(caFile, "utf8") };
}
