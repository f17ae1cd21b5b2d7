import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { StatusBadge } from "@/components/history/status-badge";
import { RequestStatusBadge } from "@/components/requests/status-badge";
import {
  ENVIRONMENT_LABELS as HISTORY_ENVIRONMENT_LABELS,
  STATUS_LABELS as HISTORY_STATUS_LABELS,
} from "@/lib/history/format";
import { ENVIRONMENT_LABELS, toDbEnvironment, toDbStatus } from "@/lib/requests/schemas";
import { ENVIRONMENTS, REQUEST_STATUS_DISPLAY, REQUEST_STATUSES, STATUS_LABELS } from "@/lib/vocabulary";

describe("[VOCABULARY]: one label and one colour per status", () => {
  it.each(REQUEST_STATUSES)("%s looks the same on /requests and /history", (status) => {
    const onRequests = renderToStaticMarkup(createElement(RequestStatusBadge, { status }));
    const onHistory = renderToStaticMarkup(createElement(StatusBadge, { status: toDbStatus(status) }));
    expect(onHistory).toBe(onRequests);
    expect(onRequests).toContain(`>${REQUEST_STATUS_DISPLAY[status].label}<`);
    expect(HISTORY_STATUS_LABELS[toDbStatus(status)]).toBe(STATUS_LABELS[status]);
  });

  it("keeps the labels the pages show", () => {
    expect(STATUS_LABELS.stakeholderApproved).toBe("Stakeholder approved");
    expect(ENVIRONMENT_LABELS).toEqual({ dev: "Development", test: "Test", prod: "Production" });
    expect(ENVIRONMENTS.map((e) => HISTORY_ENVIRONMENT_LABELS[toDbEnvironment(e)])).toEqual(["dev", "test", "prod"]);
    expect(HISTORY_STATUS_LABELS).toEqual({
      DRAFT: "Draft",
      SUBMITTED: "Submitted",
      APPROVED: "Approved",
      STAKEHOLDER_APPROVED: "Stakeholder approved",
      PROVISIONING: "Provisioning",
      PROVISIONED: "Provisioned",
      FAILED: "Failed",
      REJECTED: "Rejected",
      CANCELLED: "Cancelled",
    });
  });
});
