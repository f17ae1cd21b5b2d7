import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";
import { Client } from "pg";
import { E2E } from "./env";

export const PEOPLE = {
  requester: { name: "Amara Okafor", email: "amara.okafor@contoso.com" },
  requester2: { name: "Ben Carter", email: "ben.carter@contoso.com" },
  mlops: { name: "Diana Reyes", email: "diana.reyes@contoso.com" },
  admin: { name: "Fatima Khan", email: "fatima.khan@contoso.com" },
  adminRequester: { name: "George Mensah", email: "george.mensah@contoso.com" },
  stakeholder: { name: "Hannah Schmidt", email: "hannah.schmidt@contoso.com" },
  stakeholderAdmin: { name: "Isabel Costa", email: "isabel.costa@contoso.com" },
} as const;

/** Signs in through the local persona picker, as a person would. */
export async function signInAs(page: Page, person: { name: string }) {
  await page.context().clearCookies();
  await page.goto("/sign-in/local");
  await page.getByRole("button", { name: new RegExp(`^Sign in as ${person.name}`) }).click();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await expect(page.getByRole("banner")).toContainText(person.name);
}

/** No serious or critical accessibility violations on the current page. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.id}: ${v.help} (${v.nodes
          .map((n) => n.target.join(" "))
          .slice(0, 3)
          .join(", ")})`,
    );
  expect(serious).toEqual([]);
}

/** Runs a query against the portal's database (for assertions, never for driving the UI). */
export async function query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: E2E.databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
