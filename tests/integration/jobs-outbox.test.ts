// [OUTBOX]: a provisioning job exists if and only if the transaction that enqueued it commits.
import { afterAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db/client";
import { enqueueProvisioning, getProducer, PROVISION_QUEUE, stopProducer } from "@/lib/jobs/queue";

async function jobsFor(requestId: string) {
  const boss = await getProducer();
  const jobs = await boss.findJobs(PROVISION_QUEUE, { key: requestId });
  return jobs.length;
}

describe("[OUTBOX]: transactional enqueue", () => {
  afterAll(() => stopProducer());

  it("rolls the job back with the transaction, and keeps it when it commits", async () => {
    const rolledBack = randomUUID();
    await expect(
      db.$transaction(async (tx) => {
        await enqueueProvisioning(tx, { requestId: rolledBack, runId: randomUUID() });
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await jobsFor(rolledBack)).toBe(0);

    const committed = randomUUID();
    await db.$transaction((tx) => enqueueProvisioning(tx, { requestId: committed, runId: randomUUID() }));
    expect(await jobsFor(committed)).toBe(1);
  });

  it("refuses a second job for a request that already has one queued", async () => {
    const requestId = randomUUID();
    const first = await db.$transaction((tx) => enqueueProvisioning(tx, { requestId, runId: randomUUID() }));
    const second = await db.$transaction((tx) => enqueueProvisioning(tx, { requestId, runId: randomUUID() }));
    expect(first).toBeTruthy();
    expect(second).toBeNull();
    expect(await jobsFor(requestId)).toBe(1);
  });
});
