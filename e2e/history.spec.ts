import { readFileSync } from "node:fs";
import { Client } from "pg";
import { expect, test } from "@playwright/test";
import { parseCsv } from "../lib/history/csv";
import { seedScale } from "../prisma/seed/scale";
import { E2E } from "./support/env";
import { expectAccessible, PEOPLE, query, signInAs } from "./support/helpers";

// The stakeholder history journey on a generated, settled history (a few hundred requests over two years).
test.beforeAll(async () => {
  const client = new Client({ connectionString: E2E.databaseUrl });
  await client.connect();
  try {
    // Once per e2e database (Playwright re-runs beforeAll in a fresh worker after a failure).
    const seeded = await client.query(
      "SELECT 1 FROM workspace_requests WHERE justification LIKE 'Generated history%' LIMIT 1",
    );
    if (seeded.rowCount === 0)
      await seedScale(client, {
        requests: 300,
        auditEvents: 3000,
        end: new Date(Date.now() - 2 * 86_400_000),
        seed: 11,
      });
  } finally {
    await client.end();
  }
});

test("[HISTORY]: a stakeholder filters to one team, environment and kind, opens a timeline and exports matching CSV", async ({
  page,
}) => {
  await signInAs(page, PEOPLE.stakeholder);
  await page.goto("/history");
  await expect(page.getByRole("heading", { name: "History", exact: true })).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel("Team").selectOption({ label: "Fraud Analytics" });
  await page.getByLabel("Environment").selectOption({ label: "prod" });
  // New workspace sets only: other journeys running at the same time add changes to the fraud team's sets.
  await page.getByLabel("Kind").selectOption({ label: "New workspace sets" });
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/[?&]team=fraud/);
  await expect(page).toHaveURL(/[?&]env=PROD/);
  await expect(page).toHaveURL(/[?&]kind=new/);

  const table = page.getByRole("table", { name: "Workspace requests" });
  const rows = table.locator("tbody tr");
  await expect(rows.first()).toBeVisible();
  const count = await rows.count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) {
    await expect(rows.nth(i).getByRole("cell").nth(1)).toContainText("Fraud Analytics");
    await expect(rows.nth(i).getByRole("cell").nth(2)).toContainText("prod");
  }

  // The filtered view is shareable: the same URL in a fresh page shows the same first row.
  const firstLabel = await rows.first().getByRole("link").textContent();
  const shared = await page.context().newPage();
  await shared.goto(page.url());
  await expect(shared.getByRole("table", { name: "Workspace requests" }).locator("tbody tr").first()).toContainText(
    firstLabel!,
  );
  await shared.close();

  // Export CSV of the filtered history: every row matches the filter, and none is missing.
  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/^atrium-history-\d{4}-\d{2}-\d{2}\.csv$/);
  const [header, ...csvRows] = parseCsv(readFileSync((await download.path())!, "utf8"));
  const expected = await query<{ n: string }>(
    `SELECT count(*) AS n FROM workspace_requests r JOIN teams t ON t.id = r.team_id
     WHERE r.submitted_at IS NOT NULL AND t.slug = 'fraud' AND 'PROD' = ANY(r.environments::text[]) AND r.kind = 'NEW'`,
  );
  expect(csvRows.length).toBe(Number(expected[0].n));
  for (const row of csvRows) {
    expect(row[header.indexOf("team")]).toBe("fraud");
    expect(row[header.indexOf("environments")].split(";")).toContain("PROD");
  }

  // Open a request's timeline from the filtered list.
  await rows.first().getByRole("link").click();
  await expect(page.getByRole("heading", { name: "Timeline" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Timeline" }).getByText("Request submitted")).toBeVisible();
  await expectAccessible(page);

  // A provisioned request's timeline tells the whole story, and links to the workspaces it created.
  const [provisioned] = await query<{ id: string }>(
    `SELECT r.id::text AS id FROM workspace_requests r JOIN teams t ON t.id = r.team_id
     WHERE t.slug = 'fraud' AND r.status = 'PROVISIONED' AND 'PROD' = ANY(r.environments::text[]) AND EXISTS (SELECT 1 FROM workspaces w WHERE w.request_id = r.id)
     ORDER BY r.submitted_at DESC LIMIT 1`,
  );
  await page.goto(`/history/${provisioned.id}`);
  const story = page.getByRole("list", { name: "Timeline" });
  await expect(story.getByText(/^Approved — admin stage/)).toBeVisible();
  await expect(story.getByText(/^Approved — stakeholder \(production\) stage/)).toBeVisible();
  await expect(story.getByText(/^Provisioning attempt 1/)).toBeVisible();
  await expect(story.getByText("Request provisioned")).toBeVisible();
  await page.getByRole("table", { name: "Workspaces created by this request" }).getByRole("link").first().click();
  await expect(page.getByRole("heading", { name: "Inventory entry" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Workspace timeline" })).toBeVisible();
  await expectAccessible(page);
});

test("[HISTORY]: lead times, rates and cost pages show charts with data tables and are accessible", async ({
  page,
}) => {
  await signInAs(page, PEOPLE.stakeholder);
  await page.goto("/history/metrics?from=2020-01-01");
  await expect(page.getByRole("heading", { name: "Lead times and rates" })).toBeVisible();
  await expect(page.getByRole("img", { name: /End-to-end lead time per month/ })).toBeVisible();
  await expect(page.getByRole("table", { name: "Lead times and rates per team" })).toBeVisible();
  await expectAccessible(page);

  await page.goto("/cost");
  await expect(page.getByRole("heading", { name: "Cost", exact: true })).toBeVisible();
  await expect(page.getByRole("img", { name: /Estimated monthly cost by team and environment/ })).toBeVisible();
  await expect(
    page.getByRole("table", { name: "Estimated monthly cost by team, project and environment" }),
  ).toBeVisible();
  await expect(page.getByRole("heading", { name: "What this estimate assumes" })).toBeVisible();
  await expectAccessible(page);
});

test("[HISTORY]: a requester cannot see another team's request or workspace by URL", async ({ page }) => {
  const [other] = await query<{ id: string }>(
    `SELECT r.id::text AS id FROM workspace_requests r JOIN teams t ON t.id = r.team_id WHERE t.slug = 'insights' AND r.status = 'PROVISIONED' LIMIT 1`,
  );
  const [otherWorkspace] = await query<{ id: string }>(
    `SELECT w.id::text AS id FROM workspaces w WHERE w.request_id = $1 LIMIT 1`,
    [other.id],
  );
  await signInAs(page, PEOPLE.requester); // Amara, team fraud
  const response = await page.goto(`/history/${other.id}`);
  expect(response?.status()).toBe(404);
  const wsResponse = await page.goto(`/workspaces/${otherWorkspace.id}`);
  expect(wsResponse?.status()).toBe(404);
  const exportResponse = await page.request.get("/history/export?format=csv");
  expect(exportResponse.status()).toBe(403);

  // Their own history lists only their team.
  await page.goto("/history");
  await expectAccessible(page);
  const teams = await page
    .getByRole("table", { name: "Workspace requests" })
    .locator("tbody tr td:nth-child(2)")
    .allTextContents();
  expect(teams.length).toBeGreaterThan(0);
  for (const team of teams) expect(team).toContain("Fraud Analytics");
});
