// Background services that run beside the web server in the embedded default: the ARM simulator (when
// Azure is simulated and no external simulator is configured) and an in-process provisioning worker.
import { env, simulatorStateFile } from "@/lib/env";

export type PlatformServices = { azureLabel: string; stop: () => Promise<void> };

/** How often the simulator's directory is refreshed with people added to Atrium after start-up. */
const PRINCIPAL_REFRESH_MS = 30_000;

export async function startPlatformServices(options: {
  log: (m: string) => void;
  childEnv: NodeJS.ProcessEnv;
}): Promise<PlatformServices> {
  const e = env();
  const stops: Array<() => Promise<void>> = [];
  let azureLabel = "Azure: real subscriptions";
  let factory: import("@/lib/azure/clients").ClientFactory | undefined;

  if (e.AZURE_MODE === "simulator") {
    azureLabel = "Azure: simulated";
    if (!e.ARM_SIMULATOR_URL) {
      const { startArmSimulator } = await import("@/lib/azure/simulator/server");
      const { createClientFactory } = await import("@/lib/azure/clients");
      const { directoryPrincipals, landingZoneFromSettings } = await import("@/lib/provisioning/simulated-azure");
      const { db } = await import("@/lib/db/client");
      const settings = await db.portalSettings.findUnique({ where: { id: 1 }, select: { azureTenantId: true } });
      const sim = await startArmSimulator({
        port: e.ARM_SIMULATOR_PORT,
        timeScale: e.ARM_SIMULATOR_TIME_SCALE,
        stateFile: simulatorStateFile(e),
        certDir: ".data/simulator",
        tenantId: settings?.azureTenantId,
        landingZone: await landingZoneFromSettings(),
        principals: await directoryPrincipals(),
      });
      // People added later (admin page, Entra sign-in) become visible to role assignments too.
      const refresh = setInterval(() => {
        directoryPrincipals()
          .then((list) => sim.addPrincipals(list))
          .catch((err: unknown) => options.log(`simulator directory refresh failed: ${String(err)}`));
      }, PRINCIPAL_REFRESH_MS);
      refresh.unref();
      stops.push(async () => {
        clearInterval(refresh);
        await sim.close();
      });
      options.childEnv.ARM_SIMULATOR_URL = sim.url;
      options.childEnv.ARM_SIMULATOR_CA_FILE = sim.certPath;
      factory = createClientFactory({ target: { mode: "simulator", endpoint: sim.url, ca: sim.certPem } });
      azureLabel = `Azure: simulated (ARM simulator at ${sim.url}, time scale ${sim.timeScale})`;
      options.log(`ARM simulator listening on ${sim.url} (time scale ${sim.timeScale}).`);
    }
  }

  if (e.ATRIUM_WORKER_IN_PROCESS !== false) {
    const { startProvisioningWorker } = await import("@/lib/provisioning/worker");
    const worker = await startProvisioningWorker({ factory, log: (m) => options.log(`worker: ${m}`) });
    // Notification deliveries (email, Teams, webhooks) run on the same worker's queue instance.
    const { registerNotificationWorker } = await import("@/lib/notifications/worker");
    await registerNotificationWorker(worker.boss, { log: (m) => options.log(`notifications: ${m}`) });
    // Leases (reminders, expiry, decommission after the grace period) and purges: a once-a-minute tick.
    const { registerLeaseWorker } = await import("@/lib/leases/worker");
    const leases = await registerLeaseWorker(worker.boss, {
      factory: worker.factory,
      log: (m) => options.log(`leases: ${m}`),
    });
    stops.push(() => leases.stop());
    const { registerDriftWorker } = await import("@/lib/drift/worker");
    const drift = await registerDriftWorker(worker.boss, {
      factory: worker.factory,
      log: (m) => options.log(`drift: ${m}`),
    });
    stops.push(() => drift.stop());
    // Stop the worker before the simulator (stops run in reverse order).
    stops.push(() => worker.stop({ graceful: true, timeoutMs: 10_000 }));
  }

  return {
    azureLabel,
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
