import { describe, expect, it } from "vitest";
import { eventOfKind, linkPath, NOTIFICATION_EVENTS } from "./events";
import { emailPayload, teamsPayload, type EventMessage } from "./messages";

const message: EventMessage = {
  eventId: "e1",
  kind: "request.submitted",
  title: "REQ-00042 waits for approval",
  body: "Amara asks for <dev> workspaces & more.",
  requestId: "r1",
  teamId: null,
  link: "https://atrium.contoso.com/approvals/r1",
  occurredAt: "2026-12-03T10:00:00.000Z",
};

describe("notification messages", () => {
  it("maps every kind to one event and links approvals to the review page", () => {
    const kinds = NOTIFICATION_EVENTS.flatMap((e) => e.kinds);
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(eventOfKind("run.failed")).toBe("run_failed");
    expect(linkPath("request.awaiting_stakeholder", "r1")).toBe("/approvals/r1");
    expect(linkPath("provisioning.failed", "r1")).toBe("/requests/r1");
  });

  it("escapes the HTML email and keeps the text version readable", () => {
    const email = emailPayload(message, "Fatima");
    expect(email.html).toContain("&lt;dev&gt; workspaces &amp; more");
    expect(email.text).toContain("Open in Atrium: https://atrium.contoso.com/approvals/r1");
  });

  it("wraps an Adaptive Card 1.4 as a Workflows message", () => {
    const card = teamsPayload(message);
    expect(card.type).toBe("message");
    expect(card.attachments[0].contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(card.attachments[0].content).toMatchObject({ type: "AdaptiveCard", version: "1.4" });
  });
});
