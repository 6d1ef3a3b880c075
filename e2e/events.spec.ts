import { expect, test } from "@playwright/test";
import { signIn, uniqueEmail } from "./helpers";

test("events posted to a source's URL appear in the event log, filter by severity, and open with their raw JSON", async ({ page, request }) => {
  const slug = `events-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  await page.goto("/");
  await signIn(page, uniqueEmail("events"));
  await expect(page).toHaveURL(/\/workspaces\/new$/);
  await page.getByLabel("Workspace name").fill("Events MSSP");
  await page.getByLabel("URL").fill(slug);
  await page.getByText("Several communities").click();
  await page.getByRole("button", { name: "Create workspace" }).click();

  // The event log is the workspace's home, and the first section of the sidebar.
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/events$`));
  const nav = page.getByRole("navigation", { name: "Workspace sections" });
  await expect(nav.getByRole("link").first()).toHaveText("Events");
  await expect(nav.getByRole("link", { name: "Events" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByText("No events yet.")).toBeVisible();

  // A community, and a source in it, through the UI.
  await nav.getByRole("link", { name: "Communities" }).click();
  await page.getByLabel("New community").fill("Globex");
  await page.getByRole("button", { name: "Add community" }).click();
  await expect(page.getByTestId("community-row")).toHaveCount(1);
  await nav.getByRole("link", { name: "Sources" }).click();
  await page.getByRole("button", { name: "New source" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill("Globex scanner");
  await dialog.getByRole("button", { name: "Create source" }).click();
  const token = await dialog.getByLabel("Token", { exact: true }).inputValue();
  const url = await dialog.getByLabel("Ingest URL", { exact: true }).inputValue();
  expect(token).toMatch(/^tcn_/);

  // A tool posts two events, token as Bearer: a routine one, then an alarming one.
  const occurredAt = new Date(Date.now() - 60_000).toISOString();
  const post = async (event: Record<string, unknown>) => {
    const response = await request.post(url, { headers: { Authorization: `Bearer ${token}` }, data: event });
    expect(response.status()).toBe(202);
    expect(await response.json()).toMatchObject({ accepted: 1, duplicates: 0 });
  };
  await post({ type: "backup.completed", severity: "info", title: "Nightly backup completed", occurredAt, externalId: "evt-1" });
  await post({
    type: "auth.login_failed",
    severity: "high",
    title: "Login failed for alice",
    message: "Five wrong passwords in a row",
    actor: "alice@globex.test",
    clientIp: "203.0.113.9",
    occurredAt,
    externalId: "evt-2",
    data: { attempts: 5, marker: "raw-json-visible" },
  });
  await dialog.getByRole("button", { name: "I have copied the token" }).click();

  // The log also holds the audit trail of the changes just made (each audit entry is an event).
  await nav.getByRole("link", { name: "Events" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/events$`));
  const rows = page.getByTestId("event-row");
  await expect(rows.getByTestId("event-type")).toHaveText(["auth.login_failed", "backup.completed", "audit.source.created", "audit.community.created"]);

  // Only what the tool sent: both appear, newest first, with source and community, and in the chart.
  await page.getByLabel("Origin").selectOption("ingest");
  await expect(page).toHaveURL(/[?&]origin=ingest(&|$)/);
  await expect(rows).toHaveCount(2);
  await expect(rows.getByTestId("event-type")).toHaveText(["auth.login_failed", "backup.completed"]);
  await expect(rows.first()).toContainText("Login failed for alice");
  await expect(rows.first()).toContainText("alice@globex.test");
  await expect(rows.first()).toContainText("Globex scanner");
  await expect(rows.first()).toContainText("Globex");
  await expect(rows.first().getByTestId("severity-badge")).toHaveText("High");
  await expect(page.getByText("2 events · per hour · last 24 hours")).toBeVisible();
  await expect(page.getByTestId("volume-legend-item")).toHaveText([/auth\.login_failed\s*1/, /backup\.completed\s*1/]);

  // Filter by severity: the choice applies at once and lives in the URL.
  await page.getByLabel("Severity").selectOption("high");
  await expect(page).toHaveURL(/[?&]severity=high(&|$)/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("Login failed for alice");
  await page.reload();
  await expect(page.getByLabel("Severity")).toHaveValue("high");
  await expect(rows).toHaveCount(1);

  // Text search, combined with the severity filter; nothing matches, then the filters clear.
  await page.getByLabel("Search").fill("backup");
  await page.getByLabel("Search").press("Enter");
  await expect(page).toHaveURL(/q=backup/);
  await expect(page.getByText("No events match these filters")).toBeVisible();
  await page.getByRole("link", { name: "Clear filters" }).click();
  await expect(rows).toHaveCount(4);
  await page.getByLabel("Severity").selectOption("high");
  await expect(rows).toHaveCount(1);

  // The detail: normalised fields and the raw JSON as posted; back returns to the filtered list.
  await rows.first().getByRole("link", { name: "Login failed for alice" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/events/[0-9a-f-]{36}\\?back=`));
  await expect(page.getByRole("heading", { name: "Login failed for alice" })).toBeVisible();
  const fields = page.getByTestId("event-fields");
  await expect(fields).toContainText("auth.login_failed");
  await expect(fields).toContainText("Globex scanner");
  await expect(fields).toContainText("203.0.113.9");
  await expect(fields).toContainText("evt-2");
  await expect(page.getByTestId("event-message")).toHaveText("Five wrong passwords in a row");
  const raw = page.getByLabel("Raw payload");
  await expect(raw).toContainText('"marker": "raw-json-visible"');
  await expect(raw).toContainText('"externalId": "evt-2"');
  await expect(page.getByLabel("Event data")).toContainText('"attempts": 5');
  await page.getByRole("link", { name: "← Back to events" }).first().click();
  await expect(page).toHaveURL(/\/events\?severity=high$/);
  await expect(rows).toHaveCount(1);

  // An unknown event id is simply not found.
  await page.goto(`/w/${slug}/events/0190f5d2-0000-7000-8000-000000000000`);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
});
