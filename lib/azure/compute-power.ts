/**
 * Compute power for leases: when a dev/test lease ends, every compute instance of the set's workspaces is stopped
 * (`computeOperations.beginStop`) and every cluster scaled to min 0 / max 0 so no node can start; when an expired
 * lease is extended, the clusters get their planned scale settings back (compute instances stay stopped: their owners
 * start them, as after an idle shutdown). Computes are listed from Azure, not from the plan, so a compute added by
 * hand is stopped too. Every call is idempotent: a stopped instance is left alone, a cluster already at 0 is not written.
 */
import "server-only";
import type { ClientFactory } from "./clients";

export interface WorkspaceRef {
  /** The workspace's ARM id (`/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{ws}`). */
  armId: string;
}

export interface PowerOptions {
  signal?: AbortSignal;
  /** LRO poll interval when ARM sends no Retry-After. */
  pollIntervalMs?: number;
}

export interface StopOutcome {
  stoppedInstances: string[];
  scaledDownClusters: string[];
  /** Workspaces that no longer exist (nothing to stop there). */
  missingWorkspaces: string[];
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {});

export function parseWorkspaceId(armId: string): { subscriptionId: string; resourceGroup: string; name: string } {
  const m =
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)$/i.exec(
      armId,
    );
  if (!m) throw new Error(`Not an Azure ML workspace id: ${armId}`);
  return { subscriptionId: m[1], resourceGroup: m[2], name: m[3] };
}

const isNotFound = (err: unknown) => (err as { statusCode?: number }).statusCode === 404;
/** Instance states in which there is nothing to stop (or a stop is already under way). */
const NOT_RUNNING = new Set(["stopped", "stopping", "deleting", "createfailed", "unusable"]);

/** Stops every compute instance and scales every cluster of the workspaces to 0 nodes. */
export async function stopWorkspaceCompute(
  factory: ClientFactory,
  workspaces: readonly WorkspaceRef[],
  options: PowerOptions = {},
): Promise<StopOutcome> {
  const out: StopOutcome = { stoppedInstances: [], scaledDownClusters: [], missingWorkspaces: [] };
  const lro = { abortSignal: options.signal, updateIntervalInMs: options.pollIntervalMs ?? 2000 };
  for (const ws of workspaces) {
    const { subscriptionId, resourceGroup, name } = parseWorkspaceId(ws.armId);
    const { ml } = factory.forSubscription(subscriptionId);
    const computes: Json[] = [];
    try {
      for await (const c of ml.computeOperations.list(resourceGroup, name, { abortSignal: options.signal }))
        computes.push(c as unknown as Json);
    } catch (err) {
      if (isNotFound(err)) {
        out.missingWorkspaces.push(ws.armId);
        continue;
      }
      throw err;
    }
    for (const c of computes) {
      const computeName = String(c.name);
      const props = obj(c.properties);
      const type = String(props.computeType ?? "").toLowerCase();
      const inner = obj(props.properties);
      if (type === "computeinstance") {
        if (NOT_RUNNING.has(String(inner.state ?? "").toLowerCase())) continue;
        try {
          await ml.computeOperations.beginStopAndWait(resourceGroup, name, computeName, lro);
          out.stoppedInstances.push(computeName);
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      } else if (type === "amlcompute") {
        const scale = obj(inner.scaleSettings);
        if (scale.maxNodeCount === 0 && (scale.minNodeCount ?? 0) === 0) continue;
        try {
          await ml.computeOperations.beginUpdateAndWait(
            resourceGroup,
            name,
            computeName,
            { properties: { scaleSettings: { minNodeCount: 0, maxNodeCount: 0 } } },
            lro,
          );
          out.scaledDownClusters.push(computeName);
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
    }
  }
  return out;
}

export interface ClusterScale {
  /** The workspace's ARM id. */
  workspaceArmId: string;
  cluster: string;
  minNodeCount: number;
  maxNodeCount: number;
  nodeIdleTimeBeforeScaleDown?: string;
}

/** Gives clusters their planned scale settings back (after an expired lease is extended). Missing clusters are skipped. */
export async function restoreClusterScale(
  factory: ClientFactory,
  clusters: readonly ClusterScale[],
  options: PowerOptions = {},
): Promise<string[]> {
  const restored: string[] = [];
  const lro = { abortSignal: options.signal, updateIntervalInMs: options.pollIntervalMs ?? 2000 };
  for (const c of clusters) {
    const { subscriptionId, resourceGroup, name } = parseWorkspaceId(c.workspaceArmId);
    const { ml } = factory.forSubscription(subscriptionId);
    try {
      await ml.computeOperations.beginUpdateAndWait(
        resourceGroup,
        name,
        c.cluster,
        {
          properties: {
            scaleSettings: {
              minNodeCount: c.minNodeCount,
              maxNodeCount: c.maxNodeCount,
              ...(c.nodeIdleTimeBeforeScaleDown ? { nodeIdleTimeBeforeScaleDown: c.nodeIdleTimeBeforeScaleDown } : {}),
            },
          },
        },
        lro,
      );
      restored.push(c.cluster);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  return restored;
}
