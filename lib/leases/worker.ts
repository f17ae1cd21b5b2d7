/**
 * The lease scheduler: a `lease-tick` cron job once a minute (pg-boss sends one per minute however many instances run
 * the clock), handled on a worker's pg-boss instance with that process's client factory. A tick sweeps the leases
 * (sweep.ts), marks finished decommissions soft-deleted and runs the purges that are due (lib/decommission). Every
 * part is safe with several workers (claims by conditional updates and SKIP LOCKED), so a tick handled twice does no
 * harm; the queue's singleton policy keeps a slow tick from being overtaken by the next one.
 */
import "server-only";
import { PgBoss } from "pg-boss";
import type { ClientFactory } from "@/lib/azure/clients";
import { restoreClusterScale } from "@/lib/azure/compute-power";
import { desiredPlan } from "@/lib/changes/sets";
import { db } from "@/lib/db/client";
import { startMinuteClock } from "@/lib/jobs/queue";
import { sweepLeases, type SweepOutcome } from "./sweep";

export const LEASE_TICK_QUEUE = "lease-tick";

export async function ensureLeaseQueues(boss: PgBoss) {
  if (!(await boss.getQueue(LEASE_TICK_QUEUE)))
    await boss.createQueue(LEASE_TICK_QUEUE, { policy: "singleton", expireInSeconds: 1800, retryLimit: 0 });
}

/** Gives an expired set's clusters their planned scale settings back (the lease was extended). */
export function resumeCompute(factory: ClientFactory, pollIntervalMs?: number) {
  return async (setId: string) => {
    const [plan, workspaces] = await Promise.all([
      desiredPlan(setId),
      db.workspace.findMany({
        where: { workspaceSetId: setId },
        select: { armId: true, environment: true, name: true },
      }),
    ]);
    const clusters = plan.steps.flatMap((s) => {
      if (s.kind !== "computeCluster") return [];
      const ws = workspaces.find((w) => w.name === s.target.parent);
      const scale = (s.body as { properties?: { properties?: { scaleSettings?: Record<string, unknown> } } }).properties
        ?.properties?.scaleSettings;
      if (!ws || !scale) return [];
      return [
        {
          workspaceArmId: ws.armId,
          cluster: s.name,
          minNodeCount: Number(scale.minNodeCount ?? 0),
          maxNodeCount: Number(scale.maxNodeCount ?? 1),
          nodeIdleTimeBeforeScaleDown:
            typeof scale.nodeIdleTimeBeforeScaleDown === "string" ? scale.nodeIdleTimeBeforeScaleDown : undefined,
        },
      ];
    });
    await restoreClusterScale(factory, clusters, { pollIntervalMs });
  };
}

/** One tick: leases, then decommissions finished, then purges due. Tests call it with their own clock. */
export async function leaseTick(options: {
  factory: ClientFactory;
  now?: Date;
  signal?: AbortSignal;
  pollIntervalMs?: number;
  log?: (message: string) => void;
}): Promise<SweepOutcome & { softDeleted: number; purged: string[] }> {
  const { reconcileRetirements, runDuePurges, startDecommission } = await import("@/lib/decommission/mutations");
  const sweep = await sweepLeases({
    ...options,
    resume: resumeCompute(options.factory, options.pollIntervalMs),
    decommission: async (setId, correlationId) => {
      const set = await db.workspaceSet.findUniqueOrThrow({ where: { id: setId }, select: { originRequestId: true } });
      const origin = await db.workspaceRequest.findUniqueOrThrow({
        where: { id: set.originRequestId },
        select: { requester: { select: { id: true, name: true } } },
      });
      // The change request needs a person as its requester: the set's origin requester, for whom the lease ran out
      // (the audit records the lease scheduler as the actor that started it).
      const requester = {
        id: origin.requester.id,
        name: origin.requester.name,
        roles: ["ADMIN" as const],
        teamIds: [],
      };
      return (await startDecommission(requester, setId, correlationId, { byLease: true })).requestId;
    },
  });
  const softDeleted = await reconcileRetirements(options.factory, options);
  const purged = await runDuePurges(options.factory, options);
  return { ...sweep, softDeleted, purged };
}

export interface LeaseWorker {
  stop(): Promise<void>;
}

export async function registerLeaseWorker(
  boss: PgBoss,
  options: { factory: ClientFactory; schedule?: boolean; log?: (message: string) => void },
): Promise<LeaseWorker> {
  const log = options.log ?? ((m: string) => console.log(`[leases] ${m}`));
  await ensureLeaseQueues(boss);
  await boss.work(LEASE_TICK_QUEUE, { pollingIntervalSeconds: 5 }, async ([job]) => {
    const out = await leaseTick({ factory: options.factory, signal: job.signal, log });
    const done =
      out.remindersSent + out.expired.length + out.decommissionsStarted.length + out.softDeleted + out.purged.length;
    if (done > 0 || out.failures.length > 0)
      log(
        `tick: ${out.remindersSent} reminded, ${out.expired.length} expired, ${out.decommissionsStarted.length} decommissioning, ${out.softDeleted} soft-deleted, ${out.purged.length} purged, ${out.failures.length} failed`,
      );
  });
  let clock: PgBoss | undefined;
  if (options.schedule !== false) clock = await startMinuteClock(LEASE_TICK_QUEUE, ensureLeaseQueues, log);
  log(`listening on ${LEASE_TICK_QUEUE}`);
  return {
    async stop() {
      await clock?.stop({ graceful: false, close: true });
    },
  };
}
