import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/server/db/client";
import { communities, invitations, memberships, workspaces } from "@/server/db/schema";
import { createTestDatabase } from "@/server/db/test-database";
import {
  callerFor,
  callHttp,
  countRows,
  createUser,
  expectTrpcError,
  seedWorkspace,
  snapshotWorkspace,
  type Caller,
} from "../test-helpers";
import type { SessionUser } from "../trpc";

describe("workspace router", () => {
  let handle: DbHandle;
  let alice: SessionUser;
  let asAlice: Caller;

  beforeAll(async () => {
    handle = await createTestDatabase();
    alice = await createUser(handle.db, "alice@ws.test");
    asAlice = callerFor(handle.db, alice);
  });
  afterAll(() => handle.close());

  const settings = (overrides: Partial<{ name: string; timezone: string; retentionDays: number; webhookChannelCap: number; mode: "single" | "multi" }> = {}) => ({
    name: "Settings",
    timezone: "UTC",
    retentionDays: 365,
    webhookChannelCap: 10,
    mode: "multi" as const,
    ...overrides,
  });

  describe("create", () => {
    it("makes the creator owner of a multi-mode workspace with no communities", async () => {
      const created = await asAlice.workspace.create({ name: "  Blue Team  ", slug: "  Blue-Team ", mode: "multi" });
      expect(created).toMatchObject({ name: "Blue Team", slug: "blue-team", mode: "multi", timezone: "UTC", retentionDays: 365, webhookChannelCap: 10 });

      const got = await asAlice.workspace.get({ workspaceSlug: "blue-team" });
      expect(got.role).toBe("owner");
      expect(got.communities).toEqual([]);
      expect(await asAlice.member.list({ workspaceSlug: "blue-team" })).toEqual([
        expect.objectContaining({ userId: alice.id, email: alice.email, role: "owner" }),
      ]);
    });

    it("gives a single-mode workspace exactly one (hidden) community", async () => {
      const created = await asAlice.workspace.create({ name: "Solo", slug: "solo", mode: "single" });
      const rows = await handle.db.select().from(communities).where(eq(communities.workspaceId, created.id));
      expect(rows.map((c) => c.name)).toEqual(["Default"]);
    });

    it("lists only the caller's own workspaces, with the caller's role", async () => {
      const bob = await createUser(handle.db, "bob@ws.test");
      const asBob = callerFor(handle.db, bob);
      await asBob.workspace.create({ name: "Zeta", slug: "zeta", mode: "multi" });
      await asBob.workspace.create({ name: "Alpha Squad", slug: "alpha-squad", mode: "single" });
      expect(await asBob.workspace.list()).toEqual([
        { id: expect.any(String), slug: "alpha-squad", name: "Alpha Squad", mode: "single", role: "owner" },
        { id: expect.any(String), slug: "zeta", name: "Zeta", mode: "multi", role: "owner" },
      ]);
      expect((await asAlice.workspace.list()).map((w) => w.slug)).not.toContain("zeta");
    });

    const badSlugs: [string, string][] = [
      ["ab", "A slug has at least 3 characters"],
      ["a".repeat(41), "A slug has at most 40 characters"],
      ["-abc", "Use lowercase letters, digits and dashes, starting and ending with a letter or digit"],
      ["abc-", "Use lowercase letters, digits and dashes, starting and ending with a letter or digit"],
      ["has space", "Use lowercase letters, digits and dashes, starting and ending with a letter or digit"],
      ["émoji", "Use lowercase letters, digits and dashes, starting and ending with a letter or digit"],
      ["a--b", "A slug cannot contain two dashes in a row"],
      ["admin", "This slug is reserved"],
      ["NEW", "This slug is reserved"],
      ["sign-in", "This slug is reserved"],
    ];

    it.each(badSlugs)("refuses the slug %j with BAD_REQUEST and fieldErrors.slug, writing nothing", async (slug, message) => {
      const before = await countRows(handle.db);
      const result = await callHttp({ db: handle.db, user: alice, path: "workspace.create", input: { name: "X", slug, mode: "multi" }, type: "mutation" });
      expect(result.status).toBe(400);
      expect(result.error!.data.fieldErrors).toEqual({ slug: [message] });
      expect(await countRows(handle.db)).toEqual(before);
    });

    it.each([
      ["", "Give the workspace a name"],
      ["   ", "Give the workspace a name"],
      ["x".repeat(81), "A name has at most 80 characters"],
      ["Bell\u0007", "A name cannot contain control characters"],
    ])("refuses the name %j with fieldErrors.name", async (name, message) => {
      const result = await callHttp({ db: handle.db, user: alice, path: "workspace.create", input: { name, slug: "named", mode: "multi" }, type: "mutation" });
      expect(result.status).toBe(400);
      expect(result.error!.data.fieldErrors).toEqual({ name: [message] });
    });

    it("refuses an unknown mode with fieldErrors.mode", async () => {
      const result = await callHttp({ db: handle.db, user: alice, path: "workspace.create", input: { name: "M", slug: "moded", mode: "triple" }, type: "mutation" });
      expect(result.error!.data.fieldErrors).toEqual({ mode: ["Choose single or multi"] });
    });

    it("answers a taken slug (in any case) with CONFLICT on the slug field and leaves no orphan rows", async () => {
      const carol = await createUser(handle.db, "carol@ws.test");
      await callerFor(handle.db, carol).workspace.create({ name: "Taken", slug: "taken", mode: "single" });
      const before = await countRows(handle.db);

      const dave = await createUser(handle.db, "dave@ws.test");
      for (const slug of ["taken", "TAKEN", " Taken "]) {
        for (const mode of ["single", "multi"] as const) {
          const error = await expectTrpcError(callerFor(handle.db, dave).workspace.create({ name: "Copy", slug, mode }), "CONFLICT");
          expect(error.message).toBe("This slug is already taken");
        }
      }
      expect(await countRows(handle.db)).toEqual(before);
      expect(await handle.db.select().from(memberships).where(eq(memberships.userId, dave.id))).toEqual([]);

      const result = await callHttp({ db: handle.db, user: dave, path: "workspace.create", input: { name: "Copy", slug: "taken", mode: "multi" }, type: "mutation" });
      expect(result.status).toBe(409);
      expect(result.error!.data.fieldErrors).toEqual({ slug: ["This slug is already taken"] });
    });

    it("lets exactly one of two simultaneous creations of the same slug win", async () => {
      const [erin, frank] = await Promise.all([createUser(handle.db, "erin@ws.test"), createUser(handle.db, "frank@ws.test")]);
      const before = await countRows(handle.db);
      const results = await Promise.allSettled([
        callerFor(handle.db, erin).workspace.create({ name: "Race", slug: "race", mode: "single" }),
        callerFor(handle.db, frank).workspace.create({ name: "Race", slug: "race", mode: "single" }),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(rejected.reason).toMatchObject({ code: "CONFLICT" });
      expect(await countRows(handle.db)).toEqual({
        ...before,
        workspaces: before.workspaces + 1,
        memberships: before.memberships + 1,
        communities: before.communities + 1,
      });
    });
  });

  describe("updateSettings", () => {
    it("saves every setting for an admin and bumps updatedAt", async () => {
      const ws = await seedWorkspace(handle.db, { slug: "settings-save" });
      const saved = await ws.callers.admin.workspace.updateSettings({
        workspaceSlug: ws.slug,
        ...settings({ name: "  Renamed  ", timezone: "Europe/Paris", retentionDays: 30, webhookChannelCap: 0 }),
      });
      expect(saved).toMatchObject({ id: ws.workspace.id, slug: ws.slug, name: "Renamed", timezone: "Europe/Paris", retentionDays: 30, webhookChannelCap: 0, mode: "multi" });
      expect(saved.updatedAt.getTime()).toBeGreaterThanOrEqual(ws.workspace.updatedAt.getTime());
      const [row] = await handle.db.select().from(workspaces).where(eq(workspaces.id, ws.workspace.id));
      expect(row).toEqual(saved);
    });

    it("stores a timezone typed in another case as the runtime spells it", async () => {
      const ws = await seedWorkspace(handle.db, { slug: "settings-timezone-case" });
      const saved = await ws.callers.admin.workspace.updateSettings({ workspaceSlug: ws.slug, ...settings({ timezone: "america/new_york" }) });
      expect(saved.timezone).toBe("America/New_York");
    });

    const invalid: [string, Record<string, unknown>, string, string][] = [
      ["an unknown timezone", { timezone: "Mars/Olympus" }, "timezone", "Unknown timezone (use an IANA name such as Europe/Paris)"],
      ["an empty timezone", { timezone: " " }, "timezone", "Choose a timezone"],
      ["a UTC offset instead of a zone", { timezone: "+01:00" }, "timezone", "Unknown timezone (use an IANA name such as Europe/Paris)"],
      ["zero retention", { retentionDays: 0 }, "retentionDays", "At least 1 day"],
      ["too long a retention", { retentionDays: 3651 }, "retentionDays", "At most 3650 days"],
      ["fractional days", { retentionDays: 1.5 }, "retentionDays", "Whole days only"],
      ["a negative webhook cap", { webhookChannelCap: -1 }, "webhookChannelCap", "Cannot be negative"],
      ["too high a webhook cap", { webhookChannelCap: 1001 }, "webhookChannelCap", "At most 1000"],
      ["an empty name", { name: "" }, "name", "Give the workspace a name"],
      ["an unknown mode", { mode: "both" }, "mode", "Choose single or multi"],
    ];

    it.each(invalid.map((row, i) => [...row, i] as const))("refuses %s with fieldErrors naming the field, changing nothing", async (_label, override, field, message, i) => {
      const ws = await seedWorkspace(handle.db, { slug: `invalid-settings-${i}` });
      const before = await snapshotWorkspace(handle.db, ws.workspace.id);
      const result = await callHttp({
        db: handle.db,
        user: ws.users.admin,
        path: "workspace.updateSettings",
        input: { workspaceSlug: ws.slug, ...settings(), ...override },
        type: "mutation",
      });
      expect(result.status).toBe(400);
      expect(result.error!.data.fieldErrors).toEqual({ [field]: [message] });
      expect(await snapshotWorkspace(handle.db, ws.workspace.id)).toEqual(before);
    });

    it("reveals the hidden community when a single-mode workspace goes multi", async () => {
      const owner = await createUser(handle.db, "single-to-multi@ws.test");
      const caller = callerFor(handle.db, owner);
      const created = await caller.workspace.create({ name: "S2M", slug: "single-to-multi", mode: "single" });
      const [hidden] = await caller.community.list({ workspaceSlug: created.slug });

      await caller.workspace.updateSettings({ workspaceSlug: created.slug, ...settings({ mode: "multi" }) });
      expect(await caller.community.list({ workspaceSlug: created.slug })).toEqual([hidden]);
      // Now the admins manage communities: the revealed one can be renamed like any other.
      await caller.community.rename({ workspaceSlug: created.slug, communityId: hidden!.id, name: "Main" });
    });

    it("creates the one community when an empty multi-mode workspace goes single", async () => {
      const ws = await seedWorkspace(handle.db, { slug: "multi-empty", communityNames: [] });
      expect(await ws.callers.owner.community.list({ workspaceSlug: ws.slug })).toEqual([]);
      const saved = await ws.callers.admin.workspace.updateSettings({ workspaceSlug: ws.slug, ...settings({ mode: "single" }) });
      expect(saved.mode).toBe("single");
      expect((await ws.callers.owner.community.list({ workspaceSlug: ws.slug })).map((c) => c.name)).toEqual(["Default"]);
    });

    it("keeps the existing community when a multi-mode workspace with one goes single", async () => {
      const ws = await seedWorkspace(handle.db, { slug: "multi-one", communityNames: ["Ops"] });
      await ws.callers.admin.workspace.updateSettings({ workspaceSlug: ws.slug, ...settings({ mode: "single" }) });
      expect(await ws.callers.owner.community.list({ workspaceSlug: ws.slug })).toEqual(ws.communities);
    });

    it("refuses to go single while there are two communities, and saves none of the other settings", async () => {
      const ws = await seedWorkspace(handle.db, { slug: "multi-two", communityNames: ["Ops", "Dev"] });
      const before = await snapshotWorkspace(handle.db, ws.workspace.id);
      const result = await callHttp({
        db: handle.db,
        user: ws.users.admin,
        path: "workspace.updateSettings",
        input: { workspaceSlug: ws.slug, ...settings({ name: "Should not stick", mode: "single" }) },
        type: "mutation",
      });
      expect(result.status).toBe(400);
      expect(result.error!.data.fieldErrors).toEqual({
        mode: ["This workspace has 2 communities; delete all but one before switching to single mode"],
      });
      expect(await snapshotWorkspace(handle.db, ws.workspace.id)).toEqual(before);
    });

    it("keeps a single-mode workspace single without adding a second community", async () => {
      const owner = await createUser(handle.db, "stay-single@ws.test");
      const caller = callerFor(handle.db, owner);
      await caller.workspace.create({ name: "Stay", slug: "stay-single", mode: "single" });
      await caller.workspace.updateSettings({ workspaceSlug: "stay-single", ...settings({ mode: "single", name: "Still single" }) });
      expect(await caller.community.list({ workspaceSlug: "stay-single" })).toHaveLength(1);
    });
  });

  describe("delete", () => {
    it("refuses a wrong confirmation with fieldErrors.confirmSlug and deletes nothing", async () => {
      const ws = await seedWorkspace(handle.db, { slug: "keep-me" });
      const before = await snapshotWorkspace(handle.db, ws.workspace.id);
      for (const confirmSlug of ["keep", "KEEP-ME", "other"]) {
        const result = await callHttp({
          db: handle.db,
          user: ws.users.owner,
          path: "workspace.delete",
          input: { workspaceSlug: ws.slug, confirmSlug },
          type: "mutation",
        });
        expect(result.status).toBe(400);
        expect(result.error!.data.fieldErrors).toEqual({ confirmSlug: ['Type "keep-me" to confirm'] });
      }
      const empty = await callHttp({ db: handle.db, user: ws.users.owner, path: "workspace.delete", input: { workspaceSlug: ws.slug, confirmSlug: " " }, type: "mutation" });
      expect(empty.error!.data.fieldErrors).toEqual({ confirmSlug: ["Type the workspace's slug to confirm"] });
      expect(await snapshotWorkspace(handle.db, ws.workspace.id)).toEqual(before);
    });

    it("deletes the workspace and everything in it when the owner confirms, and nothing of another", async () => {
      const doomed = await seedWorkspace(handle.db, { slug: "doomed" });
      const bystander = await seedWorkspace(handle.db, { slug: "bystander" });
      const bystanderBefore = await snapshotWorkspace(handle.db, bystander.workspace.id);

      await doomed.callers.owner.workspace.delete({ workspaceSlug: doomed.slug, confirmSlug: " doomed " });

      const emptied = await snapshotWorkspace(handle.db, doomed.workspace.id);
      expect(Object.values(emptied).every((rows) => rows.length === 0)).toBe(true);
      expect(await handle.db.select().from(invitations).where(eq(invitations.workspaceId, doomed.workspace.id))).toEqual([]);
      for (const role of ["owner", "admin", "analyst", "viewer"] as const) {
        await expectTrpcError(doomed.callers[role].workspace.get({ workspaceSlug: doomed.slug }), "NOT_FOUND");
        expect(await doomed.callers[role].workspace.list()).toEqual([]);
      }
      expect(await snapshotWorkspace(handle.db, bystander.workspace.id)).toEqual(bystanderBefore);

      // The slug is free again.
      const again = await doomed.callers.viewer.workspace.create({ name: "Reborn", slug: "doomed", mode: "multi" });
      expect(again.id).not.toBe(doomed.workspace.id);
    });
  });
});
