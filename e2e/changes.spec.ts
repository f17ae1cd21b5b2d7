import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, PEOPLE, query, signInAs } from "./support/helpers";
import { personBox, pickPerson } from "./support/people-picker";

// The journey of issue 14: a requester adds a colleague to a provisioned workspace set through the people picker,
// the admin approves, the colleague's compute instance and role assignment appear in (simulated) Azure; removing
// the colleague then takes effect without approval and the estate shows them gone. Scope: the churn project's dev
// workspace (the demo history's churn dev request failed, and the provisioning journey uses churn test and prod).
const CHEN = { name: "Chen Wei", email: "chen.wei@contoso.com" };
const MAYA = { name: "Maya Patel", email: "maya.patel@contoso.com", objectId: "5e1a0000-0000-4000-8000-00000000000d" };
const MAYA_INSTANCE = /ci-mayapat-/;

async function submitChurnDev(page: Page): Promise<{ id: string; number: string }> {
  await page.goto("/requests/new");
  await page.getByRole("radio", { name: /^Project/ }).check();
  await page.getByRole("combobox", { name: "Team" }).selectOption({ label: "Customer Insights" });
  await page.getByRole("combobox", { name: "Project" }).selectOption({ label: "Churn prediction" });
  await page.getByLabel("Justification").fill("Churn feature experiments for the retention team, development only.");
  await page.getByRole("button", { name: "Save and continue" }).click();

  await expect(page.getByRole("group", { name: "Environments" })).toBeVisible();
  await page.getByRole("checkbox", { name: "Development", exact: true }).check();
  await page.getByRole("radio", { name: "Public endpoint" }).check();
  await page.getByRole("radio", { name: "Restricted (custom Data Scientist role)" }).check();
  await page.getByLabel("Region").selectOption("westeurope");
  await page.getByRole("button", { name: "Save and continue" }).click();

  await expect(personBox(page, "Member 1")).toHaveValue(`${CHEN.name} <${CHEN.email}>`);
  await page.getByRole("button", { name: "Save and continue" }).click();

  await page.getByLabel("Compute instance VM size").selectOption("Standard_DS3_v2");
  await page.getByLabel("Idle shutdown (minutes)").fill("60");
  await page.getByRole("button", { name: "Save and continue" }).click();

  await page.getByRole("button", { name: "Submit for approval" }).click();
  await expect(page.getByText("Submitted for approval")).toBeVisible();
  const number = /REQ-\d{5}/.exec((await page.getByRole("heading", { level: 1 }).textContent()) ?? "")?.[0];
  const id = /\/requests\/([0-9a-f-]{36})/.exec(page.url())?.[1];
  expect(number).toBeTruthy();
  expect(id).toBeTruthy();
  return { id: id!, number: number! };
}

async function approveFromQueue(page: Page, number: string) {
  await page.goto("/approvals");
  await page.getByRole("link", { name: `Review and decide ${number}` }).click();
  await expect(page.getByRole("heading", { name: `Review ${number}` })).toBeVisible();
  await page.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(page.getByText(/Approved\./).first()).toBeVisible();
}

/** Reloads `url` until `check` passes (the engine works in the background; the page shows its state when read). */
async function eventually(page: Page, url: string, check: () => Promise<void>) {
  await expect(async () => {
    await page.goto(url);
    await check();
  }).toPass({ timeout: 90_000, intervals: [500, 1000, 2000] });
}

/** The simulated estate of the churn dev resource group: the rows of its table. */
function churnDevRows(page: Page) {
  return page.getByRole("table", { name: "Resources in rg-churn-dev-westeurope" }).getByRole("row");
}

test("[CHANGES]: add a colleague (approved), their compute and roles appear; remove them (at once), they are gone", async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signInAs(page, CHEN);
  const origin = await submitChurnDev(page);
  await signInAs(page, PEOPLE.admin);
  await approveFromQueue(page, origin.number);

  // The provisioned request links to its workspace set.
  await signInAs(page, CHEN);
  await eventually(page, `/requests/${origin.id}`, async () => {
    await expect(page.getByRole("link", { name: "Workspace set", exact: true })).toBeVisible({ timeout: 1000 });
  });
  await page.getByRole("link", { name: "Workspace set", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Workspace set churn" })).toBeVisible();
  await expect(page.getByText("version 1", { exact: true })).toBeVisible();
  const setUrl = new URL(page.url()).pathname;
  await expectAccessible(page);

  // Add Maya through the picker; the review shows the exact plan and the approval it needs.
  const form = page.getByRole("form", { name: "Change this workspace set" });
  await form.getByRole("button", { name: "Add a member" }).click();
  await pickPerson(page, "New member 1", MAYA.email, "maya");
  await form.getByLabel("Role of new member 1").selectOption({ label: "Data scientist" });
  await form.getByRole("button", { name: "Review the change" }).click();
  const plan = form.getByRole("table", { name: /^Change plan/ });
  await expect(plan).toBeVisible();
  await expect(plan.locator('tr[data-op="create"]').filter({ hasText: MAYA_INSTANCE })).toHaveCount(1);
  await expect(plan.locator('tr[data-op="create"]').filter({ hasText: "Role assignment" }).first()).toBeVisible();
  await expect(plan.locator('tr[data-op="delete"]')).toHaveCount(0);
  await expect(form.getByText("Approval: A platform admin approves")).toBeVisible();
  await expectAccessible(page);
  await form.getByRole("button", { name: "Submit the change for approval" }).click();
  await expect(form.getByText(/REQ-\d{5} is submitted; it is applied once approved\./)).toBeVisible();
  const change = /REQ-\d{5}/.exec((await form.getByText(/is submitted/).textContent()) ?? "")![0];
  await page.goto(setUrl);
  await expect(page.getByRole("list", { name: "Change queue" })).toContainText("Waiting for approval");

  await signInAs(page, PEOPLE.admin);
  await approveFromQueue(page, change);

  // Applied: version 2, Maya a member, her compute instance and role assignment in the simulated estate.
  await signInAs(page, CHEN);
  await eventually(page, setUrl, async () => {
    await expect(page.getByText("version 2", { exact: true })).toBeVisible({ timeout: 1000 });
  });
  await expect(page.getByRole("region", { name: /^Members/ })).toContainText(MAYA.email);
  await expectAccessible(page);
  await signInAs(page, PEOPLE.admin);
  await page.goto("/admin/simulator");
  await expect(churnDevRows(page).filter({ hasText: MAYA_INSTANCE })).toHaveCount(1);
  await expect(churnDevRows(page).filter({ hasText: `principal ${MAYA.objectId}` })).not.toHaveCount(0);

  // Remove Maya: no approval, applied at once; the estate shows her gone.
  await signInAs(page, CHEN);
  await page.goto(setUrl);
  await form.getByRole("button", { name: `Remove ${MAYA.name}` }).click();
  await expect(form.getByRole("list", { name: "Members to remove" })).toContainText(MAYA.name);
  await form.getByRole("button", { name: "Review the change" }).click();
  await expect(plan.locator('tr[data-op="delete"]').filter({ hasText: MAYA_INSTANCE })).toHaveCount(1);
  await expect(plan.locator('tr[data-op="create"]')).toHaveCount(0);
  await expect(form.getByText(/its disk/i).first()).toBeVisible(); // the disk-loss warning
  await expect(form.getByText(/Approval: No approval/)).toBeVisible();
  await form.getByRole("button", { name: "Apply the change now" }).click();
  await expect(form.getByText(/removals are applied at once/)).toBeVisible();
  await eventually(page, setUrl, async () => {
    await expect(page.getByText("version 3", { exact: true })).toBeVisible({ timeout: 1000 });
  });
  await expect(page.getByRole("region", { name: /^Members/ })).not.toContainText(MAYA.email);
  await expect(page.getByRole("table", { name: /^Every change/ })).toContainText(change);
  await expectAccessible(page);

  await signInAs(page, PEOPLE.admin);
  await page.goto("/admin/simulator");
  await expect(churnDevRows(page).filter({ hasText: MAYA_INSTANCE })).toHaveCount(0);
  await expect(churnDevRows(page).filter({ hasText: `principal ${MAYA.objectId}` })).toHaveCount(0);

  // Stakeholders find the changes in the history by kind, and their lead times per kind of change.
  await signInAs(page, PEOPLE.stakeholder);
  await page.goto("/history");
  await page.getByLabel("Kind").selectOption({ label: "Changes to a set" });
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/[?&]kind=change/);
  const history = page.getByRole("table", { name: "Workspace requests" });
  await expect(history).toContainText(change);
  await expect(history).not.toContainText(origin.number);
  await page.goto("/history/metrics");
  const byKind = page.getByRole("table", { name: /^Lead times per kind of change/ });
  await expect(byKind.getByRole("row", { name: /^Add a member/ })).toBeVisible();
  await expect(byKind.getByRole("row", { name: /^Remove a member/ })).toBeVisible();
  await expect(byKind.getByRole("row", { name: /^New workspace set/ })).toBeVisible();
  await expectAccessible(page);

  const [set] = await query<{ version: number; active_change_id: string | null }>(
    "SELECT version, active_change_id FROM workspace_sets WHERE origin_request_id = $1",
    [origin.id],
  );
  expect(set).toEqual({ version: 3, active_change_id: null });
});
