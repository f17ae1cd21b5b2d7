import "server-only";
import { randomUUID } from "node:crypto";
import { recordAuditEvent } from "@/lib/audit/record-event";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { enqueueDeliveries } from "@/lib/notifications/queue";
import { displayUrl } from "./http";
import type { EndpointInput } from "./schemas";
import { sealSecret } from "./secret-box";
import { generateWebhookSecret } from "./signing";

type Actor = Pick<SessionUser, "id">;

/**
 * Creates a webhook or Teams endpoint. The URL and the signing secret are stored only encrypted; the secret is
 * returned this once for the admin to copy into the receiver, and neither appears in the audit trail.
 */
export async function createEndpoint(actor: Actor, input: EndpointInput, correlationId: string) {
  if (input.teamId && !(await db.team.findUnique({ where: { id: input.teamId }, select: { id: true } }))) {
    throw new AppError("INVALID", "Some fields need your attention.", { teamId: ["Unknown team."] });
  }
  const id = randomUUID();
  const secret = input.kind === "WEBHOOK" ? generateWebhookSecret() : null;
  const shown = displayUrl(input.url);
  await db.$transaction(async (tx) => {
    await tx.notificationEndpoint.create({
      data: {
        id,
        kind: input.kind,
        name: input.name,
        teamId: input.teamId,
        displayUrl: shown,
        secretCiphertext: sealSecret(JSON.stringify({ url: input.url, ...(secret ? { secret } : {}) }), id),
        events: input.events,
        createdById: actor.id,
      },
    });
    await recordAuditEvent(tx, {
      actor: { kind: "user", id: actor.id },
      action: "notification_endpoint.created",
      entityType: "notification_endpoint",
      entityId: id,
      after: { kind: input.kind, name: input.name, teamId: input.teamId, url: shown, events: input.events },
      correlationId,
    });
  });
  return { id, secret };
}

export async function setEndpointEnabled(actor: Actor, id: string, enabled: boolean, correlationId: string) {
  await db.$transaction(async (tx) => {
    const { count } = await tx.notificationEndpoint.updateMany({ where: { id }, data: { enabled } });
    if (count !== 1) throw new AppError("NOT_FOUND", "This endpoint does not exist.");
    await recordAuditEvent(tx, {
      actor: { kind: "user", id: actor.id },
      action: enabled ? "notification_endpoint.enabled" : "notification_endpoint.disabled",
      entityType: "notification_endpoint",
      entityId: id,
      after: { enabled },
      correlationId,
    });
  });
}

/** Deletes an endpoint with its delivery log (the audit trail keeps that it existed). */
export async function deleteEndpoint(actor: Actor, id: string, correlationId: string) {
  await db.$transaction(async (tx) => {
    const gone = await tx.notificationEndpoint.deleteMany({ where: { id } });
    if (gone.count !== 1) throw new AppError("NOT_FOUND", "This endpoint does not exist.");
    await recordAuditEvent(tx, {
      actor: { kind: "user", id: actor.id },
      action: "notification_endpoint.deleted",
      entityType: "notification_endpoint",
      entityId: id,
      correlationId,
    });
  });
}

/**
 * Sends a delivery again, with the same message id (receivers dedupe on it) and the stored payload. The row goes
 * back to PENDING and a new job is queued in the same transaction.
 */
export async function redeliver(actor: Actor, deliveryId: string, correlationId: string) {
  await db.$transaction(async (tx) => {
    const row = await tx.notificationDelivery.findUnique({
      where: { id: deliveryId },
      select: { id: true, status: true, attempts: true, channel: true },
    });
    if (!row) throw new AppError("NOT_FOUND", "This delivery does not exist.");
    await tx.notificationDelivery.update({ where: { id: row.id }, data: { status: "PENDING" } });
    await enqueueDeliveries(tx, [row.id]);
    await recordAuditEvent(tx, {
      actor: { kind: "user", id: actor.id },
      action: "notification_delivery.redelivered",
      entityType: "notification_delivery",
      entityId: row.id,
      before: { status: row.status, attempts: row.attempts },
      after: { status: "PENDING", channel: row.channel },
      correlationId,
    });
  });
}
