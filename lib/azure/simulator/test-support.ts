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
import type { ArmSimulator } from "./types";

export const TEST_CERT_DIR = path.join(os.tmpdir(), "atrium-arm-simulator-test-cert");

export const credential: TokenCredential = {
  getToken: async (): Promise<AccessToken> => ({ token: "simulated-token", expiresOnTimestamp: Date.now() + 3600_000 }),
};

export function sdkClients(sim: ArmSimulator, subscriptionId: string) {
  const options = {
    endpoint: sim.url,
    tlsOptions: { ca: sim.certPem },
    retryOptions: { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
  };
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
