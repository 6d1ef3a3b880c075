import { expect, test } from "@playwright/test";
import { followOutboxLink, signIn, uniqueEmail } from "./helpers";

test("a new user signs in, creates a multi-mode workspace, adds a community and invites a colleague who joins", async ({ page, browser }) => {
  const alice = uniqueEmail("alice");
  const bob = uniqueEmail("bob");
  const slug = `acme-${Date.now().toString(36)}`;

  // Signed out, the app sends you to sign-in; the magic link arrives in the local outbox.
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in/);
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.locator("#email-error")).toContainText("valid email");
  await signIn(page, alice);

  // First sign-in: no workspace yet, so the app asks for one.
  await expect(page).toHaveURL(/\/workspaces\/new$/);
  await page.getByLabel("Workspace name").fill("Acme MSSP");
  await expect(page.getByLabel("URL")).toHaveValue("acme-mssp");
  await page.getByLabel("URL").fill("x");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.locator("#slug-error")).toContainText("at least 3 characters");
  await page.getByLabel("URL").fill(slug);
  await page.getByText("Several communities").click();
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/events$`));

  // The shell: switcher in the header, only the sections that exist in the sidebar.
  await expect(page.getByTestId("workspace-switcher")).toContainText("Acme MSSP");
  const nav = page.getByRole("navigation", { name: "Workspace sections" });
  // Each built section is linked; the list grows as sections are added, so items are checked one by one.
  for (const section of ["Events", "Communities", "Sources", "Members", "Settings"]) {
    await expect(nav.getByRole("link", { name: section, exact: true })).toBeVisible();
  }

  // Communities (multi mode): add one; a duplicate name is refused beside the field.
  await nav.getByRole("link", { name: "Communities" }).click();
  await expect(page.getByText("No communities yet")).toBeVisible();
  await page.getByLabel("New community").fill("Globex");
  await page.getByRole("button", { name: "Add community" }).click();
  await expect(page.getByTestId("community-row")).toHaveText(["GlobexRenameDelete"]);
  await page.getByLabel("New community").fill("globex");
  await page.getByRole("button", { name: "Add community" }).click();
  await expect(page.locator("#community-name-error")).toContainText("already exists");

  // Invite Bob as analyst; a malformed address is refused beside the field.
  await nav.getByRole("link", { name: "Members" }).click();
  await page.getByLabel("Email").fill("bob@");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.locator("#invite-email-error")).toContainText("valid email");
  await page.getByLabel("Email").fill(bob);
  await page.getByLabel("Role").selectOption("analyst");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByRole("status")).toContainText(`Invitation sent to ${bob}`);
  await expect(page.getByTestId("invitation-row")).toContainText(bob);

  // Bob, in his own browser: the invitation link leads through sign-in back to the invitation.
  const bobContext = await browser.newContext();
  const bobPage = await bobContext.newPage();
  await followOutboxLink(bobPage, bob, "/invite/");
  await expect(bobPage).toHaveURL(/\/sign-in\?callbackUrl=/);
  await signIn(bobPage, bob);
  await expect(bobPage.getByText("You are invited to Acme MSSP as Analyst")).toBeVisible();
  await bobPage.getByRole("button", { name: "Accept invitation" }).click();
  await expect(bobPage).toHaveURL(new RegExp(`/w/${slug}/events$`));
  await bobPage.goto(`/w/${slug}/members`);
  await expect(bobPage.getByText("You are analyst.")).toBeVisible();
  const bobRow = bobPage.getByTestId("member-row").filter({ hasText: bob });
  await expect(bobRow.getByTestId("member-role")).toHaveText("Analyst");
  // An analyst sees neither the invite form nor other members' role controls.
  await expect(bobPage.getByRole("button", { name: "Send invitation" })).toHaveCount(0);
  await expect(bobPage.getByRole("combobox")).toHaveCount(0);
  await bobContext.close();

  // Alice sees Bob as a member and the invitation is no longer open.
  await page.reload();
  await expect(page.getByTestId("member-row").filter({ hasText: bob }).getByRole("combobox")).toHaveValue("analyst");
  await expect(page.getByText("No open invitations.")).toBeVisible();
});

test("a workspace you are not a member of is a 404, and a signed-out visit goes to sign-in", async ({ page }) => {
  await page.goto("/w/some-workspace/members");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fw%2Fsome-workspace/);
  await signIn(page, uniqueEmail("carol"));
  // The callback brings Carol back to the page she asked for, which is not hers.
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
});
