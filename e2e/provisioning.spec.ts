import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, PEOPLE, query, signInAs } from "./support/helpers";
import { personBox, pickPerson } from "./support/people-picker";

// The journey of issue 6: request → admin approval → stakeholder approval → live provisioning progress →
// provisioned, against the embedded ARM simulator (the portal says plainly that Azure is simulated). Scope: the churn
// project's test and production workspaces (the demo history only has a failed churn dev request).
const LIAM = { name: "Liam O'Brien", email: "liam.obrien@contoso.com" };
const KEIKO = "keiko.tanaka@contoso.com";

async function submitChurnRequest(page: Page): Promise<{ id: string; number: string }> {
  await page.goto("/requests/new");
  await page.getByRole("radio", { name: /^Project/ }).check();
  await page.getByRole("combobox", { name: "Team" }).selectOption({ label: "Customer Insights" });
  await page.getByRole("combobox", { name: "Project" }).selectOption({ label: "Churn prediction" });
  await page
    .getByLabel("Justification")
    .fill("Churn model validation and the production scoring pipeline for the retention team.");
  await page.getByRole("button", { name: "Save and continue" }).click();

  await expect(page.getByRole("group", { name: "Environments" })).toBeVisible();
  await page.getByRole("checkbox", { name: "Test", exact: true }).check();
  await page.getByRole("checkbox", { name: "Production", exact: true }).check();
  await page.getByRole("radio", { name: "Public endpoint" }).check();
  await page.getByRole("radio", { name: "Restricted (custom Data Scientist role)" }).check();
  await page.getByLabel("Region").selectOption("westeurope");
  await page.getByRole("button", { name: "Save and continue" }).click();

  await expect(personBox(page, "Member 1")).toBeVisible();
  await page.getByRole("button", { name: "Add member" }).click();
  await pickPerson(page, "Member 2", KEIKO);
  await page.getByLabel("Member 2 role").selectOption({ label: "MLOps engineer" });
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
}

test("[PROVISIONING]: request, admin and stakeholder approval, live progress, provisioned", async ({ page }) => {
  test.setTimeout(120_000);
  await signInAs(page, LIAM);
  const req = await submitChurnRequest(page);

  await signInAs(page, PEOPLE.admin);
  await approveFromQueue(page, req.number, "Approve");
  await expect(page.getByText("Approved. A stakeholder gives the production approval next.")).toBeVisible();

  await signInAs(page, PEOPLE.stakeholder);
  await approveFromQueue(page, req.number, "Give production approval");
  await expect(page.getByText("Approved. Provisioning is queued.")).toBeVisible();

  // The request page shows the run live: it refreshes on its own (no reload here) until everything is verified.
  await signInAs(page, LIAM);
  await page.goto(`/requests/${req.id}`);
  const panel = page.getByRole("region", { name: "Provisioning" });
  await expect(panel).toBeVisible();
  await expect(panel.getByText("Azure is simulated — nothing is created in a real subscription")).toBeVisible();
  const firstSummary = await panel.getByTestId("provisioning-summary").textContent();
  await expect(panel.getByRole("table", { name: "Test provisioning steps" })).toBeVisible();
  await expect(panel.getByRole("table", { name: "Production provisioning steps" })).toBeVisible();
  await expect(panel.getByTestId("provisioning-summary")).toContainText("provisioned and verified", {
    timeout: 60_000,
  });
  const url = page.url();
  expect(url).toBe(`http://127.0.0.1:${new URL(url).port}/requests/${req.id}`);
  await expect(panel.getByText("Provisioned", { exact: true })).toBeVisible();
  await expect(panel.locator('tr[data-status="SUCCEEDED"]').first()).toBeVisible();
  await expect(panel.locator('tr[data-status="FAILED"]')).toHaveCount(0);
  await expect(panel).toContainText("Verification: all");
  await expectAccessible(page);
  test.info().annotations.push({ type: "first summary seen", description: firstSummary ?? "" });

  const [request] = await query<{ status: string }>("SELECT status FROM workspace_requests WHERE id = $1", [req.id]);
  expect(request.status).toBe("PROVISIONED");
  const workspaces = await query<{ environment: string; name: string }>(
    "SELECT environment, name FROM workspaces WHERE request_id = $1 ORDER BY environment",
    [req.id],
  );
  expect(workspaces).toEqual([
    { environment: "TEST", name: "mlw-churn-test" },
    { environment: "PROD", name: "mlw-churn-prod" },
  ]);

  // The requester is told; admins and MLOps find the run in the runs list.
  await page.goto("/inbox");
  await expect(page.getByText(`${req.number}: workspaces ready`)).toBeVisible();

  await signInAs(page, PEOPLE.admin);
  await page.goto("/runs?status=SUCCEEDED");
  const row = page.getByRole("row").filter({ hasText: req.number });
  await expect(row).toContainText("Provisioned");
  await expect(row).toContainText("Customer Insights");
  await expectAccessible(page);
});
