import "server-only";
/**
 * "What would exist in Azure": the simulated estate, read from the ARM simulator's read-only control endpoint
 * (GET /_simulator/resources) at the configured ARM_SIMULATOR_URL, trusting its self-signed certificate
 * (ARM_SIMULATOR_CA_FILE). Returns a DTO grouped by subscription and resource group; never throws for an
 * unreachable simulator (the page says so instead).
 */
import fs from "node:fs";
import https from "node:https";
import { env } from "@/lib/env";

export interface EstateResource {
  id: string;
  name: string;
  type: string;
  location: string | null;
  provisioningState: string | null;
  tags: Record<string, string>;
  createdAt: string;
  /** A few facts worth showing per type (e.g. compute state, public network access, assigned principal). */
  details: string[];
}

export interface EstateGroup {
  subscriptionId: string;
  resourceGroup: string;
  location: string | null;
  provisioningState: string | null;
  resources: EstateResource[];
}

export type SimulatedEstate =
  | {
      available: true;
      url: string;
      groups: EstateGroup[];
      roleDefinitions: EstateResource[];
      softDeletedWorkspaces: Array<{ id: string; name: string; deletedAt: string; purgeAt: string }>;
      counts: { resources: number; workspaces: number; computes: number; roleAssignments: number };
    }
  | { available: false; reason: string };

interface RawResource {
  id: string;
  name: string;
  type: string;
  subscriptionId: string;
  resourceGroup: string | null;
  location: string | null;
  provisioningState: string | null;
  tags: Record<string, string>;
  createdAt: string;
  resource: { properties?: Record<string, unknown> };
}

function get(url: URL, ca: string | undefined, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        if (res.statusCode !== 200) reject(new Error(`the simulator answered ${res.statusCode}`));
        else resolve(Buffer.concat(chunks).toString("utf8"));
      });
    });
    req.on("timeout", () => req.destroy(new Error("the simulator did not answer in time")));
    req.on("error", reject);
  });
}

function details(r: RawResource): string[] {
  const p = r.resource.properties ?? {};
  const inner = (p.properties ?? {}) as Record<string, unknown>;
  const out: string[] = [];
  const lower = r.type.toLowerCase();
  if (lower === "microsoft.machinelearningservices/workspaces") {
    if (p.publicNetworkAccess) out.push(`public network access ${String(p.publicNetworkAccess)}`);
    const mn = p.managedNetwork as { isolationMode?: string } | undefined;
    if (mn?.isolationMode) out.push(`managed network ${mn.isolationMode}`);
    if (typeof p.privateLinkCount === "number" && p.privateLinkCount > 0)
      out.push(`${p.privateLinkCount} private endpoint(s)`);
  } else if (lower === "microsoft.machinelearningservices/workspaces/computes") {
    if (p.computeType) out.push(String(p.computeType));
    if (inner.vmSize) out.push(String(inner.vmSize));
    if (inner.state) out.push(`state ${String(inner.state)}`);
    if (inner.idleTimeBeforeShutdown) out.push(`idle shutdown ${String(inner.idleTimeBeforeShutdown)}`);
    const scale = inner.scaleSettings as { minNodeCount?: number; maxNodeCount?: number } | undefined;
    if (scale) out.push(`${scale.minNodeCount ?? 0}–${scale.maxNodeCount} nodes`);
    const user = (inner.personalComputeInstanceSettings as { assignedUser?: { objectId?: string } } | undefined)
      ?.assignedUser;
    if (user?.objectId) out.push(`assigned to ${user.objectId}`);
  } else if (lower === "microsoft.authorization/roleassignments") {
    out.push(`principal ${String(p.principalId)} (${String(p.principalType)})`);
    out.push(`role ${String(p.roleDefinitionId).split("/").pop()}`);
    out.push(`scope ${String(p.scope)}`);
  } else if (lower === "microsoft.authorization/roledefinitions") {
    out.push(String(p.roleName));
  } else if (lower === "microsoft.consumption/budgets") {
    out.push(`${String(p.timeGrain)} budget $${String(p.amount)}`);
    const notes = Object.values(
      (p.notifications ?? {}) as Record<string, { threshold?: number; thresholdType?: string }>,
    );
    if (notes.length) out.push(notes.map((n) => `${n.thresholdType} ${n.threshold} %`).join(", "));
  } else if (lower === "microsoft.machinelearningservices/workspaces/connections") {
    out.push(`${String(p.category)} → ${String(p.target)}`);
  }
  return out;
}

export async function getSimulatedEstate(): Promise<SimulatedEstate> {
  const e = env();
  if (e.AZURE_MODE !== "simulator")
    return {
      available: false,
      reason: "Atrium is connected to real Azure subscriptions; there is no simulated estate.",
    };
  const base = e.ARM_SIMULATOR_URL ?? `https://127.0.0.1:${e.ARM_SIMULATOR_PORT}`;
  let ca: string | undefined;
  try {
    ca = fs.readFileSync(e.ARM_SIMULATOR_CA_FILE ?? ".data/simulator/cert.pem", "utf8");
  } catch {
    return { available: false, reason: "The ARM simulator's certificate was not found (ARM_SIMULATOR_CA_FILE)." };
  }
  let raw: {
    resources: RawResource[];
    softDeletedWorkspaces: Array<{ id: string; name: string; deletedAt: string; purgeAt: string }>;
  };
  try {
    raw = JSON.parse(await get(new URL("/_simulator/resources", base), ca, 3000));
  } catch (error) {
    return {
      available: false,
      reason: `The ARM simulator at ${base} is not reachable: ${error instanceof Error ? error.message : String(error)}.`,
    };
  }

  const toResource = (r: RawResource): EstateResource => ({
    id: r.id,
    name: r.name,
    type: r.type,
    location: r.location,
    provisioningState: r.provisioningState,
    tags: r.tags ?? {},
    createdAt: r.createdAt,
    details: details(r),
  });
  const groups = new Map<string, EstateGroup>();
  const roleDefinitions: EstateResource[] = [];
  for (const r of raw.resources) {
    if (r.type === "Microsoft.Resources/resourceGroups") {
      const key = r.id.toLowerCase();
      const existing = groups.get(key);
      groups.set(key, {
        subscriptionId: r.subscriptionId,
        resourceGroup: r.name,
        location: r.location,
        provisioningState: r.provisioningState,
        resources: existing?.resources ?? [],
      });
    }
  }
  let subscriptionScoped: EstateGroup | undefined;
  for (const r of raw.resources) {
    if (r.type === "Microsoft.Resources/resourceGroups") continue;
    if (r.type === "Microsoft.Authorization/roleDefinitions") {
      roleDefinitions.push(toResource(r));
      continue;
    }
    const key = r.resourceGroup
      ? `/subscriptions/${r.subscriptionId}/resourcegroups/${r.resourceGroup}`.toLowerCase()
      : null;
    const group = key ? groups.get(key) : undefined;
    if (group) {
      group.resources.push(toResource(r));
    } else {
      subscriptionScoped ??= {
        subscriptionId: r.subscriptionId,
        resourceGroup: "(subscription scope)",
        location: null,
        provisioningState: null,
        resources: [],
      };
      subscriptionScoped.resources.push(toResource(r));
    }
  }
  const sorted = [...groups.values(), ...(subscriptionScoped ? [subscriptionScoped] : [])].sort(
    (a, b) => a.subscriptionId.localeCompare(b.subscriptionId) || a.resourceGroup.localeCompare(b.resourceGroup),
  );
  for (const g of sorted) g.resources.sort((a, b) => a.id.localeCompare(b.id));
  const count = (type: string) => raw.resources.filter((r) => r.type === type).length;
  return {
    available: true,
    url: base,
    groups: sorted,
    roleDefinitions,
    softDeletedWorkspaces: raw.softDeletedWorkspaces ?? [],
    counts: {
      resources: raw.resources.length,
      workspaces: count("Microsoft.MachineLearningServices/workspaces"),
      computes: count("Microsoft.MachineLearningServices/workspaces/computes"),
      roleAssignments: count("Microsoft.Authorization/roleAssignments"),
    },
  };
}
