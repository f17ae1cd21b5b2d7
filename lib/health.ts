import "server-only";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";

export type Health = {
  status: "ok" | "degraded";
  database: "ok" | "unreachable";
  azure: "simulated" | "azure";
  azureLabel: string;
};

export async function checkHealth(): Promise<Health> {
  let database: Health["database"] = "ok";
  try {
    await db.$queryRaw`SELECT 1`;
  } catch {
    database = "unreachable";
  }
  const azure = env().AZURE_MODE === "azure" ? "azure" : "simulated";
  return {
    status: database === "ok" ? "ok" : "degraded",
    database,
    azure,
    azureLabel: azure === "simulated" ? "Azure: simulated" : "Azure: real subscriptions",
  };
}

export function azureModeLabel() {
  return env().AZURE_MODE === "azure" ? "Azure" : "Azure: simulated";
}
