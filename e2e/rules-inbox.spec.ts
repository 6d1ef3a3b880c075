import { expect, test } from "@playwright/test";
import { createSource, createWorkspace } from "./helpers";

test("a rule written in the editor previews recent events, then lights the bell live when a matching event arrives", async ({ page }) => {
  const slug = await createWorkspace(page, "Rules Inc", "rules");
  const { url, token } = await createSource(page, slug, "authentik production");

  /** Posts one event the way authentik's webhook relay would: JSON with the token as Bearer. */
  let posted = 0;
  const post = async (title: string, clientIp: string) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ type: "authentik.login_failed", severity: "medium", title, actor: "jdoe", clientIp, externalId: `login-${++posted}` }),
    });
    expect(response.status).toBe(202);
  };
  await post("Failed login for jdoe from the office", "10.1.2.3");
  await post("Failed login for jdoe from abroad", "203.0.113.9");

  // The rules page, from the sidebar; nothing yet.
  const nav = page.getByRole("navigation", { name: "Workspace sections" });
  await nav.getByRole("link", { name: "Rules" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/rules$`));
  await expect(page.getByTestId("personal-rules")).toContainText("Write your first rule");
  await page.getByRole("link", { name: "New rule" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/rules/new$`));

  // The trigger, from the catalog: searched, with its description and example.
  await page.getByLabel("Name", { exact: true }).fill("Failed logins from outside");
  await page.getByLabel("Search the event catalog").fill("login failed");
  const picker = page.getByTestId("catalog-picker");
  await expect(picker.getByRole("region", { name: "authentik" })).toBeVisible();
  await expect(picker).toContainText("a stage rejected them");
  await picker.getByRole("checkbox", { name: "authentik.login_failed" }).check();
  await expect(page.getByTestId("rule-trigger")).toHaveCount(1);
  await expect(page.getByTestId("rule-trigger").first()).toContainText("authentik.login_failed");

  // A typed pattern that matches no known type is allowed, with a warning; then removed again.
  await page.getByLabel("Type or pattern").fill("authentik.nothing_like_this");
  await page.getByLabel("Type or pattern").press("Enter");
  await expect(page.getByTestId("trigger-unknown-warning")).toContainText("Matches no known type");
  await page.getByRole("button", { name: "Remove trigger authentik.nothing_like_this" }).click();
  await expect(page.getByTestId("rule-trigger")).toHaveCount(1);

  // A condition: the client IP is NOT in 10.0.0.0/8.
  await page.getByRole("button", { name: "Add field condition" }).click();
  await expect(page.getByLabel("Field of condition 1")).toHaveValue("clientIp");
  await expect(page.getByLabel("Operator of condition 1")).toHaveValue("cidr");
  await page.getByTestId("field-matcher").getByRole("checkbox", { name: "not" }).check();
  await page.getByLabel("Values of condition 1").fill("10.0.0.0/8");

  // CEL is checked by the server as it is typed: an unknown field is an error under the field.
  const cel = page.getByLabel("CEL expression");
  await cel.fill("event.nope == 1");
  await expect(page.getByTestId("cel-status")).toContainText('event has no field "nope"');
  await cel.fill("event.severityRank >= 2");
  await expect(page.getByTestId("cel-status")).toContainText("Compiles");

  // The preview of the unsaved rule: the login from abroad matches, the office one does not, and says why.
  const preview = page.getByTestId("rule-preview");
  await expect(preview.getByTestId("preview-summary")).toHaveText("1 of 2 would match");
  const abroad = preview.getByTestId("preview-row").filter({ hasText: "from abroad" });
  const office = preview.getByTestId("preview-row").filter({ hasText: "from the office" });
  await expect(abroad).toHaveAttribute("data-matched", "true");
  await expect(abroad.getByLabel("Would match")).toBeVisible();
  await expect(office).toHaveAttribute("data-matched", "false");
  await expect(office.getByTestId("preview-reason")).toContainText("10.0.0.0/8");

  await page.getByRole("button", { name: "Create rule" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/rules$`));
  const row = page.getByTestId("rule-row");
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId("rule-name")).toHaveText("Failed logins from outside");
  await expect(row.getByTestId("rule-conditions")).toContainText("clientIp not in 10.0.0.0/8");
  await expect(row.getByRole("switch", { name: "Enable Failed logins from outside" })).toHaveAttribute("aria-checked", "true");

  // Two matching events arrive while the page stays open: the bell counts them without a reload.
  const bell = page.getByTestId("notification-bell");
  await expect(bell).toHaveAccessibleName("Notifications: 0 unread");
  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
  await post("Failed login for jdoe from Lisbon", "198.51.100.7");
  await expect(bell.getByTestId("unread-count")).toHaveText("1", { timeout: 5_000 });
  await post("Failed login for jdoe from the VPN", "10.9.9.9"); // inside 10.0.0.0/8: no notification
  await post("Failed login for jdoe from Porto", "198.51.100.8");
  await expect(bell.getByTestId("unread-count")).toHaveText("2", { timeout: 5_000 });
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);

  // The dropdown lists them, newest first; opening one opens its event and marks it read.
  await bell.click();
  const dropdown = page.getByTestId("notification-dropdown");
  const entries = dropdown.getByTestId("bell-notification");
  await expect(entries).toHaveCount(2);
  await expect(entries.first()).toContainText("from Porto");
  await expect(entries.nth(1)).toContainText("from Lisbon");
  await entries.nth(1).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/events/[0-9a-f-]{36}$`));
  await expect(page.getByRole("heading", { name: "Failed login for jdoe from Lisbon" })).toBeVisible();
  await expect(bell.getByTestId("unread-count")).toHaveText("1");

  // The inbox: one read, one unread; "mark all read" empties the bell.
  await nav.getByRole("link", { name: "Inbox" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/inbox$`));
  const rows = page.getByTestId("inbox-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText("Failed logins from outside");
  await expect(rows.first()).toHaveAttribute("data-read", "false");
  await expect(rows.nth(1)).toHaveAttribute("data-read", "true");
  await page.getByRole("button", { name: "Mark all read" }).click();
  await expect(rows.first()).toHaveAttribute("data-read", "true");
  await expect(bell).toHaveAccessibleName("Notifications: 0 unread");
  await expect(bell.getByTestId("unread-count")).toBeHidden();

  // Unread only: nothing left; archive all read moves both to the archive.
  await page.getByLabel("Unread only").check();
  await expect(page).toHaveURL(/unread=1/);
  await expect(rows).toHaveCount(0);
  await page.getByLabel("Unread only").uncheck();
  await expect(rows).toHaveCount(2);
  await page.getByRole("button", { name: "Archive all read" }).click();
  await expect(rows).toHaveCount(0);
  await page.getByRole("tab", { name: "Archive" }).click();
  await expect(rows).toHaveCount(2);
});

test("rules are edited, duplicated (disabled), switched off and deleted after confirmation", async ({ page }) => {
  const slug = await createWorkspace(page, "Rules Inc", "rules");
  await page.goto(`/w/${slug}/rules/new`);
  await page.getByLabel("Name", { exact: true }).fill("Critical alerts");
  await page.getByLabel("Type or pattern").fill("alert.*");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByTestId("rule-trigger")).toContainText("covers");
  await page.getByLabel("Minimum severity").selectOption("critical");
  await page.getByRole("button", { name: "Create rule" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/rules$`));
  const rows = page.getByTestId("rule-row");
  await expect(rows.getByTestId("rule-conditions")).toHaveText("Critical or higher");

  // Edit: the saved rule comes back into the editor as it was; a bad regex is refused beside its input.
  await rows.getByRole("link", { name: "Edit" }).click();
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Critical alerts");
  await expect(page.getByLabel("Minimum severity")).toHaveValue("critical");
  await expect(page.getByTestId("rule-trigger")).toContainText("alert.*");
  await page.getByRole("button", { name: "Add field condition" }).click();
  await page.getByLabel("Field of condition 1").selectOption("title");
  await page.getByLabel("Operator of condition 1").selectOption("regex");
  await page.getByLabel("Value of condition 1").fill("(a+)+$");
  await expect(page.getByTestId("field-matcher")).toContainText("nested repetition");
  await page.getByLabel("Value of condition 1").fill("^prod-");
  await page.getByLabel("Name", { exact: true }).fill("Critical production alerts");
  await page.getByRole("button", { name: "Save rule" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/rules$`));
  await expect(rows.getByTestId("rule-name")).toHaveText("Critical production alerts");
  await expect(rows.getByTestId("rule-conditions")).toHaveText("Critical or higher · title ~ /^prod-/");

  // Duplicate: a disabled copy, so nothing is notified twice before it is changed.
  await rows.getByRole("button", { name: "Duplicate" }).click();
  await expect(rows).toHaveCount(2);
  const copy = rows.filter({ hasText: "Critical production alerts (copy)" });
  await expect(copy.getByRole("switch")).toHaveAttribute("aria-checked", "false");
  await expect(copy).toContainText("Disabled");

  // Switch the original off; delete the copy, after confirming.
  const original = rows.filter({ has: page.getByTestId("rule-name").getByText("Critical production alerts", { exact: true }) });
  await original.getByRole("switch").click();
  await expect(original.getByRole("switch")).toHaveAttribute("aria-checked", "false");
  await copy.getByRole("button", { name: "Delete" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("This cannot be undone");
  await dialog.getByRole("button", { name: "Delete rule" }).click();
  await expect(rows).toHaveCount(1);
  await page.reload();
  await expect(rows.getByRole("switch")).toHaveAttribute("aria-checked", "false");
});
