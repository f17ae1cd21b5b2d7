/**
 * Builders of compute, created by Atrium's identity (never by the data scientist): one personal
 * compute instance per data scientist in dev, one cluster per dev VM size, one cluster per production
 * pipeline in test and prod; every cluster scales to 0. Pure.
 */
import { computeInstanceName, pipelineClusterName, sizeClusterName } from "../naming";
import type { PlanStep } from "../types";
import type { ComputeSpec } from "@/lib/vocabulary";
import { CLUSTER_SCALE_DOWN, DEFAULT_PIPELINE_MAX_NODES, type EnvContext } from "./context";

/**
 * Production pipeline clusters run on the first development cluster's VM size and max nodes (the
 * size the team develops on), or on the compute-instance size with DEFAULT_PIPELINE_MAX_NODES.
 */
export function pipelineClusterSpec(compute: ComputeSpec): { vmSize: string; maxNodes: number } {
  const first = compute.devClusters[0];
  return first
    ? { vmSize: first.vmSize, maxNodes: first.maxNodes }
    : { vmSize: compute.instanceVmSize, maxNodes: DEFAULT_PIPELINE_MAX_NODES };
}

/** A private workspace's compute waits for the private endpoint, so it is never reachable before it. */
function computeDeps(c: EnvContext): string[] {
  return c.isPrivate ? [c.key("workspace"), c.key("privateEndpoint")] : [c.key("workspace")];
}

export function computeInstanceSteps(c: EnvContext): PlanStep[] {
  if (c.env !== "dev") return [];
  const { compute } = c.input;
  return c.members
    .filter((m) => m.role === "dataScientist")
    .map((m) => {
      const name = computeInstanceName(c.scope, c.env, c.sub, m.email, m.entraObjectId);
      return c.step({
        id: c.key(`ci/${name}`),
        kind: "computeInstance",
        name,
        resourceId: `${c.ids.ws}/computes/${name}`,
        dependsOn: computeDeps(c),
        target: c.inWs,
        body: {
          location: c.region,
          tags: c.tags,
          properties: {
            computeType: "ComputeInstance",
            description: `Personal compute instance of ${m.displayName} (${m.email})`,
            disableLocalAuth: true,
            properties: {
              vmSize: compute.instanceVmSize,
              idleTimeBeforeShutdown: `PT${compute.idleShutdownMinutes}M`,
              applicationSharingPolicy: "Personal",
              computeInstanceAuthorizationType: "personal",
              enableNodePublicIp: !c.isPrivate,
              sshSettings: { sshPublicAccess: "Disabled" },
              personalComputeInstanceSettings: {
                assignedUser: { objectId: m.entraObjectId, tenantId: c.settings.tenantId },
              },
            },
          },
        },
      });
    });
}

export function computeClusterSteps(c: EnvContext): PlanStep[] {
  const { compute } = c.input;
  const clusters =
    c.env === "dev"
      ? compute.devClusters.map((d) => ({
          name: sizeClusterName(d.vmSize),
          vmSize: d.vmSize,
          maxNodes: d.maxNodes,
          description: `Shared ${d.vmSize} development cluster`,
        }))
      : compute.pipelines.map((p) => ({
          name: pipelineClusterName(p),
          ...pipelineClusterSpec(compute),
          description: `Cluster of the production pipeline ${p}`,
        }));
  return clusters.map((cl) =>
    c.step({
      id: c.key(`cc/${cl.name}`),
      kind: "computeCluster",
      name: cl.name,
      resourceId: `${c.ids.ws}/computes/${cl.name}`,
      dependsOn: computeDeps(c),
      target: c.inWs,
      body: {
        location: c.region,
        tags: c.tags,
        properties: {
          computeType: "AmlCompute",
          description: cl.description,
          disableLocalAuth: true,
          properties: {
            vmSize: cl.vmSize,
            vmPriority: "Dedicated",
            osType: "Linux",
            scaleSettings: {
              minNodeCount: 0,
              maxNodeCount: cl.maxNodes,
              nodeIdleTimeBeforeScaleDown: CLUSTER_SCALE_DOWN,
            },
            remoteLoginPortPublicAccess: "Disabled",
            enableNodePublicIp: !c.isPrivate,
          },
        },
      },
    }),
  );
}
