/**
 * Test support: real Azure SDK clients pointed at an in-process simulator. Used only by the simulator's own tests;
 * the provisioning engine builds its clients through its own factory.
 */
import http from "node:http";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { ApplicationInsightsManagementClient } from "@azure/arm-appinsights";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { KeyVaultManagementClient } from "@azure/arm-keyvault";
import { AzureMachineLearningWorkspaces } from "@azure/arm-machinelearning";
import { NetworkManagementClient } from "@azure/arm-network";
import { ResourceManagementClient } from "@azure/arm-resources";
import { StorageManagementClient } from "@azure/arm-storage";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import type { PipelineRequest, SendRequest } from "@azure/core-rest-pipeline";
import type { ArmSimulator } from "./types";

export const TEST_CERT_DIR = path.join(os.tmpdir(), "atrium-arm-simulator-test-cert");

export const credential: TokenCredential = {
  getToken: async (): Promise<AccessToken> => ({ token: "simulated-token", expiresOnTimestamp: Date.now() + 3600_000 }),
};

export function clientOptions(sim: ArmSimulator) {
  return {
    endpoint: sim.url,
    tlsOptions: { ca: sim.certPem },
    retryOptions: { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
  };
}

/**
 * A per-call pipeline policy that edits the JSON body of PUT requests — how Atrium adds fields the 2.1.1 models drop
 * (managedNetwork, idleTimeBeforeShutdown) while pinning a newer api-version.
 */
export function bodyPolicy(mutate: (body: Record<string, unknown>, url: string) => void) {
  return {
    position: "perCall" as const,
    policy: {
      name: "atrium-test-body-injection",
      sendRequest(request: PipelineRequest, next: SendRequest) {
        if (request.method === "PUT" && typeof request.body === "string") {
          const body = JSON.parse(request.body) as Record<string, unknown>;
          mutate(body, request.url);
          request.body = JSON.stringify(body);
        }
        return next(request);
      },
    },
  };
}

export function sdkClients(sim: ArmSimulator, subscriptionId: string) {
  const options = clientOptions(sim);
  return {
    resources: new ResourceManagementClient(credential, subscriptionId, options),
    storage: new StorageManagementClient(credential, subscriptionId, options),
    keyVault: new KeyVaultManagementClient(credential, subscriptionId, options),
    appInsights: new ApplicationInsightsManagementClient(credential, subscriptionId, {
      baseUri: sim.url,
      agentSettings: { http: new http.Agent(), https: new https.Agent({ ca: sim.certPem, keepAlive: true }) },
    }),
    ml: new AzureMachineLearningWorkspaces(credential, subscriptionId, options),
    ml2024: new AzureMachineLearningWorkspaces(credential, subscriptionId, { ...options, apiVersion: "2024-04-01" }),
    network: new NetworkManagementClient(credential, subscriptionId, options),
    authorization: new AuthorizationManagementClient(credential, subscriptionId, options),
  };
}

/** Polling options that make long-running operations finish in milliseconds at time scale 0. */
export const FAST = { updateIntervalInMs: 10 } as const;
