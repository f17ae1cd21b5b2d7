import "server-only";
import { db } from "@/lib/db/client";

/** Endpoints for the admin page: never the ciphertext (URL and secret stay server-side). */
export async function listEndpoints() {
  return db.notificationEndpoint.findMany({
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      kind: true,
      name: true,
      displayUrl: true,
      events: true,
      enabled: true,
      createdAt: true,
      team: { select: { name: true } },
    },
  });
}

/** The delivery log: the latest deliveries of a channel, newest first (notification_deliveries_channel_created_at_idx). */
export async function listDeliveries(channels: ("EMAIL" | "TEAMS" | "WEBHOOK")[], take = 50) {
  return db.notificationDelivery.findMany({
    where: { channel: { in: channels } },
    orderBy: { createdAt: "desc" },
    take,
    select: {
      id: true,
      event: true,
      channel: true,
      recipient: true,
      status: true,
      attempts: true,
      lastStatusCode: true,
      lastError: true,
      createdAt: true,
      lastAttemptAt: true,
      deliveredAt: true,
    },
  });
}

export type DeliveryRow = Awaited<ReturnType<typeof listDeliveries>>[number];

export async function listTeams() {
  return db.team.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } });
}
