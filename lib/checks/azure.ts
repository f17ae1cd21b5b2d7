import "server-only";
/**
 * The client factory the checks use in this process: the same factory shape as the engine's (simulator or real Azure,
 * the tenant from the portal settings), built once and cached so its ARM token buckets are shared by every check run
 * in the process. Null when Atrium has no Azure here (simulator mode and no simulator URL), where nothing can be
 * provisioned either. Tests and benchmarks point it at their own simulator with `setChecksClientFactory`.
 */
import { azureTargetFromEnv, createClientFactory, type ClientFactory } from "@/lib/azure/clients";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";

let configured: Promise<ClientFactory | null> | null = null;

export function setChecksClientFactory(factory: ClientFactory | null): void {
  configured = Promise.resolve(factory);
}

export function checksClientFactory(): Promise<ClientFactory | null> {
  configured ??= (async () => {
    const e = env();
    if (e.AZURE_MODE === "simulator" && !e.ARM_SIMULATOR_URL) return null;
    const settings = await db.portalSettings.findUnique({ where: { id: 1 }, select: { azureTenantId: true } });
    return createClientFactory({ target: azureTargetFromEnv(settings?.azureTenantId) });
  })().catch(() => null);
  return configured;
}
