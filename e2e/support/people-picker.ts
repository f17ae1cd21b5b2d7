import { expect, type Page } from "@playwright/test";

/** The people picker labelled `label` (exact, so "Member 2" is not "Member 2 role"). */
export function personBox(page: Page, label: string) {
  return page.getByRole("combobox", { name: label, exact: true });
}

/**
 * Chooses a person in a people picker as a person would: types part of the name or e-mail, waits for the
 * directory's matches and picks the one with `email` from the list.
 */
export async function pickPerson(page: Page, label: string, email: string, typed = email.split("@")[0]) {
  const box = personBox(page, label);
  await box.fill(typed);
  const option = page.getByRole("option").filter({ hasText: email });
  await expect(box).toHaveAttribute("aria-expanded", "true");
  await option.click();
  await expect(box).toHaveValue(new RegExp(`<${email.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}>$`));
}
