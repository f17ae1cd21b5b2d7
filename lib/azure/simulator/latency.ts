/**
 * Realistic durations per operation at time scale 1 ([min, max] ms; a value is drawn from the seeded PRNG).
 * Sources and reasoning:
 * - compute instance ≈ 5 min: Azure ML docs, how-to-create-compute-instance ("Time estimate: Approximately 5 minutes").
 * - workspace 60–90 s, AmlCompute cluster ≈ 1 min (min 0 nodes, so no VM allocation), private endpoint ≈ 1 min,
 *   role assignment ≈ 1 s: the issue brief's figures, consistent with typical portal/CLI timings.
 * - storage account 20–30 s (202 + Location, Retry-After 17 s in the RP's own responses), key vault 10–20 s
 *   (RegisteringDns phase), App Insights 2–5 s (synchronous): commonly observed deployment durations.
 * - resource-group delete ≈ 45–90 s plus its contents; deletes are usually faster than creates.
 * - reads ≈ 50–150 ms of ARM front-door latency.
 */
import type { LatencyOperation } from "./types";

export const DEFAULT_LATENCY_PROFILE: Record<LatencyOperation, [number, number]> = {
  read: [50, 150],
  resourceGroupWrite: [300, 800],
  resourceGroupDelete: [45_000, 90_000],
  storageAccountCreate: [20_000, 30_000],
  storageAccountDelete: [2_000, 5_000],
  keyVaultCreate: [10_000, 20_000],
  keyVaultDelete: [2_000, 5_000],
  appInsightsWrite: [2_000, 5_000],
  appInsightsDelete: [1_000, 3_000],
  workspaceCreate: [60_000, 90_000],
  workspaceUpdate: [10_000, 20_000],
  workspaceDelete: [30_000, 60_000],
  computeInstanceCreate: [270_000, 330_000],
  amlComputeCreate: [45_000, 75_000],
  computeUpdate: [10_000, 30_000],
  computeInstanceDelete: [90_000, 150_000],
  amlComputeDelete: [20_000, 40_000],
  connectionWrite: [500, 1_500],
  privateEndpointCreate: [50_000, 70_000],
  privateEndpointDelete: [30_000, 50_000],
  privateDnsZoneGroupWrite: [10_000, 20_000],
  privateDnsZoneGroupDelete: [10_000, 20_000],
  networkWrite: [5_000, 15_000],
  roleDefinitionWrite: [800, 1_500],
  roleAssignmentWrite: [800, 1_500],
  roleDelete: [500, 1_000],
};

export class LatencyModel {
  constructor(
    private readonly timeScale: number,
    private readonly random: () => number,
    private readonly profile: Record<LatencyOperation, [number, number]>,
  ) {}

  /** Scaled duration in ms for one execution of the operation. */
  duration(op: LatencyOperation): number {
    if (this.timeScale <= 0) return 0;
    const [min, max] = this.profile[op];
    return Math.round((min + (max - min) * this.random()) * this.timeScale);
  }
}
