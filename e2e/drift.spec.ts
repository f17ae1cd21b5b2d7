import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, PEOPLE, query, signInAs } from "./support/helpers";

// The journey of issue 17: an admin turns a private workspace's public network access on out of band in "Simulated
// Azure" (as a person would in the Azure portal); a drift scan reports it on the workspace set's page and in the
// owners' inbox; the owner restores the approved state with a change request, the admin approves it, and the next
// scan finds no drift. Scope: the fraud team's production workspace (the demo history provisioned its dev and test;
// no other journey uses it), so approvals and the restore need an admin and a stakeholder. The set's
// drift is read on its drift page (/workspace-sets/{id}/drift, the section the set page includes too).

async function submitFraudProd(page: Page): Promise<{ id: string; number: string }> {
  await page.goto("/requests/new");
  await page.getByRole("radio", { name: /^Team/ }).check();
  await page.getByRole("combobox", { name: "Team" }).selectOption({ label: "Fraud Analytics" });
  await page.getByLabel("Justification").fill("Production scoring of card fraud models for the fraud team.");
  await page.getByRole("button", { name: "Save and continue" }).click();

  await expect(page.getByRole("group", { name: "Environments" })).toBeVisible();
  await page.getByRole("checkbox", { name: "Production", exact: true }).check();
  await page.getByRole("radio", { name: "Private (Private Link)" }).check();
  await page.getByRole("radio", { name: "Restricted (custom Data Scientist role)" }).check();
  await page.getByLabel("Region").selectOption("westeurope");
  await page.getByRole("button", { name: "Save and continue" }).click();
  // The members step (the requester is member 1): wait for it, so the next click is not the previous step's button.
  await expect(page.getByRole("button", { name: "Add member" })).toBeVisible();
  await page.getByRole("button", { name: "Save and continue" }).click();

  await page.getByLabel("Compute instance VM size").selectOption("Standard_DS3_v2");
  await page.getByLabel("Idle shutdown (minutes)").fill("60");
  await page.getByRole("button", { name: "Add pipeline" }).click();
  await page.getByLabel("Pipeline 1 name").fill("scoring");
  await page.getByRole("button", { name: "Save and continue" }).click();

  await page.getByRole("button", { name: "Submit for approval" }).click();
  await expect(page.getByText("Submitted for approval")).toBeVisible();
  const number = /REQ-\d{5}/.exec((await page.getByRole("heading", { level: 1 }).textContent()) ?? "")?.[0];
  const id = /\/requests\/([0-9a-f-]{36})/.exec(page.url())?.[1];
  expect(number).toBeTruthy();
  expect(id).toBeTruthy();
  return { id: id!, number: number! };
}

async function approveFromQueue(page: Page, number: string, button: string) {
  await page.goto("/approvals");
  await page.getByRole("link", { name: `Review and decide ${number}` }).click();
  await expect(page.getByRole("heading", { name: `Review ${number}` })).toBeVisible();
  await page.getByRole("button", { name: button, exact: true }).click();
  await expect(page.getByText(/Approved\./).first()).toBeVisible();
}

/** Production needs both: the admin, then a stakeholder. */
async function approveBoth(page: Page, number: string) {
  await signInAs(page, PEOPLE.admin);
  await approveFromQueue(page, number, "Approve");
  await signInAs(page, PEOPLE.stakeholder);
  await approveFromQueue(page, number, "Give production approval");
}

/** Reloads `url` until `check` passes (the worker scans and applies in the background). */
async function eventually(page: Page, url: string, check: () => Promise<void>) {
  await expect(async () => {
    await page.goto(url);
    await check();
  }).toPass({ timeout: 120_000, intervals: [500, 1000, 2000] });
}

/** Queues a scan from the set page and waits until its outcome shows. */
async function scanAndWait(page: Page, setUrl: string, check: () => Promise<void>) {
  await page.goto(setUrl);
  const drift = page.getByRole("region", { name: /^Drift/ });
  await drift.getByRole("button", { name: "Scan for drift now" }).click();
  await expect(drift.getByText(/Scan queued|already on its way/)).toBeVisible();
  await eventually(page, setUrl, check);
}

test("[DRIFT]: public access turned on out of band is found, shown, notified, and restored", async ({ page }) => {
  test.setTimeout(420_000);
  await signInAs(page, PEOPLE.requester);
  const origin = await submitFraudProd(page);
  await approveBoth(page, origin.number);

  // The engine makes the workspace set when the request is provisioned; its id is looked up, the page does the rest.
  await expect
    .poll(
      async () =>
        (await query<{ id: string }>("SELECT id FROM workspace_sets WHERE origin_request_id = $1", [origin.id])).length,
      {
        timeout: 120_000,
      },
    )
    .toBe(1);
  const [set] = await query<{ id: string }>("SELECT id FROM workspace_sets WHERE origin_request_id = $1", [origin.id]);
  const setUrl = `/workspace-sets/${set.id}/drift`;
  await signInAs(page, PEOPLE.requester);
  const drift = page.getByRole("region", { name: /^Drift/ });
  await scanAndWait(page, setUrl, async () => {
    await expect(drift.getByText("No drift", { exact: true })).toBeVisible({ timeout: 1000 });
    await expect(drift.getByText(/Last scan: succeeded/)).toBeVisible({ timeout: 1000 });
  });

  // The admin changes the estate as a person in the Azure portal would.
  await signInAs(page, PEOPLE.admin);
  await page.goto("/admin/simulator");
  const form = page.getByRole("form", { name: "Change the estate out of band" });
  await expect(form).toBeVisible();
  await expectAccessible(page);
  const workspaceId = await page
    .locator('#oob-resources option[value*="/workspaces/mlw-fraud-prod"]')
    .first()
    .getAttribute("value");
  expect(workspaceId).toMatch(/\/workspaces\/mlw-fraud-prod$/);
  await form.getByLabel("Change").selectOption({ label: "Workspace: set public network access" });
  await form.getByLabel("Resource (ARM id)").fill(workspaceId!);
  await form.getByLabel("Value").fill("Enabled");
  await form.getByRole("button", { name: "Change it out of band" }).click();
  await expect(form.getByText(/Changed out of band/)).toBeVisible();

  // The next scan reports exactly that, as high severity, on the set page.
  await signInAs(page, PEOPLE.requester);
  await scanAndWait(page, setUrl, async () => {
    await expect(drift.getByRole("table", { name: /^Open drift findings/ })).toBeVisible({ timeout: 1000 });
  });
  const findings = drift.getByRole("table", { name: /^Open drift findings/ }).getByRole("row");
  await expect(findings).toHaveCount(2); // header + one finding
  await expect(findings.nth(1)).toContainText("public network access is Enabled, should be Disabled");
  await expect(findings.nth(1)).toContainText("high");
  await expectAccessible(page);
  // The workspace set's own page shows the same drift.
  await page.goto(`/workspace-sets/${set.id}`);
  await expect(page.getByRole("region", { name: /^Drift/ })).toContainText(
    "public network access is Enabled, should be Disabled",
  );
  await expectAccessible(page);

  // And in the owner's inbox.
  await page.goto("/inbox");
  await expect(page.getByText(/Drift in fraud: 1 difference from the approved state \(1 high\)/).first()).toBeVisible();
  await expectAccessible(page);

  // Restore: a change request, approved by the admin, applied by the engine.
  await page.goto(setUrl);
  await drift.getByRole("button", { name: "Restore the approved state" }).click();
  await expect(drift.getByText(/Change request REQ-\d{5} restores the approved state/)).toBeVisible();
  const restore = /REQ-\d{5}/.exec((await drift.getByText(/restores the approved state/).textContent()) ?? "")![0];
  await approveBoth(page, restore);

  await expect
    .poll(
      async () =>
        (await query<{ version: number }>("SELECT version FROM workspace_sets WHERE id = $1", [set.id]))[0].version,
      {
        timeout: 120_000,
      },
    )
    .toBe(2);
  await signInAs(page, PEOPLE.requester);
  await scanAndWait(page, setUrl, async () => {
    await expect(drift.getByText("No drift", { exact: true })).toBeVisible({ timeout: 1000 });
  });
  await expect(drift.getByText(/Recently closed \(1\)/)).toBeVisible();
  await expectAccessible(page);

  // The admins' Drift page lists it as closed.
  await signInAs(page, PEOPLE.admin);
  await page.goto("/admin/drift?status=closed");
  await expect(page.getByRole("table", { name: /^Drift findings/ })).toContainText("fraud");
  await expectAccessible(page);
});
