/**
 * The delivery worker: a pg-boss consumer of the outbox queue, registered on a worker's existing pg-boss instance
 * (the in-process worker of `npm start` and every `npm run worker` process), so it shares that instance's
 * supervisor and graceful stop.
 */
import "server-only";
import type { JobWithMetadata, PgBoss } from "pg-boss";
import { deliverOne, RetryableDeliveryError } from "./deliver";
import { DELIVERY_QUEUE, ensureDeliveryQueue, type DeliveryJob } from "./queue";

export type NotificationWorkerOptions = {
  log?: (message: string) => void;
  /** Deliveries this process sends at once. */
  concurrency?: number;
  pollingIntervalSeconds?: number;
};

export async function registerNotificationWorker(boss: PgBoss, options: NotificationWorkerOptions = {}) {
  const log = options.log ?? ((m: string) => console.log(`[notifications] ${m}`));
  await ensureDeliveryQueue(boss);
  const polling = options.pollingIntervalSeconds ?? 2;
  await boss.work(
    DELIVERY_QUEUE,
    {
      localConcurrency: options.concurrency ?? 4,
      pollingIntervalSeconds: polling,
      // Retries come back through startAfter, which sends no NOTIFY: keep the backstop poll short.
      notifyPollingIntervalSeconds: polling,
      includeMetadata: true,
    },
    async ([job]: JobWithMetadata<DeliveryJob>[]) => {
      try {
        const outcome = await deliverOne(job.data.deliveryId, job);
        if (outcome === "failed") log(`delivery ${job.data.deliveryId} failed for good after retry ${job.retryCount}`);
      } catch (error) {
        if (!(error instanceof RetryableDeliveryError)) log(`delivery ${job.data.deliveryId}: ${String(error)}`);
        throw error;
      }
    },
  );
  log(`listening on ${DELIVERY_QUEUE}`);
}
