import "server-only";
import { fromPrisma, type PgBoss } from "pg-boss";
import type { Tx } from "@/lib/db/client";
import { getProducer } from "@/lib/jobs/queue";

export const DELIVERY_QUEUE = "notification-delivery";

export type DeliveryJob = { deliveryId: string };

// One job per outbox row. Retries with exponential backoff: 10 s, 20 s, 40 s … capped at 15 min, 8 retries
// (≈ 1 h in all) — long enough to ride out a receiver's restart or a short SMTP outage, short enough that a
// dead endpoint is marked FAILED the same hour (an admin can redeliver it later). No singleton policy: a
// redelivery is a new job for the same row, and the handler is idempotent (a delivered row is not sent again).
// notify: the INSERT emits NOTIFY inside the event's transaction, so a listening worker sends right after commit.
export const DELIVERY_QUEUE_OPTIONS = {
  retryLimit: 8,
  retryDelay: 10,
  retryBackoff: true,
  retryDelayMax: 900,
  expireInSeconds: 120,
  notify: true,
};

const ensured = new WeakSet<PgBoss>();

export async function ensureDeliveryQueue(boss: PgBoss) {
  if (ensured.has(boss)) return;
  if (!(await boss.getQueue(DELIVERY_QUEUE))) await boss.createQueue(DELIVERY_QUEUE, DELIVERY_QUEUE_OPTIONS);
  ensured.add(boss);
}

/** Enqueues deliveries inside the caller's transaction: the jobs exist if and only if the event commits. */
export async function enqueueDeliveries(tx: Tx, deliveryIds: readonly string[]) {
  if (deliveryIds.length === 0) return;
  const boss = await getProducer();
  await ensureDeliveryQueue(boss);
  const db = fromPrisma(tx);
  for (const deliveryId of deliveryIds) {
    const jobId = await boss.send(DELIVERY_QUEUE, { deliveryId } satisfies DeliveryJob, { db });
    await tx.notificationDelivery.update({ where: { id: deliveryId }, data: { jobId } });
  }
}
