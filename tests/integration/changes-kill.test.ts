// [CHANGES] SIGKILL of real worker processes during change runs: (1) while a compute instance's DELETE (a long-running
// operation) is in flight — the replacement resumes polling it and sends no second DELETE; (2) between a role
// assignment's DELETE, which Azure answered, and its record — held back by a trigger, so the kill lands exactly there —
// the retry's DELETE answers 204 (already gone) and the step is done. Both runs converge on the desired plan.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ArmSimulator } from "@/lib/azure/simulator/server";
import { db } from "@/lib/db/client";
import { createChangeRequest } from "@/lib/changes/mutations";
import { stopProducer } from "@/lib/jobs/queue";
import { clearProvisioningQueue, startTestSimulator } from "./provisioning-support";
import { until, WorkerProcesses } from "./provisioning-processes";
import { expectEstateMatchesDesired, person, provisionSet, setVersion, waitForChangeRun } from "./changes-support";

let sim: ArmSimulator;
let workers: WorkerProcesses;

beforeAll(async () => {
  // A compute instance's delete takes ≈ 1–1.5 s at this scale: long enough to be killed in the middle of.
  sim = await startTestSimulator({ timeScale: 0.01, seed: 1403 });
  await clearProvisioningQueue();
  workers = new WorkerProcesses(sim);
  await Promise.all([workers.start(), workers.start()]);
});

afterAll(async () => {
  for (const c of workers?.children ?? []) c.kill("SIGKILL");
  await stopProducer();
  await sim?.close();
});

async function killHolder(requestId: string) {
  const holder = await until("a worker holding the change", async () => workers.holderOf(requestId), 30_000, workers);
  workers.kill(holder);
  await workers.start();
}

const deletesTo = (resourceId: string) => {
  const path = new URL(`https://arm${resourceId}`).pathname.toLowerCase();
  return sim.requestLog().filter((r) => r.method === "DELETE" && r.path.toLowerCase() === path);
};

describe("[CHANGES] worker crashes during change runs", () => {
  it(
    "converges after SIGKILL during a compute instance's DELETE and between a DELETE and its record",
    { timeout: 180_000 },
    async () => {
      const set = await provisionSet({
        scope: "chkill",
        environments: ["dev"],
        visibility: "public",
        members: [
          { email: "amara.okafor@contoso.com", role: "dataScientist" },
          { email: "ben.carter@contoso.com", role: "dataScientist" },
          { email: "maya.patel@contoso.com", role: "dataScientist" },
          { email: "diana.reyes@contoso.com", role: "mlops" },
        ],
      });
      const amara = await person("amara.okafor@contoso.com");

      // (1) Ben leaves: his compute instance's DELETE is in flight when its worker dies.
      const first = await createChangeRequest(
        amara,
        { setId: set.setId, baseVersion: 1, desired: { removeMembers: ["ben.carter@contoso.com"] } },
        "kill-1",
      );
      const inFlight = await until(
        "the compute instance's DELETE in flight",
        () =>
          db.provisioningStep.findFirst({
            where: {
              requestId: first.requestId,
              kind: "computeInstance",
              op: "delete",
              status: "RUNNING",
              lroState: { not: null },
            },
          }),
        60_000,
        workers,
      );
      await killHolder(first.requestId);
      expect((await waitForChangeRun(first.requestId, 90_000)).status).toBe("SUCCEEDED");
      const step = await db.provisioningStep.findUniqueOrThrow({
        where: { requestId_stepKey: { requestId: first.requestId, stepKey: inFlight.stepKey } },
      });
      expect([step.status, step.attempts]).toEqual(["SUCCEEDED", 2]);
      expect(deletesTo(inFlight.resourceId).filter((r) => r.status === 202)).toHaveLength(1);
      await expectEstateMatchesDesired(sim, set.setId);

      // (2) Maya leaves: a trigger holds the record of her role assignment's deletion, so the worker dies after Azure
      // answered the DELETE and before the step says so.
      const admin = new pg.Client({ connectionString: process.env.SUPERUSER_DATABASE_URL });
      await admin.connect();
      let second: Awaited<ReturnType<typeof createChangeRequest>> | null = null;
      try {
        await admin.query(`CREATE OR REPLACE FUNCTION test_hold_delete_record() RETURNS trigger AS $$
        BEGIN
          IF NEW.status = 'SUCCEEDED' AND OLD.status = 'RUNNING' AND NEW.op = 'delete' AND NEW.kind = 'roleAssignment' THEN
            PERFORM pg_sleep(60);
          END IF;
          RETURN NEW;
        END $$ LANGUAGE plpgsql`);
        await admin.query(
          "CREATE TRIGGER test_hold_delete_record BEFORE UPDATE ON provisioning_steps FOR EACH ROW EXECUTE FUNCTION test_hold_delete_record()",
        );
        second = await createChangeRequest(
          amara,
          { setId: set.setId, baseVersion: 2, desired: { removeMembers: ["maya.patel@contoso.com"] } },
          "kill-2",
        );
        await until(
          "a role assignment's deletion waiting to be recorded",
          async () => {
            await admin.query("SELECT pg_stat_clear_snapshot()");
            const { rows } = await admin.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND pid <> pg_backend_pid()`,
            );
            return rows[0].n > 0;
          },
          60_000,
          workers,
        );
        await killHolder(second.requestId);
        // The dead worker's session goes with it (its held-back statement never commits).
        await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND pid <> pg_backend_pid()",
        );
      } finally {
        await admin.query("DROP TRIGGER IF EXISTS test_hold_delete_record ON provisioning_steps");
        await admin.end();
      }
      expect((await waitForChangeRun(second.requestId, 90_000)).status).toBe("SUCCEEDED");
      const retried = await db.provisioningStep.findMany({
        where: { requestId: second.requestId, kind: "roleAssignment", op: "delete", attempts: { gt: 1 } },
      });
      expect(retried.length).toBeGreaterThan(0);
      for (const r of retried) {
        const deletes = deletesTo(r.resourceId);
        // Azure deleted it the first time; the retry found it gone (204) and the step is done.
        expect(deletes.map((d) => d.status)).toEqual([200, 204]);
        expect(r.status).toBe("SUCCEEDED");
      }
      expect(await setVersion(set.setId)).toBe(3);
      await expectEstateMatchesDesired(sim, set.setId);
    },
  );
});
