// [CHANGES] One change at a time per workspace set: with the worker stopped, an approved change takes the set and a
// removal submitted after it waits in line (visible, with its place); once a worker runs, the first is applied, the
// second is rebased onto the new version and applied. A change drafted against an older version is refused, saying
// what changed since. Notifications: approvers hear of a submitted change, the requester of an applied one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ArmSimulator } from "@/lib/azure/simulator/server";
import { approveRequest } from "@/lib/approvals/mutations";
import { db } from "@/lib/db/client";
import { createChangeRequest, StaleVersionError } from "@/lib/changes/mutations";
import { loadWorkspaceSet } from "@/lib/changes/sets";
import { stopProducer } from "@/lib/jobs/queue";
import { formatRequestNumber } from "@/lib/plan/build-plan";
import { sizeClusterName } from "@/lib/plan/naming";
import { retryRun } from "@/lib/provisioning/mutations";
import { startProvisioningWorker, type ProvisioningWorker } from "@/lib/provisioning/worker";
import { clearProvisioningQueue, FAST_EXECUTOR, simulatorFactory, startTestSimulator } from "./provisioning-support";
import {
  approveChange,
  expectEstateMatchesDesired,
  person,
  provisionSet,
  setVersion,
  waitForChangeRun,
} from "./changes-support";

let sim: ArmSimulator;
let worker: ProvisioningWorker | null = null;
const startWorker = async () => {
  worker = await startProvisioningWorker({
    factory: simulatorFactory(sim),
    jobs: 2,
    executor: FAST_EXECUTOR,
    log: () => {},
  });
};

beforeAll(async () => {
  sim = await startTestSimulator();
  await clearProvisioningQueue();
  await startWorker();
});
afterAll(async () => {
  await worker?.stop({ graceful: false });
  await stopProducer();
  await sim?.close();
});

describe("[CHANGES] the line", () => {
  it(
    "runs one change at a time; the second waits visibly, then is rebased and applied",
    { timeout: 120_000 },
    async () => {
      const set = await provisionSet({ scope: "chline", environments: ["dev"], visibility: "public" });
      await worker!.stop({ graceful: true });
      worker = null;
      const amara = await person("amara.okafor@contoso.com");

      const first = await createChangeRequest(
        amara,
        {
          setId: set.setId,
          baseVersion: 1,
          desired: { addMembers: [{ email: "maya.patel@contoso.com", role: "dataScientist" }] },
        },
        "line-1",
      );
      expect(first.status).toBe("SUBMITTED");
      const admins = await db.notification.findMany({
        where: { requestId: first.requestId, kind: "change.submitted" },
      });
      expect(admins.map((n) => n.userId).sort()).toEqual(["usr-fatima", "usr-george", "usr-isabel"]);
      await approveChange(first.requestId);

      const second = await createChangeRequest(
        amara,
        { setId: set.setId, baseVersion: 1, desired: { removeMembers: ["diana.reyes@contoso.com"] } },
        "line-2",
      );
      expect([second.status, second.appliedAtOnce, second.queued]).toEqual(["APPROVED", true, false]);
      const view = (await loadWorkspaceSet(amara, set.setId))!;
      expect(view.activeChangeId).toBe(first.requestId);
      expect(view.status).toBe("CHANGING");
      expect(view.changes.map((c) => [c.id, c.queuePosition])).toEqual([
        [second.requestId, 1],
        [first.requestId, null],
      ]);
      expect(await db.provisioningRun.count({ where: { requestId: second.requestId } })).toBe(0);

      await startWorker();
      expect((await waitForChangeRun(first.requestId)).status).toBe("SUCCEEDED");
      expect((await waitForChangeRun(second.requestId)).status).toBe("SUCCEEDED");
      expect(await setVersion(set.setId)).toBe(3);
      const after = (await loadWorkspaceSet(amara, set.setId))!;
      expect([after.activeChangeId, after.status]).toEqual([null, "ACTIVE"]);
      expect(after.desired.members.map((m) => m.email).sort()).toEqual([
        "amara.okafor@contoso.com",
        "maya.patel@contoso.com",
      ]);
      const secondRow = await db.workspaceRequest.findUniqueOrThrow({ where: { id: second.requestId } });
      expect(secondRow.baseVersion).toBe(2);
      const rebased = await db.auditEvent.count({ where: { requestId: second.requestId, action: "change.rebased" } });
      expect(rebased).toBe(1);
      await expectEstateMatchesDesired(sim, set.setId);

      const applied = await db.notification.findMany({
        where: { kind: "change.applied", requestId: { in: [first.requestId, second.requestId] } },
      });
      expect(applied.map((n) => n.userId)).toEqual(["usr-amara", "usr-amara"]);

      // Drafted from version 1 while the set is at 3: refused, naming both changes; nothing stored.
      const count = await db.workspaceRequest.count();
      const stale = await createChangeRequest(
        amara,
        { setId: set.setId, baseVersion: 1, desired: { removeMembers: ["maya.patel@contoso.com"] } },
        "line-3",
      ).catch((e: unknown) => e);
      expect(stale).toBeInstanceOf(StaleVersionError);
      const message = (stale as StaleVersionError).fieldErrors!.baseVersion[0];
      expect(message).toContain("version 3, not 1");
      expect(message).toContain(`${formatRequestNumber(first.number)} (addMember)`);
      expect(message).toContain(`${formatRequestNumber(second.number)} (removeMember)`);
      expect(await db.workspaceRequest.count()).toBe(count);
    },
  );
  it(
    "a failed change tells its requester, releases the set, and its retry takes it again",
    { timeout: 120_000 },
    async () => {
      const set = await provisionSet({ scope: "chfail", environments: ["dev"], visibility: "public" });
      const amara = await person("amara.okafor@contoso.com");
      const compute = (await loadWorkspaceSet(amara, set.setId))!.desired.compute;
      // Azure refuses the new cluster for lack of quota (a decision, not a transient error).
      sim.setFaults({
        seed: 5,
        rules: [
          {
            kind: "lro-failed",
            method: "PUT",
            pathPattern: `/computes/${sizeClusterName("Standard_DS11_v2")}$`,
            count: 1,
            errorCode: "QuotaExceeded",
            errorMessage: "Not enough standardDSv2Family cores (injected).",
          },
        ],
      });
      const change = await createChangeRequest(
        amara,
        {
          setId: set.setId,
          baseVersion: 1,
          desired: {
            compute: { ...compute, devClusters: [...compute.devClusters, { vmSize: "Standard_DS11_v2", maxNodes: 2 }] },
          },
        },
        "fail-1",
      );
      await approveChange(change.requestId);
      expect((await waitForChangeRun(change.requestId)).status).toBe("FAILED");
      const failed = await db.notification.findMany({ where: { requestId: change.requestId, kind: "change.failed" } });
      expect(failed.map((n) => n.userId)).toEqual(["usr-amara"]);
      const released = (await loadWorkspaceSet(amara, set.setId))!;
      expect([released.activeChangeId, released.status, released.version]).toEqual([null, "ACTIVE", 1]);

      sim.setFaults({ rules: [] });
      const mlops = await person("diana.reyes@contoso.com");
      await retryRun(
        { ...mlops, email: "diana.reyes@contoso.com", entraObjectId: null, sessionId: "test" },
        change.requestId,
        "fail-retry",
      );
      expect((await loadWorkspaceSet(amara, set.setId))!.activeChangeId).toBe(change.requestId);
      expect((await waitForChangeRun(change.requestId)).status).toBe("SUCCEEDED");
      expect(await setVersion(set.setId)).toBe(2);
      await expectEstateMatchesDesired(sim, set.setId);
    },
  );
  it("keeps separation of duties for changes: not one's own, not one naming oneself", { timeout: 60_000 }, async () => {
    const set = await provisionSet({ scope: "chsod", environments: ["dev"], visibility: "public" });
    const george = await person("george.mensah@contoso.com"); // admin (and requester of another team)
    const isabel = await person("isabel.costa@contoso.com"); // admin and stakeholder
    const own = await createChangeRequest(
      george,
      {
        setId: set.setId,
        baseVersion: 1,
        desired: { addMembers: [{ email: "isabel.costa@contoso.com", role: "dataScientist" }] },
      },
      "sod-1",
    );
    const row = await db.workspaceRequest.findUniqueOrThrow({ where: { id: own.requestId } });
    const input = { requestId: own.requestId, version: row.version, planHash: row.planHash! };
    await expect(approveRequest(george, "ADMIN", input, "sod")).rejects.toThrow("You submitted this request");
    await expect(approveRequest(isabel, "ADMIN", input, "sod")).rejects.toThrow("names you as a member");
    // A requester may not change a set of another team (and learns nothing about it).
    await expect(
      createChangeRequest(
        await person("chen.wei@contoso.com"),
        { setId: set.setId, baseVersion: 1, desired: { removeMembers: ["diana.reyes@contoso.com"] } },
        "sod-2",
      ),
    ).rejects.toThrow("does not exist, or you may not change it");
    expect(await db.approval.count({ where: { requestId: own.requestId } })).toBe(0);
  });
});
