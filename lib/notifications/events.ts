// The events people can choose channels for (pure: shared by the preferences page and the outbox). Each
// notification kind written by the domain belongs to one event; in-app always gets every kind.
export const NOTIFICATION_EVENTS = [
  {
    id: "approval_needed",
    label: "An approval waits for you",
    kinds: ["request.submitted", "request.awaiting_stakeholder", "change.submitted"],
  },
  { id: "request_approved", label: "Your request was approved", kinds: ["request.approved", "request.admin_approved"] },
  { id: "request_rejected", label: "Your request was rejected", kinds: ["request.rejected"] },
  {
    id: "request_provisioned",
    label: "Workspaces are ready, or your change was applied",
    kinds: ["provisioning.succeeded", "change.applied"],
  },
  {
    id: "request_failed",
    label: "Provisioning of your request or change failed",
    kinds: ["provisioning.failed", "change.failed"],
  },
  { id: "run_failed", label: "A run of your team failed (MLOps)", kinds: ["run.failed"] },
  {
    id: "drift_detected",
    label: "Azure no longer matches a workspace set's approved state (drift)",
    kinds: ["drift.detected"],
  },
  {
    id: "lease",
    label: "Leases: reminders before expiry, expiry, extensions, decommissioning",
    kinds: [
      "lease.reminder",
      "lease.expired",
      "lease.extended",
      "workspace_set.decommissioned",
      "workspace_set.purge_requested",
    ],
  },
  {
    id: "request_changed",
    label: "Other changes: cancelled, stopped, approvals voided",
    kinds: ["request.cancelled", "provisioning.cancelled", "request.approval_voided"],
  },
] as const;

export type NotificationEventId = (typeof NOTIFICATION_EVENTS)[number]["id"];
export const NOTIFICATION_EVENT_IDS = NOTIFICATION_EVENTS.map((e) => e.id) as [
  NotificationEventId,
  ...NotificationEventId[],
];

/** Every kind the domain writes, for endpoint event filters. */
export const NOTIFICATION_KINDS: readonly string[] = NOTIFICATION_EVENTS.flatMap((e) => e.kinds);

/** The event a notification kind belongs to; unknown kinds fall under "other changes". */
export function eventOfKind(kind: string): NotificationEventId {
  return NOTIFICATION_EVENTS.find((e) => (e.kinds as readonly string[]).includes(kind))?.id ?? "request_changed";
}

export type ChannelChoice = { email: boolean; teams: boolean };

/** Without a saved choice, email and Teams are on: a newcomer sees notifications arrive. */
export const DEFAULT_CHOICE: ChannelChoice = { email: true, teams: true };

/** Where a notification links to: an approval waiting → the review page, everything else → the request. */
export function linkPath(kind: string, requestId: string | null | undefined): string {
  if (!requestId) return "/inbox";
  return eventOfKind(kind) === "approval_needed" ? `/approvals/${requestId}` : `/requests/${requestId}`;
}
