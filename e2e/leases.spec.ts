import { expect, test } from "@playwright/test";
import { expectAccessible, PEOPLE, query, signInAs } from "./support/helpers";

// Leases (issue 15): the owner of a provisioned dev + test workspace set sees its lease and extends it within the
// maximum; an admin asks to decommission the set (a change request for a second admin). The demo history's fraud
// team set (dev + test, requested by Amara) is the set.

async function fraudSetRequestId(): Promise<string> {
  const rows = await query<{ id: string }>(
    `SELECT r.id FROM workspace_requests r JOIN teams t ON t.id = r.team_id
     WHERE t.slug = 'fraud' AND r.status = 'PROVISIONED' AND r.kind = 'NEW' AND r.requester_id = 'usr-amara'
       AND r.environments = ARRAY['DEV','TEST']::"Environment"[]
     ORDER BY r.created_at LIMIT 1`,
  );
  expect(rows).toHaveLength(1);
  return rows[0].id;
}

test("[LEASES]: an owner extends the lease; an admin asks to decommission the set", async ({ page }) => {
  test.setTimeout(90_000);
  const requestId = await fraudSetRequestId();

  await signInAs(page, PEOPLE.requester);
  await page.goto(`/requests/${requestId}`);
  await page.getByRole("link", { name: "Workspace set" }).click();
  const lease = page.getByRole("region", { name: "Lease and end of life" });
  await expect(lease).toBeVisible();
  await expect(lease).toContainText(/left\)/);
  await expectAccessible(page);

  await lease.getByLabel("Extend by (days)").fill("7");
  await lease.getByRole("button", { name: "Extend lease" }).click();
  await expect(lease.getByText(/The lease now ends on/)).toBeVisible();
  const setUrl = page.url();
  const audit = await query<{ n: string }>(
    `SELECT count(*)::text AS n FROM audit_events WHERE action = 'lease.extended'`,
  );
  expect(Number(audit[0].n)).toBe(1);

  // Beyond the maximum: it becomes a change request for the admins.
  await lease.getByLabel("Extend by (days)").fill("365");
  await lease.getByRole("button", { name: "Extend lease" }).click();
  await expect(lease.getByText(/asks the admins for it/)).toBeVisible();

  await signInAs(page, PEOPLE.adminRequester);
  await page.goto(setUrl);
  const panel = page.getByRole("region", { name: "Lease and end of life" });
  await panel.getByLabel("Why decommission it?").fill("x");
  await panel.getByRole("button", { name: "Decommission" }).click();
  await expect(panel.getByText(/at least 10 characters/)).toBeVisible();
  await panel.getByLabel("Why decommission it?").fill("The fraud team moved to the shared workspace set.");
  await panel.getByRole("button", { name: "Decommission" }).click();
  // The panel now shows the decommission under way, with the change request to follow.
  await expect(panel.getByText("decommissioning")).toBeVisible();
  await expect(panel.getByRole("link", { name: /Asked for: follow its approval and run/ })).toBeVisible();
  await expectAccessible(page);
  const decommissions = await query<{ status: string }>(
    `SELECT status::text FROM workspace_requests WHERE kind = 'DECOMMISSION'`,
  );
  expect(decommissions).toEqual([{ status: "SUBMITTED" }]);
});
