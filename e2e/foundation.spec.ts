import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { E2E } from "./support/env";
import { expectAccessible, PEOPLE, query, signInAs } from "./support/helpers";

test("[FOUNDATION]: the health endpoint reports the database and simulated Azure", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({
    status: "ok",
    database: "ok",
    azure: "simulated",
    azureLabel: "Azure: simulated",
  });
});

test("[FOUNDATION]: signed-out visitors land on the persona picker, which is accessible", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in\/local$/);
  await expect(page.getByRole("heading", { name: "Choose who you are" })).toBeVisible();
  await expectAccessible(page);
});

const navigationByPersona = [
  {
    person: PEOPLE.requester,
    sees: ["New request", "My requests", "History"],
    hidden: ["Approvals", "Settings", "Audit trail", "Cost", "Provisioning runs"],
  },
  { person: PEOPLE.mlops, sees: ["Provisioning runs", "History"], hidden: ["Approvals", "Settings", "Cost"] },
  {
    person: PEOPLE.admin,
    sees: ["Approvals", "Settings", "People and roles", "Audit trail", "Simulated Azure"],
    hidden: ["New request", "My requests"],
  },
  {
    person: PEOPLE.stakeholder,
    sees: ["Approvals", "History", "Cost", "Audit trail"],
    hidden: ["New request", "Settings", "People and roles"],
  },
];

for (const { person, sees, hidden } of navigationByPersona) {
  test(`[FOUNDATION]: ${person.name} sees the navigation their roles allow`, async ({ page }) => {
    await signInAs(page, person);
    const nav = page.getByRole("navigation", { name: "Main" });
    for (const label of sees) await expect(nav.getByRole("link", { name: label, exact: true })).toBeVisible();
    for (const label of hidden) await expect(nav.getByRole("link", { name: label, exact: true })).toHaveCount(0);
    await expect(page.getByText("Azure: simulated")).toBeVisible();
    await expectAccessible(page);
  });
}

test("[FOUNDATION]: a requester opening an admin page gets the 403 page, and the attempt is audited", async ({
  page,
}) => {
  await signInAs(page, PEOPLE.requester);
  const response = await page.goto("/admin/people");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You don't have access to this page" })).toBeVisible();
  await expectAccessible(page);
  const denials = await query<{ n: string }>(
    "SELECT count(*) AS n FROM audit_events WHERE action = 'authz.denied' AND actor_id = 'usr-amara' AND entity_id = 'users.manage'",
  );
  expect(Number(denials[0].n)).toBeGreaterThan(0);
});

test("[FOUNDATION]: a requester's raw POST of an admin server action changes nothing", async ({ page }) => {
  // Find the action's id the way an attacker could: from the build's server-reference manifest.
  const manifestPath = path.join(process.env.NEXT_DIST_DIR ?? ".next", "server", "server-reference-manifest.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    node: Record<string, { exportedName?: string }>;
  };
  const actionId = Object.entries(manifest.node).find(([, v]) => v.exportedName === "updateUserRolesAction")?.[0];
  expect(actionId).toBeTruthy();

  await signInAs(page, PEOPLE.requester);
  const before = await query<{ roles: string[] }>("SELECT roles FROM users WHERE id = 'usr-amara'");
  const response = await page.request.post("/admin/people", {
    headers: { "Next-Action": actionId!, "Content-Type": "text/plain;charset=UTF-8", Origin: E2E.baseUrl },
    data: JSON.stringify(["usr-amara", { ok: true }, null]),
  });
  expect(response.status()).toBeLessThan(500);
  const after = await query<{ roles: string[] }>("SELECT roles FROM users WHERE id = 'usr-amara'");
  expect(after).toEqual(before);
  const denials = await query<{ n: string }>(
    "SELECT count(*) AS n FROM audit_events WHERE action = 'authz.denied' AND actor_id = 'usr-amara'",
  );
  expect(Number(denials[0].n)).toBeGreaterThan(0);
});

test("[FOUNDATION]: an admin grants a role and it takes effect on the person's next request", async ({
  page,
  browser,
}) => {
  const requesterContext = await browser.newContext();
  const requesterPage = await requesterContext.newPage();
  await signInAs(requesterPage, PEOPLE.requester2);
  await expect(requesterPage.getByRole("link", { name: "Provisioning runs" })).toHaveCount(0);

  await signInAs(page, PEOPLE.admin);
  await page.goto("/admin/people");
  await expectAccessible(page);
  const row = page.getByRole("row").filter({ hasText: PEOPLE.requester2.email });
  await row.getByLabel("MLOps engineer").check();
  await row.getByRole("button", { name: "Save" }).click();
  await expect(row.getByText("Roles saved.")).toBeVisible();

  await requesterPage.reload();
  await expect(requesterPage.getByRole("link", { name: "Provisioning runs" })).toBeVisible();
  const audit = await query<{ n: string }>(
    "SELECT count(*) AS n FROM audit_events WHERE action = 'user.roles_changed' AND entity_id = 'usr-ben'",
  );
  expect(Number(audit[0].n)).toBe(1);
  await requesterContext.close();
});
