import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, PEOPLE, query, signInAs } from "./support/helpers";

// Leases (issue 15): the owner of a provisioned dev + test workspace set sees its lease and extends it within the
// maximum; an admin asks to decommission the set (a change request for a second admin). The demo history's fraud
// team set (dev + test, requested by Amara) is the set. Rows without a plan are the scale history another journey
// seeds into the same database (npm run seed:scale), not sets Atrium provisioned.

async function fraudSetRequestId(): Promise<string> {
  const rows = await query<{ id: string }>(
    `SELECT r.id FROM workspace_requests r JOIN teams t ON t.id = r.team_id
     WHERE t.slug = 'fraud' AND r.status = 'PROVISIONED' AND r.kind = 'NEW' AND r.plan IS NOT NULL AND r.requester_id = 'usr-amara'
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
    `SELECT r.status::text FROM workspace_requests r JOIN workspace_sets s ON s.id = r.workspace_set_id
     WHERE r.kind = 'DECOMMISSION' AND s.origin_request_id = $1`,
    [requestId],
  );
  expect(decommissions).toEqual([{ status: "SUBMITTED" }]);
});

async function approveFromQueue(page: Page, number: string, button: string) {
  await page.goto("/approvals");
  await page.getByRole("link", { name: `Review and decide ${number}` }).click();
  await page.getByRole("button", { name: button, exact: true }).click();
}

test("[LEASES]: an admin decommissions a set with production (admin + stakeholder) and recovers it", async ({
  page,
}) => {
  test.setTimeout(300_000);
  // The demo's insights set (dev + test + prod) is provisioned by the in-process worker at start.
  await expect
    .poll(
      async () =>
        (
          await query<{ id: string }>(
            `SELECT r.id FROM workspace_requests r JOIN teams t ON t.id = r.team_id
             WHERE t.slug = 'insights' AND r.kind = 'NEW' AND r.plan IS NOT NULL AND r.status = 'PROVISIONED'
               AND r.environments = ARRAY['DEV','TEST','PROD']::"Environment"[]`,
          )
        )[0]?.id ?? null,
      { timeout: 90_000 },
    )
    .not.toBeNull();
  const [{ id: requestId }] = await query<{ id: string }>(
    `SELECT r.id FROM workspace_requests r JOIN teams t ON t.id = r.team_id
     WHERE t.slug = 'insights' AND r.kind = 'NEW' AND r.plan IS NOT NULL AND r.status = 'PROVISIONED'
       AND r.environments = ARRAY['DEV','TEST','PROD']::"Environment"[]`,
  );

  await signInAs(page, PEOPLE.adminRequester);
  await page.goto(`/requests/${requestId}`);
  await page.getByRole("link", { name: "Workspace set" }).click();
  await page.waitForURL(/\/workspace-sets\//);
  const setUrl = page.url();
  const panel = page.getByRole("region", { name: "Lease and end of life" });
  await expect(panel).toContainText("no lease");
  await panel.getByLabel("Why decommission it?").fill("Attribution moved to the shared marketing platform.");
  await panel.getByRole("button", { name: "Decommission" }).click();
  await expect(panel.getByText("decommissioning")).toBeVisible();
  const [change] = await query<{ number: number }>(
    `SELECT r.number FROM workspace_requests r JOIN workspace_sets s ON s.id = r.workspace_set_id
     WHERE r.kind = 'DECOMMISSION' AND s.origin_request_id = $1`,
    [requestId],
  );
  const number = `REQ-${String(change.number).padStart(5, "0")}`;

  // With production, the admin and a stakeholder approve (neither asked for it).
  await signInAs(page, PEOPLE.admin);
  await approveFromQueue(page, number, "Approve");
  await expect(page.getByText(/Approved/).first()).toBeVisible();
  await signInAs(page, PEOPLE.stakeholder);
  await approveFromQueue(page, number, "Give production approval");
  await expect(page.getByText(/Approved/).first()).toBeVisible();

  // The run deletes what the plan says; the scheduler's next tick soft-deletes the workspaces.
  await expect
    .poll(
      async () =>
        (
          await query<{ status: string }>(
            `SELECT s.status::text FROM workspace_sets s WHERE s.origin_request_id = $1`,
            [requestId],
          )
        )[0]?.status,
      { timeout: 180_000, intervals: [2_000] },
    )
    .toBe("SOFT_DELETED");

  await signInAs(page, PEOPLE.admin);
  await page.goto(setUrl);
  const retired = page.getByRole("region", { name: "Lease and end of life" });
  await expect(retired.getByText("Soft-deleted until")).toBeVisible();
  await expectAccessible(page);
  await retired.getByRole("button", { name: "Recover workspace set" }).click();
  await expect
    .poll(
      async () =>
        (
          await query<{ status: string }>(
            `SELECT r.status::text FROM workspace_requests r JOIN workspace_sets s ON s.id = r.workspace_set_id
             WHERE s.origin_request_id = $1 AND 'recover' = ANY(r.change_kinds)`,
            [requestId],
          )
        )[0]?.status,
      { timeout: 120_000, intervals: [2_000] },
    )
    .toBe("PROVISIONED");
  const [set] = await query<{ status: string }>(
    `SELECT status::text FROM workspace_sets WHERE origin_request_id = $1`,
    [requestId],
  );
  expect(set.status).toBe("ACTIVE");
});
