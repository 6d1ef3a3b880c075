import { expect, test } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { startTestReceiver, type ReceivedRequest, type TestReceiver } from "../server/channels/test-receiver";
import { createSource, createWorkspace } from "./helpers";

// The e2e server may connect to 127.0.0.2 only (TOCSIN_ALLOWED_PRIVATE_CIDRS in playwright.config.ts).
let receiver: TestReceiver;
let failing = false;

test.beforeAll(async () => {
  // Answers 500 while `failing`, and always under /always-500/.
  receiver = await startTestReceiver({ host: "127.0.0.2", reply: (request) => ({ status: failing || request.path.startsWith("/always-500/") ? 500 : 200 }) });
});
test.afterAll(async () => receiver.close());

const headerOf = (request: ReceivedRequest, name: string) => String(request.headers[name] ?? "");
const requestsAbout = (title: string) => receiver.requests.filter((request) => request.body.includes(title));

/** Verifies a request's Standard Webhooks signature with the channel's secret; throws if it does not verify. */
function verifySignature(secret: string, request: ReceivedRequest) {
  const headers = Object.fromEntries(["webhook-id", "webhook-timestamp", "webhook-signature"].map((name) => [name, headerOf(request, name)]));
  return new Webhook(secret).verify(request.body, headers) as { type: string; test: boolean; event: { title: string } };
}

test("a webhook channel is tested, used by a rule, logs its deliveries, retries a failing receiver and replays", async ({ page }) => {
  test.setTimeout(150_000);
  const slug = await createWorkspace(page, "Channels Inc", "channels");

  // The channels page, from the sidebar: empty, explaining what a channel is.
  const nav = page.getByRole("navigation", { name: "Workspace sections" });
  await nav.getByRole("link", { name: "Channels" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/channels$`));
  await expect(page.getByTestId("personal-channels")).toContainText("A channel is somewhere Tocsin delivers");

  // A webhook channel to the local receiver, with one retry; its signing secret is shown at once.
  await page.getByRole("button", { name: "New channel" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("radio", { name: "Webhook" }).check();
  await expect(dialog).toContainText("signed with Standard Webhooks");
  await dialog.getByLabel("Name").fill("SOAR intake");
  await dialog.getByLabel("Endpoint URL").fill(`${receiver.url}/hooks/tocsin`);
  await dialog.getByLabel("Retries").selectOption("1");
  await expect(dialog).toContainText("After a failed attempt: +10 s");
  await dialog.getByRole("button", { name: "Create channel" }).click();
  await expect(dialog.getByRole("heading", { name: "SOAR intake is ready" })).toBeVisible();
  const secret = await dialog.getByLabel("Signing secret", { exact: true }).inputValue();
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
  await dialog.getByRole("button", { name: "I have copied the secret" }).click();
  await expect(dialog).toHaveCount(0);

  // Listed with its kind, its masked target (the path is the secret part) and its retries.
  const row = page.getByTestId("channel-row").filter({ hasText: "SOAR intake" });
  await expect(row.getByTestId("channel-kind")).toContainText("Webhook");
  await expect(row.getByTestId("channel-target")).toContainText(`${receiver.url}/…`);
  await expect(row).toContainText("1: +10 s");
  await expect(row.getByTestId("channel-state")).toHaveText("On");
  await expect(page.getByText("/hooks/tocsin")).toHaveCount(0);

  // Send test: the exact body and its size first, then the receiver's answer.
  await row.getByRole("button", { name: "Send test" }).click();
  await expect(dialog.getByTestId("payload-size")).toContainText(/^[\d,]+ bytes of 262,144$/);
  await expect(dialog.getByLabel("Request body (application/json)")).toContainText('"test": true');
  await dialog.getByRole("button", { name: "Send test" }).click();
  await expect(dialog.getByTestId("send-test-result")).toContainText(/Delivered: HTTP 200 · \d+ ms/);
  expect(receiver.requests).toHaveLength(1);
  expect(verifySignature(secret, receiver.requests[0]!)).toMatchObject({ type: "tocsin.notification", test: true });
  await dialog.getByRole("button", { name: "Close" }).click();

  // A source, and a rule that notifies the inbox and the channel.
  const source = await createSource(page, slug, "Backup script");
  await page.goto(`/w/${slug}/rules/new`);
  await page.getByLabel("Name", { exact: true }).fill("Backups to SOAR");
  await page.getByLabel("Type or pattern").fill("backup.*");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByRole("checkbox", { name: "In-app inbox" })).toBeChecked();
  await page.getByTestId("rule-channels").getByRole("checkbox", { name: "SOAR intake" }).check();
  await page.getByRole("button", { name: "Create rule" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/rules$`));
  const destinations = page.getByTestId("rule-row").getByTestId("rule-destinations");
  await expect(destinations).toContainText("Inbox");
  await expect(destinations).toContainText("SOAR intake");

  let posted = 0;
  const post = async (title: string) => {
    const response = await fetch(source.url, {
      method: "POST",
      headers: { Authorization: `Bearer ${source.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ type: "backup.failed", severity: "high", title, externalId: `backup-${++posted}` }),
    });
    expect(response.status).toBe(202);
  };

  // An event: delivered, signed, and logged on the channel's page.
  const first = "Nightly backup of db-prod-1 failed";
  await post(first);
  await expect.poll(() => requestsAbout(first).length, { timeout: 15_000 }).toBe(1);
  expect(verifySignature(secret, requestsAbout(first)[0]!)).toMatchObject({ test: false, event: { title: first } });
  await nav.getByRole("link", { name: "Channels" }).click();
  await row.getByRole("link", { name: "Delivery log" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/channels/[0-9a-f-]{36}$`));
  await expect(page.getByRole("heading", { name: "SOAR intake" })).toBeVisible();
  const deliveries = page.getByTestId("delivery-row");
  const delivered = deliveries.filter({ hasText: first });
  await expect(delivered).toHaveAttribute("data-status", "delivered");
  await expect(delivered.getByTestId("delivery-last-response")).toContainText("HTTP 200");
  await expect(delivered).toContainText("Rule: Backups to SOAR");

  // The receiver fails: the first attempt is answered 500 and a retry is scheduled.
  failing = true;
  const second = "Nightly backup of db-prod-2 failed";
  await post(second);
  await expect.poll(() => requestsAbout(second).length, { timeout: 15_000 }).toBe(1);
  await page.reload();
  const retried = deliveries.filter({ hasText: second });
  await expect(retried).toHaveAttribute("data-status", "pending");
  await expect(retried.getByTestId("delivery-next-attempt")).toContainText("next retry");
  await retried.getByRole("button", { name: "Attempts" }).click();
  const attempts = retried.getByTestId("delivery-attempt");
  await expect(attempts).toHaveCount(1);
  await expect(attempts.first()).toHaveAttribute("data-outcome", "retry");
  await expect(attempts.first().getByTestId("attempt-status")).toHaveText("500");

  // About 10 s later the one retry fails too: the delivery ends failed, without a reload.
  await expect(retried).toHaveAttribute("data-status", "failed", { timeout: 30_000 });
  await expect(attempts).toHaveCount(2);
  await expect(attempts.nth(1)).toHaveAttribute("data-outcome", "failed");
  const [firstTry, retry] = requestsAbout(second);
  expect(retry!.receivedAt - firstTry!.receivedAt).toBeGreaterThanOrEqual(7_000);
  await expect(page.getByTestId("channel-summary").getByTestId("channel-state")).toHaveText("Failing");
  await page.getByRole("button", { name: "Failed", exact: true }).click();
  await expect(deliveries).toHaveCount(1);
  await page.getByRole("button", { name: "All", exact: true }).click();
  await expect(deliveries).toHaveCount(2);

  // The receiver recovers; Replay delivers it, under the same webhook-id as every earlier attempt.
  failing = false;
  await retried.getByRole("button", { name: "Replay" }).click();
  await expect(retried).toHaveAttribute("data-status", "delivered", { timeout: 20_000 });
  await expect(retried).toContainText("replayed once");
  await expect(page.getByTestId("channel-summary").getByTestId("channel-state")).toHaveText("On");
  const sent = requestsAbout(second);
  expect(sent).toHaveLength(3);
  const webhookIds = new Set(sent.map((request) => headerOf(request, "webhook-id")));
  expect(webhookIds.size).toBe(1);
  expect([...webhookIds][0]).toMatch(/^msg_/);
  expect(headerOf(sent[0]!, "webhook-id")).not.toBe(headerOf(requestsAbout(first)[0]!, "webhook-id"));
  for (const request of sent) expect(verifySignature(secret, request).event.title).toBe(second);

  // The event's page lists its delivery, linking back to the channel's log.
  await retried.getByRole("link", { name: second }).click();
  const eventDelivery = page.getByTestId("event-delivery");
  await expect(eventDelivery).toHaveCount(1);
  await expect(eventDelivery).toHaveAttribute("data-status", "delivered");
  await expect(eventDelivery).toContainText("via Backups to SOAR");
  await eventDelivery.getByRole("link", { name: "SOAR intake" }).click();
  await expect(page.getByRole("heading", { name: "SOAR intake" })).toBeVisible();
});

test("a webhook's signing secret rotates with an overlap, edits keep its secrets, and it is switched off and deleted; an email channel previews its message", async ({ page }) => {
  const slug = await createWorkspace(page, "Channels Ltd", "channels");
  await page.goto(`/w/${slug}/channels`);
  const dialog = page.getByRole("dialog");

  // A webhook with a bearer token.
  await page.getByRole("button", { name: "New Webhook channel" }).click();
  await expect(dialog.getByRole("radio", { name: "Webhook" })).toBeChecked();
  await dialog.getByLabel("Name").fill("Audit stream");
  await dialog.getByLabel("Endpoint URL").fill(`${receiver.url}/audit/7f3a`);
  await dialog.getByLabel("Authorization header").selectOption("bearer");
  await dialog.getByLabel("Token").fill("s3cret-token");
  await dialog.getByRole("button", { name: "Create channel" }).click();
  const firstSecret = await dialog.getByLabel("Signing secret", { exact: true }).inputValue();
  await dialog.getByRole("button", { name: "I have copied the secret" }).click();
  const row = page.getByTestId("channel-row").filter({ hasText: "Audit stream" });

  // Revealed again on request; rotated after a confirmation, the previous one kept for 24 h.
  await row.getByRole("button", { name: "Signing secret" }).click();
  await dialog.getByRole("button", { name: "Reveal the secret" }).click();
  await expect(dialog.getByLabel("Signing secret", { exact: true })).toHaveValue(firstSecret);
  await dialog.getByRole("button", { name: "Rotate secret…" }).click();
  await expect(dialog).toContainText("For the next 24 hours every request carries two signatures");
  await dialog.getByRole("button", { name: "Rotate now" }).click();
  await expect(dialog.getByLabel("Previous signing secret", { exact: true })).toHaveValue(firstSecret);
  const secret = await dialog.getByLabel("Signing secret", { exact: true }).inputValue();
  expect(secret).not.toBe(firstSecret);
  await expect(dialog).toContainText("Also signs every request until");
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(row).toContainText("the previous one stops signing in");

  // Both secrets sign during the overlap, and the token goes in the Authorization header.
  const sendTest = async () => {
    await row.getByRole("button", { name: "Send test" }).click();
    await dialog.getByRole("button", { name: "Send test" }).click();
    await expect(dialog.getByTestId("send-test-result")).toHaveAttribute("data-outcome", "delivered");
    await dialog.getByRole("button", { name: "Close" }).click();
    return receiver.requests.at(-1)!;
  };
  const tested = await sendTest();
  expect(headerOf(tested, "authorization")).toBe("Bearer s3cret-token");
  expect(headerOf(tested, "webhook-signature").split(" ")).toHaveLength(2);
  for (const key of [firstSecret, secret]) expect(verifySignature(key, tested).test).toBe(true);

  // Edit: the URL and token inputs start empty and, left so, keep what is stored.
  await row.getByRole("button", { name: "Edit" }).click();
  await expect(dialog.getByLabel("Endpoint URL")).toHaveValue("");
  await expect(dialog.getByLabel("Endpoint URL")).toHaveAttribute("placeholder", "Leave empty to keep");
  await dialog.getByLabel("Name").fill("Audit stream (SIEM)");
  await dialog.getByRole("button", { name: "Save channel" }).click();
  await expect(dialog).toHaveCount(0);
  const renamed = page.getByTestId("channel-row").filter({ hasText: "Audit stream (SIEM)" });
  await expect(renamed).toBeVisible();
  const retested = await (async () => {
    await renamed.getByRole("button", { name: "Send test" }).click();
    await dialog.getByRole("button", { name: "Send test" }).click();
    await expect(dialog.getByTestId("send-test-result")).toHaveAttribute("data-outcome", "delivered");
    await dialog.getByRole("button", { name: "Close" }).click();
    return receiver.requests.at(-1)!;
  })();
  expect(retested.path).toBe("/audit/7f3a");
  expect(headerOf(retested, "authorization")).toBe("Bearer s3cret-token");

  // Switched off by hand: its log says replays wait until it is on again.
  await renamed.getByRole("switch").click();
  await expect(renamed.getByTestId("channel-state")).toHaveText("Off");
  await renamed.getByRole("link", { name: "Delivery log" }).click();
  await expect(page.getByTestId("replay-disabled-note")).toBeVisible();
  await expect(page.getByRole("button", { name: "Replay failed" })).toBeDisabled();

  // Deleted from its page, after a confirmation that says what goes with it.
  await page.getByTestId("channel-summary").getByRole("button", { name: "Delete" }).click();
  await expect(dialog).toContainText("Its delivery log goes with it");
  await dialog.getByRole("button", { name: "Delete channel" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/channels$`));
  await expect(page.getByTestId("channel-row")).toHaveCount(0);

  // An email channel mails its owner by default; its test shows the subject, the HTML and the text.
  await page.getByRole("button", { name: "New channel" }).click();
  await dialog.getByRole("radio", { name: "Email" }).check();
  await expect(dialog.getByLabel("Recipients")).toHaveValue(/^channels-.+@example\.com$/);
  await dialog.getByLabel("Name").fill("My mailbox");
  await dialog.getByRole("button", { name: "Create channel" }).click();
  await expect(dialog).toHaveCount(0);
  const mailbox = page.getByTestId("channel-row").filter({ hasText: "My mailbox" });
  await mailbox.getByRole("button", { name: "Send test" }).click();
  await expect(dialog.getByTestId("email-subject")).not.toBeEmpty();
  await expect(dialog.locator('iframe[title="HTML part of the email"]')).toHaveAttribute("sandbox", "");
  await expect(dialog.getByLabel("Text part")).not.toBeEmpty();
  await dialog.getByRole("button", { name: "Send test" }).click();
  await expect(dialog.getByTestId("send-test-result")).toHaveAttribute("data-outcome", "delivered");
});

test("after five failed deliveries in a row Tocsin switches a channel off, tells its owner, and switching it on asks first", async ({ page }) => {
  const slug = await createWorkspace(page, "Channels GmbH", "channels");
  await page.goto(`/w/${slug}/channels`);
  const dialog = page.getByRole("dialog");
  await page.getByRole("button", { name: "New channel" }).click();
  await dialog.getByRole("radio", { name: "Webhook" }).check();
  await dialog.getByLabel("Name").fill("Flaky hook");
  await dialog.getByLabel("Endpoint URL").fill(`${receiver.url}/always-500/${slug}`);
  await dialog.getByLabel("Retries").selectOption("0");
  await expect(dialog).toContainText("After a failed attempt: no retries");
  await dialog.getByRole("button", { name: "Create channel" }).click();
  await dialog.getByRole("button", { name: "I have copied the secret" }).click();

  // A rule that notifies the channel only.
  const source = await createSource(page, slug, "Scanner");
  await page.goto(`/w/${slug}/rules/new`);
  await page.getByLabel("Name", { exact: true }).fill("Scans to the hook");
  await page.getByLabel("Type or pattern").fill("scan.*");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await page.getByRole("checkbox", { name: "In-app inbox" }).uncheck();
  await page.getByRole("button", { name: "Create rule" }).click();
  await expect(page.getByText("Choose where to notify: the inbox, a channel, or both")).toBeVisible();
  await page.getByTestId("rule-channels").getByRole("checkbox", { name: "Flaky hook" }).check();
  await page.getByRole("button", { name: "Create rule" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/rules$`));
  await expect(page.getByTestId("rule-destinations")).not.toContainText("Inbox");

  const sentHere = () => receiver.requests.filter((request) => request.path === `/always-500/${slug}`);
  for (let n = 1; n <= 5; n++) {
    const response = await fetch(source.url, {
      method: "POST",
      headers: { Authorization: `Bearer ${source.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ type: "scan.finished", severity: "low", title: `Scan ${n} finished`, externalId: `scan-${n}` }),
    });
    expect(response.status).toBe(202);
    await expect.poll(() => sentHere().length, { timeout: 15_000 }).toBe(n);
  }

  // Switched off, with the reason in full; its owner hears of it in the inbox and by email. (The
  // receiver has answered the fifth request; its attempt may still be being recorded: reload until it is.)
  const row = page.getByTestId("channel-row").filter({ hasText: "Flaky hook" });
  await expect(async () => {
    await page.goto(`/w/${slug}/channels`);
    await expect(row.getByTestId("channel-state")).toHaveText("Switched off by Tocsin", { timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  await expect(row.getByTestId("channel-state-detail")).toContainText("5 deliveries in a row failed; the last: The receiver answered HTTP 500");
  await expect(page.getByTestId("notification-bell")).toHaveAccessibleName("Notifications: 1 unread");
  await page.goto("/outbox");
  await expect(page.getByText('Tocsin switched off the webhook channel "Flaky hook"').first()).toBeVisible();

  // Switching it back on says what that does first.
  await page.goto(`/w/${slug}/channels`);
  await row.getByRole("switch", { name: "Flaky hook switched on" }).click();
  await expect(dialog.getByRole("heading", { name: "Switch Flaky hook back on?" })).toBeVisible();
  await expect(dialog).toContainText("5 deliveries in a row failed");
  await expect(dialog).toContainText("resets its failure count");
  await dialog.getByRole("button", { name: "Switch on" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(row.getByTestId("channel-state")).toHaveText("On");
});
