// What each channel receives for one notification (pure). The outbox stores these payloads when the event
// happens, so a retry or a redelivery sends exactly what the event said.
export type EventMessage = {
  eventId: string;
  kind: string;
  title: string;
  body: string;
  requestId: string | null;
  teamId: string | null;
  /** Absolute URL of the page to act on. */
  link: string;
  occurredAt: string;
};

export type EmailPayload = { subject: string; text: string; html: string };

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export function emailPayload(message: EventMessage, recipientName: string): EmailPayload {
  const text = `Hello ${recipientName},\n\n${message.body}\n\nOpen in Atrium: ${message.link}\n\n— Atrium. Choose which notifications reach you by email at the notification settings page.`;
  const html = [
    `<p>Hello ${escapeHtml(recipientName)},</p>`,
    `<p>${escapeHtml(message.body)}</p>`,
    `<p><a href="${escapeHtml(message.link)}">Open in Atrium</a></p>`,
    `<p style="color:#64748b;font-size:12px">Atrium. Choose which notifications reach you by email in your notification settings.</p>`,
  ].join("\n");
  return { subject: message.title, text, html };
}

/** The Standard Webhooks body: `type` names the event, `data` carries it. */
export function webhookPayload(message: EventMessage) {
  return {
    type: message.kind,
    timestamp: message.occurredAt,
    data: {
      eventId: message.eventId,
      title: message.title,
      body: message.body,
      requestId: message.requestId,
      teamId: message.teamId,
      link: message.link,
    },
  };
}

/**
 * A Teams Workflows "post to a channel when a webhook request is received" message: Workflows accept only
 * Adaptive Cards (the Office 365 connector MessageCard format is retired), wrapped as a message attachment.
 */
export function teamsPayload(message: EventMessage) {
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          body: [
            { type: "TextBlock", text: message.title, weight: "Bolder", size: "Medium", wrap: true },
            { type: "TextBlock", text: message.body, wrap: true },
            {
              type: "FactSet",
              facts: [
                { title: "Event", value: message.kind },
                { title: "When", value: message.occurredAt },
              ],
            },
          ],
          actions: [{ type: "Action.OpenUrl", title: "Open in Atrium", url: message.link }],
        },
      },
    ],
  };
}
