// `npm run simulator`: the ARM simulator as a standalone HTTPS server (for a separately started worker, Playwright or a
// manual look with the real SDK). Environment:
//   ARM_SIMULATOR_PORT (default 8443), ARM_SIMULATOR_TIME_SCALE (default 0.05), ARM_SIMULATOR_STATE_FILE
//   (default .data/simulator/state.json; "none" keeps state in memory only), ARM_SIMULATOR_CERT_DIR (default
//   .data/simulator), ARM_SIMULATOR_SEED, ARM_SIMULATOR_PRINCIPAL_DELAY_MS, AZURE_SUBSCRIPTION_ID (landing zone
//   subscription), ARM_SIMULATOR_SUBNET_IDS / ARM_SIMULATOR_DNS_ZONE_IDS (comma-separated landing-zone ids),
//   ARM_SIMULATOR_CONTROL_TOKEN (when set, control endpoints that change anything need it as a bearer token).
import { defaultLandingZone, startArmSimulator } from "../lib/azure/simulator/server";

function num(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number (got '${raw}')`);
  return value;
}

function list(name: string): string[] | undefined {
  const raw = process.env[name];
  return raw
    ? raw
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
}

async function main() {
  const stateEnv = process.env.ARM_SIMULATOR_STATE_FILE;
  const fallbackZone = defaultLandingZone(process.env.AZURE_SUBSCRIPTION_ID || undefined);
  const sim = await startArmSimulator({
    port: num("ARM_SIMULATOR_PORT", 8443),
    timeScale: num("ARM_SIMULATOR_TIME_SCALE", 0.05),
    stateFile: stateEnv === "none" ? null : stateEnv || ".data/simulator/state.json",
    certDir: process.env.ARM_SIMULATOR_CERT_DIR || ".data/simulator",
    seed: num("ARM_SIMULATOR_SEED", 1),
    principalReplicationDelayMs: num("ARM_SIMULATOR_PRINCIPAL_DELAY_MS", 0),
    controlToken: process.env.ARM_SIMULATOR_CONTROL_TOKEN || undefined,
    landingZone: {
      subnetIds: list("ARM_SIMULATOR_SUBNET_IDS") ?? fallbackZone.subnetIds,
      privateDnsZoneIds: list("ARM_SIMULATOR_DNS_ZONE_IDS") ?? fallbackZone.privateDnsZoneIds,
    },
  });
  console.log(`[arm-simulator] listening on ${sim.url} (time scale ${sim.timeScale}); certificate: ${sim.certPath}`);
  console.log(`[arm-simulator] control: ${sim.url}/_simulator/health, /_simulator/resources, /_simulator/requests`);
  const stop = async () => {
    await sim.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
