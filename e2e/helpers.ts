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

/** Signs in as a new user and creates a workspace (single mode unless told); returns its slug. */
export async function createWorkspace(page: Page, name: string, prefix: string, mode: "single" | "multi" = "single") {
  const slug = `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  await page.goto("/");
  await signIn(page, uniqueEmail(prefix));
  await expect(page).toHaveURL(/\/workspaces\/new$/);
  await page.waitForLoadState("networkidle"); // hydrated: the form is React's, not a plain GET form
  await page.getByLabel("Workspace name").fill(name);
  await page.getByLabel("URL").fill(slug);
  if (mode === "multi") await page.getByText("Several communities").click();
  await page.getByRole("button", { name: "Create workspace" }).click();
  // The new workspace opens on its home section, whichever that is.
  await expect(page).toHaveURL(new RegExp(`/w/${slug}(/|$)`));
  return slug;
}

/** A new generic source through the UI; returns its ingest URL and token, copied from the reveal. */
export async function createSource(page: Page, slug: string, name: string) {
  await page.goto(`/w/${slug}/sources`);
  await page.getByRole("button", { name: "New source" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByRole("button", { name: "Create source" }).click();
  const token = await dialog.getByLabel("Token", { exact: true }).inputValue();
  const url = await dialog.getByLabel("Ingest URL", { exact: true }).inputValue();
  await dialog.getByRole("button", { name: "I have copied the token" }).click();
  return { url, token };
}
