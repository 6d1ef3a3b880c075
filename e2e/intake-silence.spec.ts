import { expect, test } from "@playwright/test";
import { createWorkspace } from "./helpers";

// The server runs its job layer on the adjustable clock (playwright.config.ts sets
// TOCSIN_JOB_CLOCK=adjustable): POST /api/test-clock lets minutes pass for the watcher at once.
const MINUTE = 60_000;

test("a source with a 15-minute silence threshold goes silent when the job clock moves 16 minutes on, and the bell says so live", async ({ page }) => {
  const slug = await createWorkspace(page, "Silence Inc", "silence");

  // A source with the 15-minute preset; nothing has arrived yet.
  await page.goto(`/w/${slug}/sources`);
  await page.getByRole("button", { name: "New source" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill("Nightly scanner");
  const threshold = dialog.getByLabel("Silence threshold", { exact: true });
  await expect(threshold).toHaveValue("off");
  // A custom value below 15 minutes is refused beside the field, before any request.
  await threshold.selectOption({ label: "Custom…" });
  await dialog.getByLabel("Custom threshold amount").fill("10");
  await dialog.getByLabel("Custom threshold unit").selectOption("minutes");
  await dialog.getByRole("button", { name: "Create source" }).click();
  await expect(dialog.locator("#source-silence-error")).toHaveText("At least 15 minutes (900 seconds)");
  await threshold.selectOption({ label: "15 min" });
  await dialog.getByRole("button", { name: "Create source" }).click();
  await expect(dialog.getByRole("heading", { name: "Nightly scanner is ready" })).toBeVisible();
  await dialog.getByRole("button", { name: "I have copied the token" }).click();
  const row = page.getByTestId("source-row").filter({ hasText: "Nightly scanner" });
  await expect(row.getByTestId("source-silence-badge")).toHaveText("Never received");
  await expect(row.getByTestId("source-silence-state")).toHaveText("Never received (silent 15 min after creation)");

  // A personal rule on intake.silent, to the in-app inbox.
  await page.goto(`/w/${slug}/rules/new`);
  await page.getByLabel("Name", { exact: true }).fill("Quiet sources");
  await page.getByLabel("Search the event catalog").fill("No events received");
  // It is listed under Tocsin and under Sekoia (whose "no events received" it stands for): either will do.
  await page.getByTestId("catalog-picker").getByRole("region", { name: "Tocsin" }).getByRole("checkbox", { name: "intake.silent" }).check();
  await expect(page.getByTestId("rule-trigger")).toHaveCount(1);
  await expect(page.getByRole("checkbox", { name: /In-app inbox/ })).toBeChecked();
  await page.getByRole("button", { name: "Create rule" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/rules$`));

  // 16 minutes pass for the job layer: the watcher's next run finds the source silent.
  const bell = page.getByTestId("notification-bell");
  await expect(bell).toHaveAccessibleName("Notifications: 0 unread");
  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
  const advanced = await page.request.post("/api/test-clock", { data: { advanceMs: 16 * MINUTE } });
  expect(advanced.status()).toBe(200);
  expect(await advanced.json()).toMatchObject({ offsetMs: expect.any(Number), settled: true });

  // The bell counts it without a reload.
  await expect(bell.getByTestId("unread-count")).toHaveText("1", { timeout: 10_000 });
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
  await bell.click();
  await expect(page.getByTestId("notification-dropdown").getByTestId("bell-notification")).toContainText('No events from "Nightly scanner" for 15 min');

  // The inbox entry names the type and the rule.
  await page.goto(`/w/${slug}/inbox`);
  const entry = page.getByTestId("inbox-row");
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText("intake.silent");
  await expect(entry).toContainText("Quiet sources");
  await expect(entry.getByTestId("notification-title")).toHaveText('No events from "Nightly scanner" for 15 min');

  // The Sources page shows the source silent, with its threshold.
  await page.goto(`/w/${slug}/sources`);
  await expect(row.getByTestId("source-silence-badge")).toHaveText("Silent");
  await expect(row.getByTestId("source-silence-state")).toHaveAttribute("data-state", "silent");
  await expect(row.getByTestId("source-silence-state")).toContainText(/^Silent since .+ \(threshold 15 min\)$/);

  // The next minute's run raises nothing more: one intake.silent per silent period.
  const next = await page.request.post("/api/test-clock", { data: { advanceMs: MINUTE } });
  expect(await next.json()).toMatchObject({ settled: true });
  await page.goto(`/w/${slug}/inbox`);
  await expect(entry).toHaveCount(1);
});

test("the test clock refuses a malformed request", async ({ request }) => {
  const response = await request.post("/api/test-clock", { data: { advanceMs: -1 } });
  expect(response.status()).toBe(400);
  expect(await response.json()).toEqual({ error: { code: "invalid_body", message: "advanceMs: at least 1", details: null } });
});
