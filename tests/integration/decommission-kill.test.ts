// [DECOMMISSION] SIGKILL of the worker process running a decommission (`npm run worker`'s script, real processes):
// a replacement worker resumes the run, it ends SUCCEEDED, nothing is deleted twice (every resource got at most one
// DELETE that ARM accepted; a re-sent DELETE of something gone answers 204/404), and nothing is left behind once the
// set is soft-deleted: only the dependent resources kept for recovery and the purge.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ArmSimulator } from "@/lib/azure/simulator/server";
import { documentOf } from "@/lib/changes/document";
import { ensureWorkspaceSet } from "@/lib/changes/sets";
import { db } from "@/lib/db/client";
import { startDecommission } from "@/lib/decommission/mutations";
import { stopProducer } from "@/lib/jobs/queue";
import { leaseTick } from "@/lib/leases/worker";
import { createApprovedRequestRow, enqueueRun } from "@/tests/support/provisioning-fixtures";
import { approveChange, person, waitForChangeRun } from "./changes-support";
import { until, WorkerProcesses } from "./provisioning-processes";
import { clearProvisioningQueue, simulatorFactory, startTestSimulator, waitForRuns } from "./provisioning-support";

let sim: ArmSimulator;
let workers: WorkerProcesses;

beforeAll(async () => {
  // Slow enough deletes to be killed in the middle of (compute and private endpoint deletes are long-running).
  sim = await startTestSimulator({ timeScale: 0.01 });
  await clearProvisioningQueue();
  workers = new WorkerProcesses(sim);
});

afterAll(async () => {
  for (const c of workers?.children ?? []) c.kill("SIGKILL");
  await stopProducer();
  await sim?.close();
});

describe("[DECOMMISSION] worker crash", () => {
  it(
    "converges after a SIGKILL during the decommission: nothing deleted twice, nothing left",
    { timeout: 180_000 },
    async () => {
      await Promise.all([workers.start(), workers.start()]);
      const created = await createApprovedRequestRow({ scope: "dkill", environments: ["dev"], visibility: "private" });
      const set = await ensureWorkspaceSet(created.requestId, db, documentOf(created.input));
      await enqueueRun(created);
      expect(Object.values(await waitForRuns([created.runId], 120_000))).toEqual(["SUCCEEDED"]);
      sim.resetLog();

      const started = await startDecommission(await person("george.mensah@contoso.com"), set.id, "test-kill", {
        reason: "Decommission under a worker crash.",
      });
      await approveChange(started.requestId);
      // Kill the worker while a delete is in flight.
      await until(
        "a delete in flight",
        () =>
          db.provisioningStep.findFirst({
            where: { requestId: started.requestId, status: "RUNNING", op: "delete" },
          }),
        60_000,
        workers,
      );
      const holder = workers.holderOf(started.requestId);
      expect(holder).not.toBeNull();
      workers.kill(holder!);
      await workers.start();

      const run = await waitForChangeRun(started.requestId, 150_000);
      const ended = await db.provisioningRun.findUniqueOrThrow({ where: { id: run.runId } });
      expect([ended.status, ended.errorMessage]).toEqual(["SUCCEEDED", null]);

      // Nothing deleted twice: at most one accepted DELETE per resource.
      const accepted = new Map<string, number>();
      for (const r of sim.requestLog())
        if (r.method === "DELETE" && (r.status === 200 || r.status === 202))
          accepted.set(r.path.toLowerCase(), (accepted.get(r.path.toLowerCase()) ?? 0) + 1);
      expect([...accepted.entries()].filter(([, n]) => n > 1)).toEqual([]);

      // The tick soft-deletes the workspace and marks the set; only the dependent resources are left.
      const tick = await leaseTick({ factory: simulatorFactory(sim), pollIntervalMs: 20, log: () => {} });
      expect(tick.softDeleted).toBe(1);
      const left = sim
        .resources()
        .map((r) => r.id.toLowerCase())
        .filter((id) => id.includes("dkill"));
      const kindOf = (id: string) => {
        const at = id.lastIndexOf("/providers/");
        if (at < 0) return "resourcegroup";
        const [ns, ...rest] = id.slice(at + "/providers/".length).split("/");
        return [ns, ...rest.filter((_, i) => i % 2 === 0)].join("/");
      };
      const kinds = new Set(left.map(kindOf));
      const KEPT = new Set([
        "resourcegroup",
        "microsoft.storage/storageaccounts",
        "microsoft.keyvault/vaults",
        "microsoft.insights/components",
        "microsoft.consumption/budgets",
      ]);
      expect([...kinds].filter((k) => !KEPT.has(k))).toEqual([]);
      expect(kinds.has("microsoft.keyvault/vaults")).toBe(true);
      expect((await db.workspaceSet.findUniqueOrThrow({ where: { id: set.id } })).status).toBe("SOFT_DELETED");
    },
  );
});
