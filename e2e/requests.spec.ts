import { expect, test } from "@playwright/test";
import { expectAccessible, PEOPLE, query, signInAs } from "./support/helpers";
import { personBox, pickPerson } from "./support/people-picker";

// The journey of issue 3: a requester builds a private, restricted, project request for dev+test+prod
// with two data scientists and one MLOps engineer, sees the plan and the cost, submits it, and finds
// it in "My requests".
test("[REQUESTS]: a requester builds, reviews and submits a private restricted project request", async ({ page }) => {
  await signInAs(page, PEOPLE.requester);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "New request", exact: true }).click();
  await expect(page.getByRole("heading", { name: "New workspace request" })).toBeVisible();
  await expectAccessible(page);

  // 1. Scope — a server-side field error first, shown next to the field.
  await page.getByRole("radio", { name: /^Project/ }).check();
  await page.getByRole("combobox", { name: "Team" }).selectOption({ label: "Fraud Analytics" });
  await page.getByRole("combobox", { name: "Project" }).selectOption({ label: "Fraud ring graph analysis" });
  await expect(page.getByLabel("Cost centre")).toHaveValue("CC-4120");
  await page.getByLabel("Justification").fill("too short");
  await page.getByRole("button", { name: "Save and continue" }).click();
  await expect(page.getByLabel("Justification")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#f-justification-error")).toHaveText(
    "Explain why the workspaces are needed (at least 20 characters).",
  );
  await expectAccessible(page);
  await page.getByLabel("Justification").fill("Graph analysis of fraud rings across card and account data.");
  await page.getByRole("button", { name: "Save and continue" }).click();

  // 2. Environments and network — with the keyboard alone.
  await expect(page.getByRole("group", { name: "Environments" })).toBeVisible();
  await page.getByRole("checkbox", { name: "Development" }).focus();
  await page.keyboard.press("Space");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Space");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Space");
  await expect(page.getByRole("checkbox", { name: "Production" })).toBeChecked();
  await page.getByRole("radio", { name: "Private (Private Link)" }).focus();
  await page.keyboard.press("Space");
  await page.getByRole("radio", { name: "Restricted (custom Data Scientist role)" }).focus();
  await page.keyboard.press("Space");
  await page.getByLabel("Region").focus();
  await page.getByLabel("Region").selectOption("westeurope");
  await page.getByRole("button", { name: "Save and continue" }).focus();
  await page.keyboard.press("Enter");

  // 3. Members: the requester is prefilled as a data scientist.
  await expect(personBox(page, "Member 1")).toHaveValue(`${PEOPLE.requester.name} <${PEOPLE.requester.email}>`);
  await page.getByRole("button", { name: "Add member" }).click();
  await pickPerson(page, "Member 2", PEOPLE.requester2.email, "Ben Car");
  await page.getByRole("button", { name: "Add member" }).click();
  // The picker by keyboard alone (ARIA combobox): type, ↓ to the match, Enter to choose it.
  await personBox(page, "Member 3").fill("diana.re");
  await expect(page.getByRole("option", { name: new RegExp(PEOPLE.mlops.name) })).toBeVisible();
  await page.keyboard.press("ArrowDown");
  await expect(personBox(page, "Member 3")).toHaveAttribute("aria-activedescendant", /.+/);
  await page.keyboard.press("Enter");
  await expect(personBox(page, "Member 3")).toHaveValue(`${PEOPLE.mlops.name} <${PEOPLE.mlops.email}>`);
  await page.getByLabel("Member 3 role").selectOption({ label: "MLOps engineer" });
  await page.getByRole("button", { name: "Save and continue" }).click();

  // 4. Compute and Git.
  await page.getByLabel("Compute instance VM size").selectOption("Standard_DS3_v2");
  await page.getByLabel("Idle shutdown (minutes)").fill("60");
  await page.getByRole("button", { name: "Add cluster" }).click();
  await page.getByLabel("Cluster 1 VM size").selectOption("Standard_DS11_v2");
  await page.getByLabel("Cluster 1 max nodes").fill("4");
  await page.getByRole("button", { name: "Add pipeline" }).click();
  await page.getByLabel("Pipeline 1 name").fill("scoring");
  await page.getByLabel("Git repository (optional)").fill("https://github.com/contoso/fraud-graph");
  await page.getByRole("button", { name: "Save and continue" }).click();

  // 5. Review: the plan, the role matrix and the cost.
  await expect(page.getByRole("heading", { name: "Who gets which role where" })).toBeVisible();
  const matrix = page.getByRole("table", { name: /Role assignments per person/ });
  await expect(
    matrix.getByRole("row", {
      name: /Amara Okafor.*Data scientist.*Atrium Data Scientist.*Reader \+ Atrium Test Operator.*Reader/,
    }),
  ).toBeVisible();
  await expect(
    matrix.getByRole("row", {
      name: /Ben Carter.*Data scientist.*Atrium Data Scientist.*Reader \+ Atrium Test Operator.*Reader/,
    }),
  ).toBeVisible();
  await expect(
    matrix.getByRole("row", { name: /Diana Reyes.*MLOps engineer.*Atrium Data Scientist.*Contributor.*Contributor/ }),
  ).toBeVisible();
  await expect(
    matrix.getByRole("row", {
      name: /Fatima Khan.*Portal admin.*Atrium Workspace Admin.*Atrium Workspace Admin.*Atrium Workspace Admin/,
    }),
  ).toBeVisible();
  for (const env of ["dev", "test", "prod"]) {
    const resources = page.getByRole("table", {
      name: new RegExp(`^${{ dev: "Development", test: "Test", prod: "Production" }[env]} resources$`),
    });
    await expect(resources.getByText(`mlw-fraudgraph-${env}`, { exact: true })).toBeVisible();
    await expect(resources.getByText(`pep-mlw-fraudgraph-${env}`, { exact: true })).toBeVisible();
    await expect(resources.getByText(`rg-fraudgraph-${env}-westeurope`, { exact: true })).toBeVisible();
  }
  const devCompute = page.getByRole("table", { name: "Development compute" });
  await expect(
    devCompute.getByRole("row", { name: /Compute instance.*Assigned to Amara Okafor; idle shutdown after 60 min/ }),
  ).toBeVisible();
  await expect(devCompute.getByRole("row", { name: /Compute instance.*Assigned to Ben Carter/ })).toBeVisible();
  await expect(devCompute.getByRole("row", { name: /cc-ds11v2.*0–4 nodes/ })).toBeVisible();
  await expect(
    page.getByRole("table", { name: "Production compute" }).getByRole("row", { name: /cc-scoring.*0–4 nodes/ }),
  ).toBeVisible();
  await expect(page.getByRole("heading", { name: /^Estimated monthly cost: \$\d/ })).toBeVisible();
  await expect(page.getByText("An estimate, not a quote.")).toBeVisible();
  await expectAccessible(page);

  await page.getByRole("button", { name: "Submit for approval" }).click();
  await expect(page.getByText("Submitted for approval")).toBeVisible();
  const heading = await page.getByRole("heading", { level: 1 }).textContent();
  const number = /REQ-\d{5}/.exec(heading ?? "")?.[0];
  expect(number).toBeTruthy();
  await expect(page.getByRole("link", { name: "Download plan JSON" })).toBeVisible();
  await expectAccessible(page);

  const [row] = await query<{ status: string; plan_hash: string; scope_slug: string }>(
    "SELECT status, plan_hash, scope_slug FROM workspace_requests WHERE number = $1",
    [Number(number!.slice(4))],
  );
  expect(row).toMatchObject({ status: "SUBMITTED", scope_slug: "fraudgraph" });
  expect(row.plan_hash).toMatch(/^sha256:[0-9a-f]{64}$/);

  // The plan JSON download: the stored plan, for the requester only (not for another team).
  const detailUrl = page.url().replace(/\?.*$/, "");
  const download = await page.request.get(`${detailUrl}/plan.json`);
  expect(download.status()).toBe(200);
  expect(download.headers()["content-disposition"]).toContain(`${number}-plan.json`);
  const json = (await download.json()) as {
    planHash: string;
    plan: { steps: { kind: string; environment: string | null }[] };
  };
  expect(json.planHash).toBe(row.plan_hash);
  expect(json.plan.steps.filter((s) => s.kind === "workspace").map((s) => s.environment)).toEqual([
    "dev",
    "test",
    "prod",
  ]);

  // My requests, newest first, filterable by status.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My requests", exact: true }).click();
  const mine = page.getByRole("table", { name: "My workspace requests" });
  await expect(mine.getByRole("row").nth(1)).toContainText(number!);
  await expect(mine.getByRole("row", { name: new RegExp(number!) })).toContainText("Submitted");
  await page.getByRole("navigation", { name: "Filter by status" }).getByRole("link", { name: "Submitted" }).click();
  await expect(page).toHaveURL(/status=submitted/);
  await expect(mine.getByRole("row", { name: new RegExp(number!) })).toBeVisible();
  await page.getByRole("navigation", { name: "Filter by status" }).getByRole("link", { name: "Cancelled" }).click();
  await expect(page).toHaveURL(/status=cancelled/);
  // Only cancelled requests are listed (the demo history may hold some), never this submitted one.
  await expect(page.getByRole("row", { name: new RegExp(number!) })).toHaveCount(0);
  const cancelledRows = page.getByRole("table", { name: "My workspace requests" }).getByRole("row");
  for (let i = 1; i < (await cancelledRows.count()); i++) await expect(cancelledRows.nth(i)).toContainText("Cancelled");
  await expectAccessible(page);

  await signInAs(page, { name: "Chen Wei" });
  expect((await page.request.get(`${detailUrl}/plan.json`)).status()).toBe(404);
  expect((await page.goto(detailUrl))?.status()).toBe(404);
});
