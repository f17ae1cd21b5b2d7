// Background services that run beside the web server in the embedded default: the ARM simulator (when
// Azure is simulated and no external simulator is configured) and an in-process provisioning worker.
import { env, reloadEnv } from "@/lib/env";

/**
 * The simulated estate for the embedded default: the landing zone the portal's settings point at, and every person
 * with an Entra object id in the simulator's directory (so role assignments and compute-instance owners resolve).
 */
async function startEmbeddedArmSimulator(port: number, timeScale: number) {
  const [{ startArmSimulator }, { db }] = await Promise.all([import("@/lib/azure/simulator/server"), import("@/lib/db/client")]);
  const [settings, people] = await Promise.all([
    db.portalSettings.findUnique({ where: { id: 1 } }),
    db.user.findMany({ where: { entraObjectId: { not: null } }, select: { entraObjectId: true, entraTenantId: true } }),
  ]);
  return startArmSimulator({
    port,
    timeScale,
    stateFile: ".data/simulator/state.json",
    certDir: ".data/simulator",
    tenantId: settings?.azureTenantId ?? undefined,
    landingZone: settings?.privateEndpointSubnetId
      ? { subnetIds: [settings.privateEndpointSubnetId], privateDnsZoneIds: settings.privateDnsZoneIds }
      : undefined,
    principals: people.map((p) => ({ objectId: p.entraObjectId!, tenantId: p.entraTenantId ?? undefined, type: "User" as const })),
  });
}

export type PlatformServices = { azureLabel: string; stop: () => Promise<void> };

export async function startPlatformServices(options: { log: (m: string) => void; childEnv: NodeJS.ProcessEnv }): Promise<PlatformServices> {
  const e = env();
  const stops: Array<() => Promise<void>> = [];
  let azureLabel = "Azure: real subscriptions";
  if (e.AZURE_MODE === "simulator") {
    azureLabel = "Azure: simulated";
    if (!e.ARM_SIMULATOR_URL) {
      const sim = await startEmbeddedArmSimulator(e.ARM_SIMULATOR_PORT, e.ARM_SIMULATOR_TIME_SCALE);
      stops.push(() => sim.close());
      process.env.ARM_SIMULATOR_URL = options.childEnv.ARM_SIMULATOR_URL = sim.url;
      process.env.ARM_SIMULATOR_CA_FILE = options.childEnv.ARM_SIMULATOR_CA_FILE = sim.certPath;
      reloadEnv();
      options.log(`ARM simulator on ${sim.url} (time scale ${sim.timeScale}, state in .data/simulator/state.json).`);
    }
  }
  return {
    azureLabel,
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
