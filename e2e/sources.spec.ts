import { expect, test, type APIRequestContext } from "@playwright/test";
import { createWorkspace, followOutboxLink, signIn, uniqueEmail } from "./helpers";

/** Posts one generic event the way a script would: JSON, token as Bearer. */
async function postEvent(request: APIRequestContext, url: string, token: string) {
  const response = await request.post(url, {
    headers: { Authorization: `Bearer ${token}` },
    data: { type: "backup.failed", severity: "high", title: "Nightly backup of db-prod-1 failed" },
  });
  return { status: response.status(), body: (await response.json()) as unknown };
}

test("an admin creates a source, posts to its URL, rotates the token and disables the source", async ({ page, request }) => {
  const slug = await createWorkspace(page, "Sources Inc", "sources", "single");
  await page.goto(`/w/${slug}/sources`);
  const nav = page.getByRole("navigation", { name: "Workspace sections" });
  await expect(nav.getByRole("link", { name: "Sources" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByText("No sources yet. Add one for each tool")).toBeVisible();

  // Single mode: the one community is used without asking. A bad name is refused beside the field.
  await page.getByRole("button", { name: "New source" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByLabel("Community")).toHaveCount(0);
  await dialog.getByLabel("Name").fill("backup/script!");
  await dialog.getByRole("button", { name: "Create source" }).click();
  await expect(dialog.locator("#source-name-error")).toContainText("Use letters, digits, dashes, underscores and spaces");
  await dialog.getByLabel("Name").fill("Backup script");
  await expect(dialog.getByLabel("Format")).toHaveValue("generic");
  await dialog.getByRole("button", { name: "Create source" }).click();

  // The token, shown once, with both URLs and a curl command per way of authenticating.
  await expect(dialog.getByRole("heading", { name: "Backup script is ready" })).toBeVisible();
  await expect(dialog).toContainText("it is shown only this once");
  const token = await dialog.getByLabel("Token", { exact: true }).inputValue();
  const url = await dialog.getByLabel("Ingest URL", { exact: true }).inputValue();
  const tokenUrl = await dialog.getByLabel("URL with token", { exact: true }).inputValue();
  expect(token).toMatch(/^tcn_[0-9A-Za-z]{46}$/);
  expect(url).toMatch(/\/api\/ingest\/[0-9a-f-]{36}$/);
  expect(tokenUrl).toMatch(new RegExp(`/api/ingest/t/${token}$`));
  await expect(dialog.getByTestId("curl-bearer")).toContainText(`Authorization: Bearer ${token}`);
  await expect(dialog.getByTestId("curl-basic")).toContainText(`-u 'tocsin:${token}'`);
  await expect(dialog.getByTestId("curl-token-url")).toContainText(tokenUrl);
  await expect(dialog).toContainText("Set up Generic JSON");

  expect(await postEvent(request, url, token)).toMatchObject({ status: 202, body: { accepted: 1 } });
  await dialog.getByRole("button", { name: "I have copied the token" }).click();
  await expect(dialog).toHaveCount(0);

  // The list: format, token prefix, last event; the token itself is gone for good.
  await page.reload();
  const row = page.getByTestId("source-row").filter({ hasText: "Backup script" });
  await expect(row).toContainText("Generic JSON");
  await expect(row.getByTestId("source-tokens")).toHaveText(`${token.slice(0, 10)}…`);
  await expect(row).not.toContainText("Nothing received yet");
  await expect(row.getByTestId("source-url")).toHaveText(url);
  await expect(page.getByText(token)).toHaveCount(0);

  // A second source with the same name (any case) is refused by the server, beside the field.
  await page.getByRole("button", { name: "New source" }).click();
  await dialog.getByLabel("Name").fill("backup SCRIPT");
  await dialog.getByRole("button", { name: "Create source" }).click();
  await expect(dialog.locator("#source-name-error")).toContainText("already has a source with this name");
  await dialog.getByRole("button", { name: "Cancel" }).click();

  // Rotate with no grace period: the old token stops at once, the new one works.
  await row.getByRole("button", { name: "Rotate token" }).click();
  await dialog.getByLabel("The current token").selectOption("0");
  await dialog.getByRole("button", { name: "Rotate token" }).click();
  await expect(dialog.getByTestId("previous-token-expiry")).toHaveText("The previous token stopped working now.");
  const newToken = await dialog.getByLabel("Token", { exact: true }).inputValue();
  expect(newToken).not.toBe(token);
  expect(await postEvent(request, url, token)).toMatchObject({ status: 403, body: { error: { code: "revoked_token" } } });
  expect(await postEvent(request, url, newToken)).toMatchObject({ status: 202, body: { accepted: 1 } });
  await dialog.getByRole("button", { name: "I have copied the token" }).click();
  await expect(row.getByTestId("source-tokens")).toHaveText(`${newToken.slice(0, 10)}…`);

  // Rotating with a grace period shows when the previous token stops, and the list shows it expiring.
  await row.getByRole("button", { name: "Rotate token" }).click();
  await dialog.getByLabel("The current token").selectOption("60");
  await dialog.getByRole("button", { name: "Rotate token" }).click();
  await expect(dialog.getByTestId("previous-token-expiry")).toContainText("The previous token keeps working until");
  const thirdToken = await dialog.getByLabel("Token", { exact: true }).inputValue();
  await dialog.getByRole("button", { name: "I have copied the token" }).click();
  await expect(row.getByTestId("source-tokens").getByRole("listitem")).toHaveCount(2);
  await expect(row.getByTestId("source-tokens").getByRole("listitem").filter({ hasText: newToken.slice(0, 10) })).toContainText(/expires in (1 hour|5\d minutes)/);
  expect(await postEvent(request, url, newToken)).toMatchObject({ status: 202 });
  expect(await postEvent(request, url, thirdToken)).toMatchObject({ status: 202 });

  // Disabled, the source refuses every post.
  const toggle = row.getByRole("switch", { name: "Enabled" });
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  await expect(toggle).toBeEnabled();
  await page.reload();
  await expect(row.getByTestId("source-enabled-state")).toHaveText("Disabled");
  expect(await postEvent(request, url, thirdToken)).toMatchObject({ status: 403, body: { error: { code: "source_disabled" } } });

  // Revoking ends every token, the one in its grace period too.
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-checked", "true");
  await expect(toggle).toBeEnabled();
  await row.getByRole("button", { name: "Revoke tokens" }).click();
  await dialog.getByRole("button", { name: "Revoke tokens" }).click();
  await expect(row).toContainText("None: posts are refused");
  expect(await postEvent(request, url, newToken)).toMatchObject({ status: 403, body: { error: { code: "revoked_token" } } });
  expect(await postEvent(request, url, thirdToken)).toMatchObject({ status: 403, body: { error: { code: "revoked_token" } } });

  // Deleting asks for the name.
  await row.getByRole("button", { name: "Delete" }).click();
  await expect(dialog.getByRole("button", { name: "Delete source" })).toBeDisabled();
  await dialog.getByLabel('Type "Backup script" to confirm').fill("Backup script");
  await dialog.getByRole("button", { name: "Delete source" }).click();
  await expect(page.getByTestId("source-row")).toHaveCount(0);
});

test("in multi mode, sources are created in a chosen community and listed under it; a viewer only reads them", async ({ page, browser }) => {
  const slug = await createWorkspace(page, "Sources MSSP", "sources", "multi");
  await page.goto(`/w/${slug}/sources`);
  await expect(page.getByText("Every source belongs to a community.")).toBeVisible();
  await expect(page.getByRole("button", { name: "New source" })).toBeDisabled();

  await page.goto(`/w/${slug}/communities`);
  for (const name of ["Globex", "Initech"]) {
    await page.getByLabel("New community").fill(name);
    await page.getByRole("button", { name: "Add community" }).click();
    await expect(page.getByTestId("community-row").filter({ hasText: name })).toBeVisible();
  }

  await page.goto(`/w/${slug}/sources`);
  await page.getByRole("button", { name: "New source" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill("authentik production");
  await dialog.getByLabel("Format").selectOption("authentik");
  await expect(dialog).toContainText("authentik events: the generic webhook transport");
  await dialog.getByLabel("Community").selectOption({ label: "Initech" });
  await dialog.getByLabel("Silence threshold", { exact: true }).selectOption({ label: "2 h" });
  await dialog.getByRole("button", { name: "Create source" }).click();
  await expect(dialog.getByRole("heading", { name: "authentik production is ready" })).toBeVisible();
  await expect(dialog).toContainText("Notification Transports");
  await dialog.getByRole("button", { name: "I have copied the token" }).click();

  const initech = page.getByTestId("source-group").filter({ has: page.getByRole("heading", { name: "Initech" }) });
  const globex = page.getByTestId("source-group").filter({ has: page.getByRole("heading", { name: "Globex" }) });
  await expect(initech.getByTestId("source-row")).toContainText(["authentik production"]);
  await expect(initech.getByTestId("source-silence-state")).toHaveText("Never received (silent 2 h after creation)");

  // Editing checks the values beside the fields, in the browser and on the server.
  const row = initech.getByTestId("source-row");
  await row.getByRole("button", { name: "Edit" }).click();
  await dialog.getByLabel("Rate limit (requests/s)").fill("0");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.locator("#edit-source-rate-error")).toContainText("At least 1 request per second");
  await dialog.getByLabel("Rate limit (requests/s)").fill("50");
  await expect(dialog.getByLabel("Silence threshold", { exact: true })).toHaveValue("7200");
  await dialog.getByLabel("Silence threshold", { exact: true }).selectOption("off");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(row).toContainText("50 requests/s");
  await expect(row.getByTestId("source-silence-state")).toHaveText("Not watched (no threshold)");
  await expect(row.getByTestId("source-silence-badge")).toHaveText("Not watched");
  await expect(globex.getByTestId("source-row")).toHaveCount(0);
  await expect(globex).toContainText("No sources yet");

  // A viewer sees the same list, read-only: no creating, toggling, rotating or deleting.
  const viewer = uniqueEmail("viewer");
  await page.goto(`/w/${slug}/members`);
  await page.getByLabel("Email").fill(viewer);
  await page.getByLabel("Role").selectOption("viewer");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByRole("status")).toContainText(`Invitation sent to ${viewer}`);
  const viewerContext = await browser.newContext();
  const viewerPage = await viewerContext.newPage();
  await followOutboxLink(viewerPage, viewer, "/invite/");
  await signIn(viewerPage, viewer);
  await viewerPage.getByRole("button", { name: "Accept invitation" }).click();
  await expect(viewerPage).toHaveURL(new RegExp(`/w/${slug}(/|$)`));
  await viewerPage.goto(`/w/${slug}/sources`);
  const viewerRow = viewerPage.getByTestId("source-row");
  await expect(viewerRow).toContainText("authentik production");
  await expect(viewerRow).toContainText("Enabled");
  await expect(viewerPage.getByText("Only admins can add or change sources.")).toBeVisible();
  await expect(viewerPage.getByRole("button", { name: "New source" })).toHaveCount(0);
  await expect(viewerRow.getByRole("switch")).toHaveCount(0);
  await expect(viewerRow.getByRole("button", { name: /Edit|Rotate|Revoke|Delete/ })).toHaveCount(0);
  await viewerContext.close();
});
