import { expect, test } from "@playwright/test";
import { expectAccessible, PEOPLE, signInAs } from "./support/helpers";

test("[AUTOMATION]: a requester creates a token, sees it once, calls the API with it, and revoking it ends its use", async ({
  page,
}) => {
  await signInAs(page, PEOPLE.requester2);
  await page.goto("/tokens");
  await expect(page.getByRole("heading", { level: 1, name: "Tokens" })).toBeVisible();
  await expectAccessible(page);

  const name = `e2e-${Date.now().toString(36)}`;
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  const shown = page.getByTestId("new-token");
  await expect(shown).toHaveText(/^atr_/);
  const token = (await shown.textContent())!.trim();

  const api = page.request;
  const ok = await api.get("/api/v1/requests", { headers: { Authorization: `Bearer ${token}` } });
  expect(ok.status()).toBe(200);
  expect(Array.isArray((await ok.json()).items)).toBe(true);

  // Shown once: after a reload only its name is listed, never the secret.
  await page.reload();
  await expect(page.getByRole("cell", { name, exact: true })).toBeVisible();
  await expect(page.getByText(token)).toHaveCount(0);

  await page.getByRole("button", { name: `Revoke ${name}` }).click();
  await expect(page.getByRole("row").filter({ hasText: name })).toContainText("Revoked");
  const refused = await api.get("/api/v1/requests", { headers: { Authorization: `Bearer ${token}` } });
  expect(refused.status()).toBe(401);
  expect(refused.headers()["content-type"]).toContain("application/problem+json");
});

test("[AUTOMATION]: the API reference and the OpenAPI document are served by the portal itself", async ({ page }) => {
  const spec = await page.request.get("/api/v1/openapi.json");
  expect(spec.status()).toBe(200);
  expect((await spec.json()).openapi).toMatch(/^3\.1\./);
  await page.goto("/api/docs");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByText("/api/v1/requests").first()).toBeVisible();
  await expectAccessible(page);
});

test("[NOTIFICATIONS]: admins reach endpoints, delivery log and sent mail; everyone reaches their notification settings", async ({
  page,
}) => {
  await signInAs(page, PEOPLE.admin);
  for (const [path, heading] of [
    ["/admin/webhooks", "Webhooks and Teams"],
    ["/admin/mail", "Sent mail"],
    ["/settings/notifications", "Notification settings"],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await expectAccessible(page);
  }

  await signInAs(page, PEOPLE.requester);
  const denied = await page.goto("/admin/webhooks");
  expect(denied?.status()).toBe(403);
  await page.goto("/settings/notifications");
  await expect(page.getByRole("heading", { level: 1, name: "Notification settings" })).toBeVisible();
});
