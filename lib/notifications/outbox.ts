import "server-only";
import { randomUUID } from "node:crypto";
import type { NotificationChannel } from "@/generated/prisma/enums";
import type { Tx } from "@/lib/db/client";
import { portalUrl } from "@/lib/env";
import { DEFAULT_CHOICE, eventOfKind, linkPath } from "./events";
import { emailPayload, teamsPayload, webhookPayload, type EventMessage } from "./messages";
import { enqueueDeliveries } from "./queue";

export type OutboxInput = { kind: string; title: string; body: string; requestId?: string | null };

type DeliveryRow = {
  id: string;
  eventId: string;
  event: string;
  channel: NotificationChannel;
  userId: string | null;
  endpointId: string | null;
  recipient: string;
  requestId: string | null;
  payload: object;
};

// One domain event often notifies in several calls (the requester, then a role), all in one transaction. The
// event id and the endpoint and email deliveries already written are remembered per transaction object, so an
// endpoint gets one post per event and a person one email, however many calls the event makes.
const eventsByTx = new WeakMap<object, Map<string, { eventId: string; written: Set<string> }>>();

function eventScope(tx: Tx, input: OutboxInput) {
  let events = eventsByTx.get(tx);
  if (!events) eventsByTx.set(tx, (events = new Map()));
  const key = `${input.kind}|${input.requestId ?? ""}|${input.title}`;
  let scope = events.get(key);
  if (!scope) events.set(key, (scope = { eventId: randomUUID(), written: new Set() }));
  return scope;
}

/**
 * Writes the outbox rows of one notification inside the caller's transaction and enqueues their jobs there:
 * an email per recipient who wants this event by email, a post to each Teams channel of the request's team (or
 * portal-wide) that a recipient wants by Teams, and a post to each subscribed webhook. A rollback leaves none.
 */
export async function writeOutbox(tx: Tx, userIds: readonly string[], input: OutboxInput) {
  const scope = eventScope(tx, input);
  const request = input.requestId
    ? await tx.workspaceRequest.findUnique({ where: { id: input.requestId }, select: { teamId: true } })
    : null;
  const message: EventMessage = {
    eventId: scope.eventId,
    kind: input.kind,
    title: input.title,
    body: input.body,
    requestId: input.requestId ?? null,
    teamId: request?.teamId ?? null,
    link: new URL(linkPath(input.kind, input.requestId), portalUrl()).toString(),
    occurredAt: new Date().toISOString(),
  };
  const rows = [...(await emailRows(tx, userIds, message)), ...(await endpointRows(tx, userIds, message))].filter(
    (row) => {
      const key = `${row.channel}|${row.userId ?? row.endpointId}`;
      if (scope.written.has(key)) return false;
      scope.written.add(key);
      return true;
    },
  );
  if (rows.length === 0) return;
  await tx.notificationDelivery.createMany({ data: rows });
  await enqueueDeliveries(
    tx,
    rows.map((r) => r.id),
  );
}

async function choices(tx: Tx, userIds: readonly string[], kind: string) {
  const saved = await tx.notificationPreference.findMany({
    where: { userId: { in: [...userIds] }, event: eventOfKind(kind) },
    select: { userId: true, email: true, teams: true },
  });
  const byUser = new Map(saved.map((p) => [p.userId, p]));
  return (userId: string) => byUser.get(userId) ?? DEFAULT_CHOICE;
}

function base(message: EventMessage) {
  return { eventId: message.eventId, event: message.kind, requestId: message.requestId };
}

async function emailRows(tx: Tx, userIds: readonly string[], message: EventMessage): Promise<DeliveryRow[]> {
  if (userIds.length === 0) return [];
  const choiceOf = await choices(tx, userIds, message.kind);
  const people = await tx.user.findMany({
    where: { id: { in: [...userIds] }, disabled: false },
    select: { id: true, name: true, email: true },
  });
  return people
    .filter((p) => choiceOf(p.id).email)
    .map((p) => ({
      id: randomUUID(),
      ...base(message),
      channel: "EMAIL" as const,
      userId: p.id,
      endpointId: null,
      recipient: p.email,
      payload: emailPayload(message, p.name),
    }));
}

/**
 * Teams channels belong to a team (or are portal-wide, e.g. the platform admins' channel). A team's channel gets
 * the event when it concerns that team's request and a recipient in the team wants it by Teams; a portal-wide
 * channel when any recipient wants it by Teams. Webhooks are integrations, not people: every subscribed one
 * of the request's team or portal-wide gets the event.
 */
async function endpointRows(tx: Tx, userIds: readonly string[], message: EventMessage): Promise<DeliveryRow[]> {
  const endpoints = await tx.notificationEndpoint.findMany({
    where: {
      enabled: true,
      OR: [{ teamId: null }, ...(message.teamId ? [{ teamId: message.teamId }] : [])],
      AND: [{ OR: [{ events: { isEmpty: true } }, { events: { has: message.kind } }] }],
    },
    select: { id: true, kind: true, name: true, teamId: true },
  });
  if (endpoints.length === 0) return [];
  const choiceOf = await choices(tx, userIds, message.kind);
  const wantTeams = userIds.filter((id) => choiceOf(id).teams);
  const teamWants =
    message.teamId && wantTeams.length > 0
      ? (await tx.teamMembership.count({ where: { teamId: message.teamId, userId: { in: wantTeams } } })) > 0
      : false;
  return endpoints
    .filter((e) => e.kind === "WEBHOOK" || (e.teamId === null ? wantTeams.length > 0 : teamWants))
    .map((e) => ({
      id: randomUUID(),
      ...base(message),
      channel: e.kind,
      userId: null,
      endpointId: e.id,
      recipient: e.name,
      payload: e.kind === "TEAMS" ? teamsPayload(message) : webhookPayload(message),
    }));
}
