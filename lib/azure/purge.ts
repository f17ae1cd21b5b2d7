/**
 * Purging a decommissioned environment for good, through the SDK:
 * 1. the soft-deleted workspace: DELETE with `forceToPurge=true` (2024-04-01; the 2.1.1 client has no such option, so
 *    a per-call policy adds the query parameter while `withForceToPurge` runs);
 * 2. the key vault: DELETE (soft delete keeps it as a deleted vault), then `purgeDeleted` — unless purge protection
 *    holds it, which Azure answers with 405 `MethodNotAllowed`: the vault then stays until its retention ends
 *    (reported, not an error);
 * 3. storage account and Application Insights, then the resource group (which removes anything left in it).
 * Every call treats 404/204 as done, so a purge interrupted half-way is simply run again.
 */
import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import type { ClientFactory } from "./clients";

const forceToPurge = new AsyncLocalStorage<boolean>();
const withPolicy = new WeakSet<object>();

function forceToPurgePolicy(): PipelinePolicy {
  return {
    name: "atrium-force-to-purge",
    sendRequest(request, next) {
      if (
        forceToPurge.getStore() &&
        request.method === "DELETE" &&
        /\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/?]+(\?|$)/i.test(request.url)
      ) {
        const url = new URL(request.url);
        url.searchParams.set("forceToPurge", "true");
        request.url = url.toString();
      }
      return next(request);
    },
  };
}

/**
 * Soft-deletes a decommissioned environment's workspace (plain DELETE: Azure keeps it 14 days, recoverable, its name
 * held). 204 / 404 when it is already gone.
 */
export async function softDeleteWorkspace(
  factory: ClientFactory,
  target: { subscriptionId: string; resourceGroup: string; workspace: string },
  options: { signal?: AbortSignal; pollIntervalMs?: number } = {},
): Promise<void> {
  const { ml } = factory.forSubscription(target.subscriptionId);
  await ignoreMissing(() =>
    ml.workspaces.beginDeleteAndWait(target.resourceGroup, target.workspace, {
      abortSignal: options.signal,
      updateIntervalInMs: options.pollIntervalMs ?? 2000,
    }),
  );
}

export interface PurgeEnvironment {
  subscriptionId: string;
  resourceGroup: string;
  region: string;
  workspace: string;
  keyVault: string | null;
  storageAccount: string | null;
  applicationInsights: string | null;
}

export interface PurgeOutcome {
  purged: string[];
  /** Vaults purge protection keeps until their retention ends. */
  heldByPurgeProtection: string[];
}

const gone = (err: unknown) => (err as { statusCode?: number }).statusCode === 404;

async function ignoreMissing(fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (err) {
    if (gone(err)) return false;
    throw err;
  }
}

export async function purgeEnvironment(
  factory: ClientFactory,
  target: PurgeEnvironment,
  options: { signal?: AbortSignal; pollIntervalMs?: number } = {},
): Promise<PurgeOutcome> {
  const clients = factory.forSubscription(target.subscriptionId);
  const lro = { abortSignal: options.signal, updateIntervalInMs: options.pollIntervalMs ?? 2000 };
  const out: PurgeOutcome = { purged: [], heldByPurgeProtection: [] };
  const sub = `/subscriptions/${target.subscriptionId}/resourceGroups/${target.resourceGroup}/providers`;
  if (!withPolicy.has(clients.ml)) {
    clients.ml.pipeline.addPolicy(forceToPurgePolicy());
    withPolicy.add(clients.ml);
  }
  await forceToPurge.run(true, () =>
    ignoreMissing(() => clients.ml.workspaces.beginDeleteAndWait(target.resourceGroup, target.workspace, lro)),
  );
  out.purged.push(`${sub}/Microsoft.MachineLearningServices/workspaces/${target.workspace}`);

  if (target.keyVault) {
    const vault = target.keyVault;
    await ignoreMissing(() =>
      clients.keyVault.vaults.delete(target.resourceGroup, vault, { abortSignal: options.signal }),
    );
    try {
      await clients.keyVault.vaults.purgeDeleted(vault, target.region, {
        abortSignal: options.signal,
        updateIntervalInMs: lro.updateIntervalInMs,
      });
      out.purged.push(`${sub}/Microsoft.KeyVault/vaults/${vault}`);
    } catch (err) {
      const e = err as { statusCode?: number; code?: string };
      if (e.statusCode === 405) out.heldByPurgeProtection.push(vault);
      else if (!gone(err)) throw err;
      else out.purged.push(`${sub}/Microsoft.KeyVault/vaults/${vault}`);
    }
  }
  if (target.storageAccount) {
    const storage = target.storageAccount;
    await ignoreMissing(() =>
      clients.storage.storageAccounts.delete(target.resourceGroup, storage, { abortSignal: options.signal }),
    );
    out.purged.push(`${sub}/Microsoft.Storage/storageAccounts/${storage}`);
  }
  if (target.applicationInsights) {
    const appi = target.applicationInsights;
    await ignoreMissing(() => clients.appInsights.components.deleteMethod(target.resourceGroup, appi));
    out.purged.push(`${sub}/microsoft.insights/components/${appi}`);
  }
  await ignoreMissing(() => clients.resources.resourceGroups.beginDeleteAndWait(target.resourceGroup, lro));
  out.purged.push(`/subscriptions/${target.subscriptionId}/resourceGroups/${target.resourceGroup}`);
  return out;
}
