import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCommunity, deleteCommunity } from "@/server/communities/communities";
import type { DbHandle } from "@/server/db/client";
import { communities } from "@/server/db/schema";
import { createTestDatabase } from "@/server/db/test-database";
import { callerFor, callHttp, createUser, expectTrpcError, seedWorkspace, snapshotWorkspace, type SeededWorkspace } from "../test-helpers";

describe("community router", () => {
  let handle: DbHandle;
  let ws: SeededWorkspace;
  let other: SeededWorkspace;

  beforeAll(async () => {
    handle = await createTestDatabase();
    ws = await seedWorkspace(handle.db, { slug: "comm", communityNames: ["Alpha", "Beta"] });
    other = await seedWorkspace(handle.db, { slug: "comm-other", communityNames: ["Shared Name"] });
  });
  afterAll(() => handle.close());

  const namesOf = async (seeded: SeededWorkspace) =>
    (await seeded.callers.viewer.community.list({ workspaceSlug: seeded.slug })).map((c) => c.name);

  describe("create", () => {
    it("adds a trimmed community for an admin, visible to every member", async () => {
      const created = await ws.callers.admin.community.create({ workspaceSlug: ws.slug, name: "  Gamma  " });
      expect(created).toMatchObject({ workspaceId: ws.workspace.id, name: "Gamma" });
      expect(await namesOf(ws)).toEqual(expect.arrayContaining(["Alpha", "Beta", "Gamma"]));
    });

    it.each(["Alpha", "alpha", "ALPHA", "  aLpHa "])("answers the existing name %j with CONFLICT on the name field", async (name) => {
      const before = await snapshotWorkspace(handle.db, ws.workspace.id);
      const result = await callHttp({ db: handle.db, user: ws.users.admin, path: "community.create", input: { workspaceSlug: ws.slug, name }, type: "mutation" });
      expect(result.status).toBe(409);
      expect(result.error!.data.code).toBe("CONFLICT");
      expect(result.error!.data.fieldErrors).toEqual({ name: ["A community with this name already exists"] });
      expect(await snapshotWorkspace(handle.db, ws.workspace.id)).toEqual(before);
    });

    it("allows a name that another workspace already uses", async () => {
      await ws.callers.admin.community.create({ workspaceSlug: ws.slug, name: "shared name" });
      expect(await namesOf(other)).toEqual(["Shared Name"]);
    });

    it.each([
      ["", "Give the community a name"],
      ["  ", "Give the community a name"],
      ["y".repeat(81), "A name has at most 80 characters"],
      ["Tab\there", "A name cannot contain control characters"],
    ])("refuses the name %j with fieldErrors.name", async (name, message) => {
      const result = await callHttp({ db: handle.db, user: ws.users.admin, path: "community.create", input: { workspaceSlug: ws.slug, name }, type: "mutation" });
      expect(result.status).toBe(400);
      expect(result.error!.data.fieldErrors).toEqual({ name: [message] });
    });
  });

  describe("rename", () => {
    it("renames, including to another case of its own name", async () => {
      const created = await ws.callers.admin.community.create({ workspaceSlug: ws.slug, name: "Renamable" });
      const renamed = await ws.callers.admin.community.rename({ workspaceSlug: ws.slug, communityId: created.id, name: " Renamed " });
      expect(renamed).toEqual({ ...created, name: "Renamed" });
      const recased = await ws.callers.admin.community.rename({ workspaceSlug: ws.slug, communityId: created.id, name: "RENAMED" });
      expect(recased.name).toBe("RENAMED");
    });

    it("answers another community's name, in any case, with CONFLICT on the name field", async () => {
      const beta = ws.communities.find((c) => c.name === "Beta")!;
      const before = await snapshotWorkspace(handle.db, ws.workspace.id);
      for (const name of ["Alpha", "alpha"]) {
        const result = await callHttp({
          db: handle.db,
          user: ws.users.admin,
          path: "community.rename",
          input: { workspaceSlug: ws.slug, communityId: beta.id, name },
          type: "mutation",
        });
        expect(result.status).toBe(409);
        expect(result.error!.data.fieldErrors).toEqual({ name: ["A community with this name already exists"] });
      }
      expect(await snapshotWorkspace(handle.db, ws.workspace.id)).toEqual(before);
    });

    it("answers an unknown id with NOT_FOUND and a malformed one with fieldErrors.communityId", async () => {
      const error = await expectTrpcError(
        ws.callers.admin.community.rename({ workspaceSlug: ws.slug, communityId: "0190a0a0-0000-7000-8000-000000000000", name: "Nope" }),
        "NOT_FOUND",
      );
      expect(error.message).toBe("Community not found");
      const result = await callHttp({
        db: handle.db,
        user: ws.users.admin,
        path: "community.rename",
        input: { workspaceSlug: ws.slug, communityId: "42", name: "Nope" },
        type: "mutation",
      });
      expect(result.status).toBe(400);
      expect(result.error!.data.fieldErrors).toEqual({ communityId: ["Not a community id"] });
    });
  });

  describe("delete", () => {
    it("refuses a wrong confirmation with fieldErrors.confirmName and keeps the community", async () => {
      const target = await ws.callers.admin.community.create({ workspaceSlug: ws.slug, name: "Keep Me" });
      for (const confirmName of ["keep me", "Keep", "Alpha"]) {
        const result = await callHttp({
          db: handle.db,
          user: ws.users.admin,
          path: "community.delete",
          input: { workspaceSlug: ws.slug, communityId: target.id, confirmName },
          type: "mutation",
        });
        expect(result.status).toBe(400);
        expect(result.error!.data.fieldErrors).toEqual({ confirmName: ['Type "Keep Me" to confirm'] });
      }
      expect(await handle.db.select().from(communities).where(eq(communities.id, target.id))).toHaveLength(1);
    });

    it("deletes with the exact name, then answers NOT_FOUND", async () => {
      const target = await ws.callers.admin.community.create({ workspaceSlug: ws.slug, name: "Doomed" });
      const deleted = await ws.callers.admin.community.delete({ workspaceSlug: ws.slug, communityId: target.id, confirmName: " Doomed " });
      expect(deleted).toEqual(target);
      expect(await handle.db.select().from(communities).where(eq(communities.id, target.id))).toEqual([]);
      await expectTrpcError(ws.callers.admin.community.delete({ workspaceSlug: ws.slug, communityId: target.id, confirmName: "Doomed" }), "NOT_FOUND");
      // The freed name can be used again.
      await ws.callers.admin.community.create({ workspaceSlug: ws.slug, name: "doomed" });
    });
  });

  describe("in a single-mode workspace", () => {
    it("refuses to create, rename or delete the one hidden community", async () => {
      const owner = await createUser(handle.db, "single@comm.test");
      const caller = callerFor(handle.db, owner);
      const created = await caller.workspace.create({ name: "Single", slug: "comm-single", mode: "single" });
      const [only] = await caller.community.list({ workspaceSlug: created.slug });
      const before = await snapshotWorkspace(handle.db, created.id);

      const message = "Communities are managed in multi-mode workspaces; switch the mode in Settings first";
      // Thunks, so that each call starts only once the previous one has been checked.
      for (const call of [
        () => caller.community.create({ workspaceSlug: created.slug, name: "Second" }),
        () => caller.community.rename({ workspaceSlug: created.slug, communityId: only!.id, name: "Renamed" }),
        () => caller.community.delete({ workspaceSlug: created.slug, communityId: only!.id, confirmName: only!.name }),
      ]) {
        expect((await expectTrpcError(call(), "BAD_REQUEST")).message).toBe(message);
      }
      expect(await snapshotWorkspace(handle.db, created.id)).toEqual(before);
    });

    // The mode a request saw when it started may be out of date by the time it writes: another
    // admin can switch the workspace to single mode in between. The domain functions must
    // decide on the mode they read under the workspace lock, not on the one they were handed.
    it("refuses a community change decided on a stale multi mode", async () => {
      const ws2 = await seedWorkspace(handle.db, { slug: "comm-stale", communityNames: ["Only"] });
      const stale = { id: ws2.workspace.id, mode: "multi" as const };
      await ws2.callers.admin.workspace.updateSettings({
        workspaceSlug: ws2.slug,
        name: "Now single",
        timezone: "UTC",
        retentionDays: 365,
        webhookChannelCap: 10,
        mode: "single",
      });
      const before = await snapshotWorkspace(handle.db, ws2.workspace.id);

      await expect(createCommunity(handle.db, stale, "Second", { userId: ws2.users.owner.id })).rejects.toMatchObject({ code: "BAD_REQUEST" });
      await expect(deleteCommunity(handle.db, stale, ws2.communities[0]!.id, "Only", { userId: ws2.users.owner.id })).rejects.toMatchObject({ code: "BAD_REQUEST" });
      expect(await snapshotWorkspace(handle.db, ws2.workspace.id)).toEqual(before);
    });

    it("never ends up single with two communities when a switch and a creation race", async () => {
      const ws3 = await seedWorkspace(handle.db, { slug: "comm-race", communityNames: ["Only"] });
      await Promise.allSettled([
        ws3.callers.admin.workspace.updateSettings({
          workspaceSlug: ws3.slug,
          name: "Race",
          timezone: "UTC",
          retentionDays: 365,
          webhookChannelCap: 10,
          mode: "single",
        }),
        ws3.callers.owner.community.create({ workspaceSlug: ws3.slug, name: "Second" }),
      ]);
      const got = await ws3.callers.owner.workspace.get({ workspaceSlug: ws3.slug });
      if (got.workspace.mode === "single") expect(got.communities).toHaveLength(1);
      else expect(got.communities.map((c) => c.name)).toEqual(["Only", "Second"]);
    });
  });
});
