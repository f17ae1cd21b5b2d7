/**
 * Azure ML quota surfaces at subscription scope (2024-04-01 examples Usage/list.json and VirtualMachineSize/list.json):
 * `locations/{loc}/vmSizes` lists the sizes with family, vCPUs, GPUs and memory; `locations/{loc}/usages` reports, per
 * region, the computes counted against their limit, the dedicated and low-priority vCPUs in total and per VM family,
 * computed from the simulated estate. Usage is what is allocated now: a running compute instance is one node, a
 * cluster its current nodes (its minimum, as nothing runs jobs here); a stopped instance holds no cores.
 * Default limits are within the day-2 anchors' ranges (regional dedicated 300, per family 100, GPU families 0, low
 * priority 100, 500 computes); `quotaLimits` (option or PUT /_simulator/quotas) overrides them by usage name, for all
 * regions ("Standard NCSv3 Family Cluster Dedicated vCPUs") or one ("westeurope/Total Cluster Dedicated Regional
 * vCPUs"); "*" sets every limit that has no entry of its own (a subscription with ample quota, for benchmarks).
 */
import { asObject } from "../json";
import type { ProviderHost, SimRequest, SimResponse } from "../provider";
import { T } from "../provider";
import { resourceLocation } from "../regions";
import type { Json } from "../store";

interface VmSize {
  name: string;
  /** The family as vmSizes names it, e.g. standardDSv2Family. */
  family: string;
  /** The family as usages name it, e.g. "Standard DSv2". */
  usageFamily: string;
  vCPUs: number;
  gpus: number;
  memoryGB: number;
  /** Linux pay-as-you-go [standard, low priority] USD/hour, where Azure's example gives them. */
  linuxPrices?: [number, number];
}

const size = (
  name: string,
  family: string,
  usageFamily: string,
  vCPUs: number,
  gpus: number,
  memoryGB: number,
  linuxPrices?: [number, number],
): VmSize => ({ name, family, usageFamily, vCPUs, gpus, memoryGB, linuxPrices });

/** DSv2 sizes and prices from VirtualMachineSize/list.json; the other sizes from Azure's VM size documentation. */
export const VM_SIZES: VmSize[] = [
  size("Standard_DS1_v2", "standardDSv2Family", "Standard DSv2", 1, 0, 3.5, [0.07, 0.01]),
  size("Standard_DS2_v2", "standardDSv2Family", "Standard DSv2", 2, 0, 7, [0.15, 0.03]),
  size("Standard_DS3_v2", "standardDSv2Family", "Standard DSv2", 4, 0, 14, [0.29, 0.06]),
  size("Standard_DS4_v2", "standardDSv2Family", "Standard DSv2", 8, 0, 28, [0.58, 0.12]),
  size("Standard_DS5_v2", "standardDSv2Family", "Standard DSv2", 16, 0, 56, [1.17, 0.23]),
  size("Standard_DS11_v2", "standardDSv2Family", "Standard DSv2", 2, 0, 14, [0.18, 0.04]),
  size("Standard_DS12_v2", "standardDSv2Family", "Standard DSv2", 4, 0, 28, [0.37, 0.07]),
  size("Standard_DS13_v2", "standardDSv2Family", "Standard DSv2", 8, 0, 56, [0.74, 0.15]),
  size("Standard_DS14_v2", "standardDSv2Family", "Standard DSv2", 16, 0, 112, [1.48, 0.3]),
  size("Standard_D13_v2", "standardDv2Family", "Standard Dv2", 8, 0, 56),
  size("Standard_D4s_v3", "standardDSv3Family", "Standard DSv3", 4, 0, 16),
  size("Standard_D8s_v3", "standardDSv3Family", "Standard DSv3", 8, 0, 32),
  size("Standard_E4ds_v4", "standardEDSv4Family", "Standard EDSv4", 4, 0, 32),
  size("Standard_F4s_v2", "standardFSv2Family", "Standard FSv2", 4, 0, 8),
  size("Standard_NC6s_v3", "standardNCSv3Family", "Standard NCSv3", 6, 1, 112),
  size("Standard_NC12s_v3", "standardNCSv3Family", "Standard NCSv3", 12, 2, 224),
  size("Standard_NC24s_v3", "standardNCSv3Family", "Standard NCSv3", 24, 4, 448),
  size("Standard_NC24ads_A100_v4", "standardNCADSA100v4Family", "Standard NCADSA100v4", 24, 1, 220),
];

const BY_NAME = new Map(VM_SIZES.map((s) => [s.name.toLowerCase(), s]));
const FAMILIES = [...new Map(VM_SIZES.map((s) => [s.usageFamily, s.gpus > 0])).entries()];

const COMPUTES = "Clusters";
const DEDICATED = "Total Cluster Dedicated Regional vCPUs";
const LOW_PRIORITY = "Total Cluster LowPriority Regional vCPUs";
const familyName = (family: string, tier: "Dedicated" | "LowPriority") => `${family} Family Cluster ${tier} vCPUs`;

function defaultLimit(name: string, gpu: boolean): number {
  if (name === COMPUTES) return 500;
  if (name === DEDICATED) return 300;
  if (name === LOW_PRIORITY) return 100;
  if (name.endsWith("LowPriority vCPUs")) return -1;
  return gpu ? 0 : 100;
}

export class MlQuota {
  private limits: Record<string, number> = {};

  constructor(
    private readonly h: ProviderHost,
    limits: Record<string, number> = {},
  ) {
    this.setLimits(limits);
  }

  /** Merges limits keyed by usage name or "<location>/<usage name>". */
  setLimits(limits: Record<string, number>): void {
    for (const [k, v] of Object.entries(limits ?? {})) {
      if (!Number.isInteger(v) || v < -1) throw new Error(`quota limit ${k} must be an integer >= -1`);
      this.limits[k.toLowerCase()] = v;
    }
  }

  getLimits(): Record<string, number> {
    return { ...this.limits };
  }

  private limit(location: string, name: string, gpu = false): number {
    return (
      this.limits[`${location}/${name}`.toLowerCase()] ??
      this.limits[name.toLowerCase()] ??
      this.limits["*"] ??
      defaultLimit(name, gpu)
    );
  }

  /** `locations/{loc}/vmSizes` and `locations/{loc}/usages`; null for other paths. */
  route(req: SimRequest, sub: string, rest: string[]): (() => SimResponse) | null {
    const low = rest.map((r) => r.toLowerCase());
    if (rest.length !== 3 || low[0] !== "locations" || (low[2] !== "vmsizes" && low[2] !== "usages")) return null;
    return () => {
      if (req.method !== "GET") throw this.h.methodNotAllowed(req);
      const location = resourceLocation(rest[1], T.ws);
      return { status: 200, body: { value: low[2] === "vmsizes" ? this.vmSizes() : this.usages(sub, location) } };
    };
  }

  private vmSizes(): Json[] {
    return VM_SIZES.map((s) => ({
      name: s.name,
      family: s.family,
      vCPUs: s.vCPUs,
      gpus: s.gpus,
      memoryGB: s.memoryGB,
      lowPriorityCapable: true,
      premiumIO: true,
      ...(s.linuxPrices
        ? {
            estimatedVMPrices: {
              billingCurrency: "USD",
              unitOfMeasure: "OneHour",
              values: [
                { retailPrice: s.linuxPrices[0], osType: "Linux", vmTier: "Standard" },
                { retailPrice: s.linuxPrices[1], osType: "Linux", vmTier: "LowPriority" },
              ],
            },
          }
        : {}),
      supportedComputeTypes: ["AmlCompute", "ComputeInstance"],
    }));
  }

  /** vCPUs allocated now per usage name, and the number of computes, in one region of one subscription. */
  private current(sub: string, location: string): { computes: number; cores: Map<string, number> } {
    const cores = new Map<string, number>();
    const add = (name: string, n: number) => cores.set(name, (cores.get(name) ?? 0) + n);
    let computes = 0;
    for (const r of this.h.store.resources.values()) {
      if (r.type !== T.compute || r.subscriptionId.toLowerCase() !== sub.toLowerCase()) continue;
      if ((r.location ?? "").toLowerCase() !== location) continue;
      computes += 1;
      const props = asObject(this.h.render(r).properties);
      const inner = asObject(props.properties);
      const vm = BY_NAME.get(String(inner.vmSize ?? "").toLowerCase());
      if (!vm) continue;
      const isInstance = String(props.computeType).toLowerCase() === "computeinstance";
      const nodes = isInstance
        ? ["Running", "Starting", "Creating", "Restarting"].includes(String(inner.state))
          ? 1
          : 0
        : Number(inner.currentNodeCount ?? 0);
      const tier = String(inner.vmPriority) === "LowPriority" ? "LowPriority" : "Dedicated";
      add(tier === "Dedicated" ? DEDICATED : LOW_PRIORITY, nodes * vm.vCPUs);
      add(familyName(vm.usageFamily, tier), nodes * vm.vCPUs);
    }
    return { computes, cores };
  }

  private usages(sub: string, location: string): Json[] {
    const { computes, cores } = this.current(sub, location);
    const row = (type: string, name: string, currentValue: number, gpu = false, idSuffix = "") => ({
      id: `/subscriptions/${sub}/usages${idSuffix}`,
      type: `Microsoft.MachineLearningServices/${type}/usages`,
      currentValue,
      limit: this.limit(location, name, gpu),
      name: { value: name, localizedValue: name },
      unit: "Count",
    });
    const out: Json[] = [
      row("totalCores", COMPUTES, computes),
      row("dedicatedCores", DEDICATED, cores.get(DEDICATED) ?? 0),
    ];
    for (const tier of ["Dedicated", "LowPriority"] as const) {
      if (tier === "LowPriority") out.push(row("lowPriorityCores", LOW_PRIORITY, cores.get(LOW_PRIORITY) ?? 0));
      for (const [family, gpu] of FAMILIES) {
        const name = familyName(family, tier);
        out.push(row("vmFamily", name, cores.get(name) ?? 0, gpu, `/${name.replace(/ /g, "_")}`));
      }
    }
    return out;
  }
}
