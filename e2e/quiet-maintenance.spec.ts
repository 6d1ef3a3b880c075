import { expect, test } from "@playwright/test";
import { createSource, createWorkspace } from "./helpers";

// The workspace's timezone is UTC (the default), so datetime-local values are written in UTC.
const utcLocal = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString().slice(0, 16);
const hour = 3_600_000;

test("a member sets quiet hours; an admin schedules, deletes and ends a source's maintenance window", async ({ page }) => {
  const slug = await createWorkspace(page, "Quiet Ltd", "quiet", "single");

  // Quiet hours: off, then 22:00 to 07:00 on weeknights in Paris, saved and kept.
  await page.goto(`/w/${slug}/preferences`);
  await page.waitForLoadState("networkidle");
  const form = page.getByTestId("quiet-hours-form");
  await expect(form.getByTestId("quiet-hours-sentence")).toHaveText("Off: every notification reaches your channels as it happens.");
  await form.getByRole("switch", { name: "Quiet hours" }).click();
  await form.getByLabel("From").fill("22:00");
  await form.getByLabel("To").fill("07:00");
  for (const day of ["Sat", "Sun"]) await form.getByRole("button", { name: day, exact: true }).click();
  await form.getByLabel("Timezone").fill("Mars/Olympus_Mons");
  await form.getByRole("button", { name: "Save quiet hours" }).click();
  await expect(form.getByRole("alert")).toContainText("Unknown timezone");
  await form.getByLabel("Timezone").fill("Europe/Paris");
  await expect(form.getByTestId("quiet-hours-sentence")).toContainText(
    "From 22:00 to 07:00 the next day, starting on Monday to Friday (Europe/Paris time): non-critical email and chat notifications to your own channels wait until 07:00 and arrive as one summary; critical ones and the in-app inbox are never held.",
  );
  await form.getByRole("button", { name: "Save quiet hours" }).click();
  await expect(form.getByRole("status")).toHaveText("Saved");
  await page.reload();
  await expect(page.getByTestId("quiet-hours-form").getByLabel("Timezone")).toHaveValue("Europe/Paris");
  await expect(page.getByTestId("quiet-hours-form").getByLabel("From")).toHaveValue("22:00");

  // Maintenance: schedule one to come, delete it; schedule one running now, see the badge, end it.
  await createSource(page, slug, "Scanner");
  await page.goto(`/w/${slug}/sources`);
  const row = page.getByTestId("source-row").filter({ hasText: "Scanner" });
  await row.getByRole("button", { name: "Maintenance" }).click();
  let dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("None: notifications from this source flow as usual.");
  await dialog.getByLabel("Starts").fill(utcLocal(2 * hour));
  await dialog.getByLabel("Ends").fill(utcLocal(hour));
  await dialog.getByRole("button", { name: "Schedule window" }).click();
  await expect(dialog.locator("#maintenance-end-error")).toHaveText("The end must be after the start");
  await dialog.getByLabel("Ends").fill(utcLocal(4 * hour));
  await dialog.getByLabel("Reason (optional)").fill("Upgrade to 5.2");
  await dialog.getByRole("button", { name: "Schedule window" }).click();
  const upcoming = dialog.getByTestId("maintenance-upcoming");
  await expect(upcoming).toContainText("Upgrade to 5.2");
  await upcoming.getByRole("button", { name: "Delete" }).click();
  await expect(dialog).toContainText("Nothing scheduled.");

  await dialog.getByLabel("Starts").fill(utcLocal(-hour));
  await dialog.getByLabel("Ends").fill(utcLocal(2 * hour));
  await dialog.getByLabel("Reason (optional)").fill("Database migration");
  await dialog.getByRole("button", { name: "Schedule window" }).click();
  await expect(dialog.getByTestId("maintenance-current")).toContainText("In maintenance until");
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(row.getByTestId("source-maintenance-badge")).toContainText("In maintenance until");

  await row.getByRole("button", { name: "Maintenance" }).click();
  dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "End now" }).click();
  await expect(dialog.getByTestId("maintenance-past")).toContainText("Database migration");
  await expect(dialog).toContainText("None: notifications from this source flow as usual.");
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(row.getByTestId("source-maintenance-badge")).toHaveCount(0);
});
