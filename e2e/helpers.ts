import { expect, type Page } from "@playwright/test";

export function uniqueEmail(name: string) {
  return `${name}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}@example.com`;
}

/** Opens the newest email to `to` in the local outbox and follows the link whose text contains `linkPart`. */
export async function followOutboxLink(page: Page, to: string, linkPart: string) {
  await page.goto("/outbox");
  const message = page.getByTestId("outbox-message").filter({ has: page.getByTestId("outbox-to").getByText(to, { exact: true }) }).first();
  await expect(message).toBeVisible();
  await message.locator(`a[href*="${linkPart}"]`).first().click();
}

/** Signs in by magic link through the embedded-mode outbox, as a person would. */
export async function signIn(page: Page, email: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await page.getByRole("link", { name: "local outbox" }).click();
  await expect(page).toHaveURL(/\/outbox$/);
  await followOutboxLink(page, email, "/api/auth/callback/resend");
}
