import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, PEOPLE, query, signInAs } from "./support/helpers";
import { personBox } from "./support/people-picker";

// The journey of issue 16: the pre-approval checks. An admin tightens the simulated vCPU quota of one region (on the
// Simulated Azure page), a requester submits a request that fits but leaves the region nearly full, the checks warn,
// and the approver acknowledges the warning and approves. Sweden Central is a region no other journey uses, and the
// limit is put back at the end, so the other journeys never meet this warning.
const REGION = "swedencentral";
const DSV2 = "Standard DSv2 Family Cluster Dedicated vCPUs";
const LIAM = { name: "Liam O'Brien" }; // a requester of Customer Insights whom no other journey signs in as

async function setQuota(page: Page, limit: number) {
  await page.goto("/admin/simulator");
  const form = page.getByRole("form", { name: "Set a quota limit" });
  await form.getByLabel("Usage").fill(DSV2);
  await form.getByLabel("Region (empty: every region)").fill(REGION);
  await form.getByLabel("Limit").fill(String(limit));
  await form.getByRole("button", { name: "Set limit" }).click();
  await expect(form.getByText(`${REGION}/${DSV2} is now ${limit}.`)).toBeVisible();
}

test("[CHECKS]: the approver sees a quota warning, acknowledges it and approves", async ({ page }) => {
  test.setTimeout(120_000);
  // The test environment's pipeline cluster (2 × DS3_v2) needs 8 of 9 DSv2 vCPUs: it fits, over 80 % — a warning.
  await signInAs(page, PEOPLE.admin);
  await setQuota(page, 9);
  await expect(page.getByRole("list", { name: "Limits set" })).toContainText(new RegExp(`${REGION}/${DSV2}: 9`, "i"));
  // axe on the policy and quota sections this journey uses (the estate's wide tables are another journey's concern).
  const axe = await new AxeBuilder({ page })
    .include('section[aria-labelledby="sim-policy-heading"]')
    .include('section[aria-labelledby="sim-quota-heading"]')
    .analyze();
  expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);

  try {
    await signInAs(page, LIAM);
    await page.goto("/requests/new");
    await page.getByRole("radio", { name: /^Team/ }).check();
    await page.getByRole("combobox", { name: "Team" }).selectOption({ label: "Customer Insights" });
    await page.getByLabel("Justification").fill("Segmentation experiments for the Nordic customer base.");
    await page.getByRole("button", { name: "Save and continue" }).click();
    await expect(page.getByRole("group", { name: "Environments" })).toBeVisible();
    // Test only: the other journeys that use this scope ask for dev.
    await page.getByRole("checkbox", { name: "Test", exact: true }).check();
    await page.getByRole("radio", { name: "Public endpoint" }).check();
    await page.getByRole("radio", { name: "Restricted (custom Data Scientist role)" }).check();
    await page.getByLabel("Region").selectOption(REGION);
    await page.getByRole("button", { name: "Save and continue" }).click();
    await expect(personBox(page, "Member 1")).toBeVisible(); // members: the requester alone
    await page.getByRole("button", { name: "Save and continue" }).click();
    await expect(page.getByLabel("Compute instance VM size")).toBeVisible();
    await page.getByLabel("Compute instance VM size").selectOption("Standard_DS3_v2");
    await page.getByLabel("Idle shutdown (minutes)").fill("60");
    await page.getByRole("button", { name: "Add pipeline" }).click();
    await page.getByLabel("Pipeline 1 name").fill("segments");
    await page.getByRole("button", { name: "Save and continue" }).click();
    await page.getByRole("button", { name: "Submit for approval" }).click();
    await expect(page.getByText("Submitted for approval")).toBeVisible();
    const number = /REQ-\d{5}/.exec((await page.getByRole("heading", { level: 1 }).textContent()) ?? "")?.[0];
    const id = /\/requests\/([0-9a-f-]{36})/.exec(page.url())?.[1];
    expect(number && id).toBeTruthy();

    // The requester sees the checks with the request: a warning, and what to do about it.
    const checks = page.getByRole("region", { name: "Checks before approval" });
    await expect(checks).toContainText("Warning");
    await expect(checks).toContainText(`vCPU quota: Standard DSv2 Family in ${REGION}`);
    await expect(checks).toContainText("What to do:");
    await expectAccessible(page);

    // The approver sees it too; approving without acknowledging it is refused by the browser and the server alike.
    await signInAs(page, PEOPLE.admin);
    await page.goto(`/approvals/${id}`);
    await expect(page.getByRole("heading", { name: `Review ${number}` })).toBeVisible();
    await expect(page.getByRole("region", { name: "Checks before approval" })).toContainText("Warning");
    const acknowledge = page.getByRole("checkbox", { name: /I have read the checks' warning/ });
    await expect(acknowledge).toBeVisible();
    await expectAccessible(page);
    await acknowledge.check();
    await page.getByRole("button", { name: "Approve", exact: true }).click();
    await expect(page.getByText("Approved. Provisioning is queued.")).toBeVisible();

    // The acknowledgement is recorded with the check run and in the audit trail.
    const [run] = await query<{ acknowledgements: { userId: string; stage: string }[] }>(
      "SELECT acknowledgements FROM feasibility_checks WHERE request_id = $1 AND trigger = 'submitted'",
      [id],
    );
    expect(run.acknowledgements).toEqual([expect.objectContaining({ userId: "usr-fatima", stage: "ADMIN" })]);
    const audited = await query<{ n: string }>(
      "SELECT count(*) AS n FROM audit_events WHERE request_id = $1 AND action = 'request.check_warnings_acknowledged'",
      [id],
    );
    expect(Number(audited[0].n)).toBe(1);
  } finally {
    await signInAs(page, PEOPLE.admin);
    await setQuota(page, 100);
  }
});
