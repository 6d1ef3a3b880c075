import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/server/db/client";
import { channels, invitations, mailOutbox, memberships, users } from "@/server/db/schema";
import { createTestDatabase } from "@/server/db/test-database";
import { hashInvitationToken } from "@/server/members/invitations";
import { changeMemberRole, removeMember } from "@/server/members/members";
import {
  callerFor,
  callHttp,
  countRows,
  createUser,
  expectTrpcError,
  latestInvitationToken,
  seedWorkspace,
  snapshotWorkspace,
  TEST_ORIGIN,
} from "../test-helpers";

describe("member router", () => {
  let handle: DbHandle;
  let slugCounter = 0;

  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(() => handle.close());

  // Each test that changes memberships gets its own workspace, so tests do not depend on order.
  const freshWorkspace = () => seedWorkspace(handle.db, { slug: `members-${++slugCounter}` });
  const roleOf = async (membershipId: string) =>
    (await handle.db.select().from(memberships).where(eq(memberships.id, membershipId)))[0]?.role;
  const ownerCount = async (workspaceId: string) =>
    (await handle.db.select().from(memberships).where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, "owner")))).length;

  describe("invite", () => {
    it("creates an open invitation and mails a /invite/<token> link whose hash is what is stored", async () => {
      const ws = await freshWorkspace();
      const invitation = await ws.callers.admin.member.invite({ workspaceSlug: ws.slug, email: "  New.Person@Example.COM ", role: "analyst" });
      expect(invitation).toMatchObject({ workspaceId: ws.workspace.id, email: "new.person@example.com", role: "analyst", invitedById: ws.users.admin.id, acceptedAt: null, revokedAt: null });
      const ttl = invitation.expiresAt.getTime() - Date.now();
      expect(ttl).toBeGreaterThan(7 * 24 * 3600_000 - 60_000);
      expect(ttl).toBeLessThanOrEqual(7 * 24 * 3600_000);

      const mails = await handle.db.select().from(mailOutbox).where(eq(mailOutbox.to, "new.person@example.com"));
      expect(mails).toHaveLength(1);
      const [mail] = mails;
      expect(mail!.subject).toBe(`${ws.users.admin.email} invited you to ${ws.workspace.name} on Tocsin`);
      const token = await latestInvitationToken(handle.db, "new.person@example.com");
      expect(mail!.text).toContain(`${TEST_ORIGIN}/invite/${token}`);
      expect(mail!.html).toContain(`href="${TEST_ORIGIN}/invite/${token}"`);
      expect(token).toHaveLength(43);
      // Only the hash is kept: the token itself travels once, in the email.
      expect(invitation.tokenHash).toBe(hashInvitationToken(token));
      expect(invitation.tokenHash).not.toContain(token);

      expect(await ws.callers.admin.member.invitations({ workspaceSlug: ws.slug })).toContainEqual({
        id: invitation.id,
        email: "new.person@example.com",
        role: "analyst",
        expiresAt: invitation.expiresAt,
        createdAt: invitation.createdAt,
        invitedBy: ws.users.admin.email,
        expired: false,
      });
    });

    it.each(["not-an-email", "a@", "@b.c", "two@@at.test", ""])("refuses the address %j with BAD_REQUEST and fieldErrors.email", async (email) => {
      const ws = await freshWorkspace();
      const before = await countRows(handle.db);
      const result = await callHttp({ db: handle.db, user: ws.users.admin, path: "member.invite", input: { workspaceSlug: ws.slug, email, role: "viewer" }, type: "mutation" });
      expect(result.status).toBe(400);
      expect(result.error!.data.code).toBe("BAD_REQUEST");
      expect(result.error!.data.fieldErrors).toEqual({ email: ["Enter a valid email address"] });
      expect(await countRows(handle.db)).toEqual(before);
    });

    it("refuses an unknown role with fieldErrors.role", async () => {
      const ws = await freshWorkspace();
      const result = await callHttp({ db: handle.db, user: ws.users.admin, path: "member.invite", input: { workspaceSlug: ws.slug, email: "x@y.test", role: "god" }, type: "mutation" });
      expect(result.error!.data.fieldErrors).toEqual({ role: ["Choose owner, admin, analyst or viewer"] });
    });

    it("answers an existing member's address, in any case, with CONFLICT on the email field and sends nothing", async () => {
      const ws = await freshWorkspace();
      const before = await countRows(handle.db);
      for (const email of [ws.users.viewer.email, ws.users.owner.email.toUpperCase()]) {
        const result = await callHttp({ db: handle.db, user: ws.users.admin, path: "member.invite", input: { workspaceSlug: ws.slug, email, role: "viewer" }, type: "mutation" });
        expect(result.status).toBe(409);
        expect(result.error!.data.fieldErrors).toEqual({ email: [`${email.toLowerCase()} is already a member of this workspace`] });
      }
      expect(await countRows(handle.db)).toEqual(before);
    });

    // Accounts made through an identity provider keep the address as the provider spelled it.
    it("recognises a member whose account address has capitals", async () => {
      const ws = await freshWorkspace();
      const mixed = await createUser(handle.db, "Mixed.Case@Example.com");
      await ws.callers.owner.member.invite({ workspaceSlug: ws.slug, email: mixed.email, role: "viewer" });
      await callerFor(handle.db, mixed).invitation.acceptByToken({ token: await latestInvitationToken(handle.db, mixed.email) });

      const error = await expectTrpcError(ws.callers.admin.member.invite({ workspaceSlug: ws.slug, email: "mixed.case@example.com", role: "analyst" }), "CONFLICT");
      expect(error.message).toBe("mixed.case@example.com is already a member of this workspace");
    });

    it("refreshes the open invitation when the address is invited again: new link, role and expiry, same row", async () => {
      const ws = await freshWorkspace();
      const first = await ws.callers.admin.member.invite({ workspaceSlug: ws.slug, email: "again@invite.test", role: "viewer" });
      const firstToken = await latestInvitationToken(handle.db, "again@invite.test");
      // Let the clock move so the new expiry is observably later.
      await new Promise((resolve) => setTimeout(resolve, 5));
      const second = await ws.callers.owner.member.invite({ workspaceSlug: ws.slug, email: "AGAIN@invite.test", role: "admin" });
      const secondToken = await latestInvitationToken(handle.db, "again@invite.test");

      expect(second.id).toBe(first.id);
      expect(second.role).toBe("admin");
      expect(second.invitedById).toBe(ws.users.owner.id);
      expect(second.expiresAt.getTime()).toBeGreaterThan(first.expiresAt.getTime());
      expect(secondToken).not.toBe(firstToken);
      expect(await handle.db.select().from(invitations).where(and(eq(invitations.workspaceId, ws.workspace.id), eq(invitations.email, "again@invite.test")))).toHaveLength(1);
      expect(await handle.db.select().from(mailOutbox).where(eq(mailOutbox.to, "again@invite.test"))).toHaveLength(2);

      // The old link is dead; the new one joins with the new role.
      const invitee = await createUser(handle.db, "again@invite.test");
      await expectTrpcError(callerFor(handle.db, invitee).invitation.acceptByToken({ token: firstToken }), "NOT_FOUND");
      await callerFor(handle.db, invitee).invitation.acceptByToken({ token: secondToken });
      expect((await callerFor(handle.db, invitee).workspace.get({ workspaceSlug: ws.slug })).role).toBe("admin");
    });

    it("does not let an admin invite an owner, and writes or sends nothing", async () => {
      const ws = await freshWorkspace();
      const before = await countRows(handle.db);
      const error = await expectTrpcError(ws.callers.admin.member.invite({ workspaceSlug: ws.slug, email: "boss@invite.test", role: "owner" }), "FORBIDDEN");
      expect(error.message).toBe("Only an owner can grant or change the owner role");
      expect(await countRows(handle.db)).toEqual(before);
    });

    it("lets an owner invite an owner", async () => {
      const ws = await freshWorkspace();
      const invitation = await ws.callers.owner.member.invite({ workspaceSlug: ws.slug, email: "co-owner@invite.test", role: "owner" });
      expect(invitation.role).toBe("owner");
    });

    it("does not let an admin downgrade or revoke an owner's open invitation", async () => {
      const ws = await freshWorkspace();
      const owned = await ws.callers.owner.member.invite({ workspaceSlug: ws.slug, email: "heir@invite.test", role: "owner" });
      const before = await snapshotWorkspace(handle.db, ws.workspace.id);
      await expectTrpcError(ws.callers.admin.member.invite({ workspaceSlug: ws.slug, email: "heir@invite.test", role: "viewer" }), "FORBIDDEN");
      await expectTrpcError(ws.callers.admin.member.revokeInvitation({ workspaceSlug: ws.slug, invitationId: owned.id }), "FORBIDDEN");
      expect(await snapshotWorkspace(handle.db, ws.workspace.id)).toEqual(before);
      await ws.callers.owner.member.revokeInvitation({ workspaceSlug: ws.slug, invitationId: owned.id });
      expect((await ws.callers.owner.member.invitations({ workspaceSlug: ws.slug })).map((i) => i.id)).not.toContain(owned.id);
    });

    it("revokes an open invitation once; the link then no longer works", async () => {
      const ws = await freshWorkspace();
      await ws.callers.admin.member.revokeInvitation({ workspaceSlug: ws.slug, invitationId: ws.openInvitation.id });
      expect((await ws.callers.admin.member.invitations({ workspaceSlug: ws.slug })).map((i) => i.id)).not.toContain(ws.openInvitation.id);
      const again = await expectTrpcError(ws.callers.admin.member.revokeInvitation({ workspaceSlug: ws.slug, invitationId: ws.openInvitation.id }), "NOT_FOUND");
      expect(again.message).toBe("Invitation not found or no longer open");

      const invitee = await createUser(handle.db, ws.openInvitation.email);
      const token = await latestInvitationToken(handle.db, ws.openInvitation.email);
      await expectTrpcError(callerFor(handle.db, invitee).invitation.acceptByToken({ token }), "BAD_REQUEST");
    });

    it("flags expired invitations in the admin's list", async () => {
      const ws = await freshWorkspace();
      await handle.db.update(invitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invitations.id, ws.openInvitation.id));
      const listed = (await ws.callers.admin.member.invitations({ workspaceSlug: ws.slug })).find((i) => i.id === ws.openInvitation.id);
      expect(listed?.expired).toBe(true);
    });
  });

  describe("changeRole", () => {
    it("lets an admin move members between admin, analyst and viewer", async () => {
      const ws = await freshWorkspace();
      const updated = await ws.callers.admin.member.changeRole({ workspaceSlug: ws.slug, membershipId: ws.membershipIds.viewer, role: "analyst" });
      expect(updated).toMatchObject({ id: ws.membershipIds.viewer, role: "analyst", userId: ws.users.viewer.id });
      await ws.callers.admin.member.changeRole({ workspaceSlug: ws.slug, membershipId: ws.membershipIds.analyst, role: "admin" });
      expect(await roleOf(ws.membershipIds.analyst)).toBe("admin");
      expect((await ws.callers.viewer.workspace.get({ workspaceSlug: ws.slug })).role).toBe("analyst");
    });

    it("does not let an admin grant ownership, to anyone including themself", async () => {
      const ws = await freshWorkspace();
      const before = await snapshotWorkspace(handle.db, ws.workspace.id);
      for (const target of ["viewer", "admin"] as const) {
        const error = await expectTrpcError(ws.callers.admin.member.changeRole({ workspaceSlug: ws.slug, membershipId: ws.membershipIds[target], role: "owner" }), "FORBIDDEN");
        expect(error.message).toBe("Only an owner can grant or change the owner role");
      }
      expect(await snapshotWorkspace(handle.db, ws.workspace.id)).toEqual(before);
    });

    it("does not let an admin demote or remove an owner", async () => {
      const ws = await freshWorkspace();
      const before = await snapshotWorkspace(handle.db, ws.workspace.id);
      await expectTrpcError(ws.callers.admin.member.changeRole({ workspaceSlug: ws.slug, membershipId: ws.membershipIds.owner, role: "viewer" }), "FORBIDDEN");
      await expectTrpcError(ws.callers.admin.member.remove({ workspaceSlug: ws.slug, membershipId: ws.membershipIds.owner }), "FORBIDDEN");
      expect(await snapshotWorkspace(handle.db, ws.workspace.id)).toEqual(before);
    });

    it("lets an owner make another owner, who may then step down the first", async () => {
      const ws = await freshWorkspace();
      await ws.callers.owner.member.changeRole({ workspaceSlug: ws.slug, membershipId: ws.membershipIds.admin, role: "owner" });
      await ws.callers.admin.member.changeRole({ workspaceSlug: ws.slug, membershipId: ws.membershipIds.owner, role: "viewer" });
      expect(await roleOf(ws.membershipIds.owner)).toBe("viewer");
      expect(await ownerCount(ws.workspace.id)).toBe(1);
    });

    it("does not let the last owner step down, and says why on the role field", async () => {
      const ws = await freshWorkspace();
      const result = await callHttp({
        db: handle.db,
        user: ws.users.owner,
        path: "member.changeRole",
        input: { workspaceSlug: ws.slug, membershipId: ws.membershipIds.owner, role: "admin" },
        type: "mutation",
      });
      expect(result.status).toBe(400);
      expect(result.error!.data.fieldErrors).toEqual({ role: ["A workspace needs at least one owner: make someone else owner first"] });
      expect(await roleOf(ws.membershipIds.owner)).toBe("owner");
    });

    it("answers an unknown or malformed membership id with NOT_FOUND / fieldErrors.membershipId", async () => {
      const ws = await freshWorkspace();
      await expectTrpcError(
        ws.callers.owner.member.changeRole({ workspaceSlug: ws.slug, membershipId: "0190a0a0-0000-7000-8000-000000000000", role: "viewer" }),
        "NOT_FOUND",
      );
      const result = await callHttp({
        db: handle.db,
        user: ws.users.owner,
        path: "member.changeRole",
        input: { workspaceSlug: ws.slug, membershipId: "me", role: "viewer" },
        type: "mutation",
      });
      expect(result.error!.data.fieldErrors).toEqual({ membershipId: ["Not a member id"] });
    });

    it("leaves at least one owner when two owners demote each other at the same moment", async () => {
      const ws = await freshWorkspace();
      await ws.callers.owner.member.changeRole({ workspaceSlug: ws.slug, membershipId: ws.membershipIds.admin, role: "owner" });
      const results = await Promise.allSettled([
        ws.callers.owner.member.changeRole({ workspaceSlug: ws.slug, membershipId: ws.membershipIds.admin, role: "admin" }),
        ws.callers.admin.member.changeRole({ workspaceSlug: ws.slug, membershipId: ws.membershipIds.owner, role: "admin" }),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      // The loser is refused as no longer an owner (its role was re-read under the lock) or,
      // equivalently safe, as the last owner.
      expect(["FORBIDDEN", "BAD_REQUEST"]).toContain((rejected.reason as { code: string }).code);
      expect(await ownerCount(ws.workspace.id)).toBe(1);
    });

    it("leaves at least one owner when two owners remove each other at the same moment", async () => {
      const ws = await freshWorkspace();
      await ws.callers.owner.member.changeRole({ workspaceSlug: ws.slug, membershipId: ws.membershipIds.admin, role: "owner" });
      const results = await Promise.allSettled([
        ws.callers.owner.member.remove({ workspaceSlug: ws.slug, membershipId: ws.membershipIds.admin }),
        ws.callers.admin.member.remove({ workspaceSlug: ws.slug, membershipId: ws.membershipIds.owner }),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(await ownerCount(ws.workspace.id)).toBe(1);
    });

    // The actor's role comes from the start of the request. An owner demoted a moment ago by
    // another owner must not still act as owner in a request that was already under way.
    it("decides on the actor's current role, not the one the request started with", async () => {
      const ws = await freshWorkspace();
      await ws.callers.owner.member.changeRole({ workspaceSlug: ws.slug, membershipId: ws.membershipIds.admin, role: "owner" });
      await ws.callers.owner.member.changeRole({ workspaceSlug: ws.slug, membershipId: ws.membershipIds.analyst, role: "owner" });
      // The first owner demotes the promoted admin...
      await ws.callers.owner.member.changeRole({ workspaceSlug: ws.slug, membershipId: ws.membershipIds.admin, role: "admin" });
      const before = await snapshotWorkspace(handle.db, ws.workspace.id);
      // ...whose request, resolved while they were still owner, now tries to demote an owner.
      const staleActor = { userId: ws.users.admin.id, role: "owner" as const };
      await expect(changeMemberRole(handle.db, staleActor, ws.workspace.id, ws.membershipIds.analyst, "viewer")).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(removeMember(handle.db, staleActor, ws.workspace.id, ws.membershipIds.owner)).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect(await snapshotWorkspace(handle.db, ws.workspace.id)).toEqual(before);
    });

    it("refuses any change from an actor who is no longer a member", async () => {
      const ws = await freshWorkspace();
      const goneAdmin = { userId: ws.users.admin.id, role: "admin" as const };
      await ws.callers.owner.member.remove({ workspaceSlug: ws.slug, membershipId: ws.membershipIds.admin });
      await expect(changeMemberRole(handle.db, goneAdmin, ws.workspace.id, ws.membershipIds.viewer, "analyst")).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(removeMember(handle.db, goneAdmin, ws.workspace.id, ws.membershipIds.viewer)).rejects.toMatchObject({ code: "NOT_FOUND" });
      expect(await roleOf(ws.membershipIds.viewer)).toBe("viewer");
    });
  });

  describe("remove and leave", () => {
    it("lets an admin remove a viewer, who then loses access", async () => {
      const ws = await freshWorkspace();
      await ws.callers.admin.member.remove({ workspaceSlug: ws.slug, membershipId: ws.membershipIds.viewer });
      expect((await ws.callers.owner.member.list({ workspaceSlug: ws.slug })).map((m) => m.userId)).not.toContain(ws.users.viewer.id);
      await expectTrpcError(ws.callers.viewer.workspace.get({ workspaceSlug: ws.slug }), "NOT_FOUND");
      // The user account itself stays.
      expect(await handle.db.select().from(users).where(eq(users.id, ws.users.viewer.id))).toHaveLength(1);
    });

    it("takes a removed member's personal channels with them (they would count toward the cap, unseen), and leaves shared ones", async () => {
      const ws = await freshWorkspace();
      const url = "https://93.184.216.34/hooks/personal";
      await ws.callers.viewer.channel.create({ workspaceSlug: ws.slug, kind: "webhook", name: "Viewer's hook", url });
      await ws.callers.admin.channel.create({ workspaceSlug: ws.slug, kind: "webhook", name: "Team hook", url, shared: true });
      await ws.callers.admin.member.remove({ workspaceSlug: ws.slug, membershipId: ws.membershipIds.viewer });
      const left = await handle.db.select({ name: channels.name }).from(channels).where(eq(channels.workspaceId, ws.workspace.id));
      expect(left.map((c) => c.name)).toEqual(["Team hook"]);
    });

    it("lets an admin remove another admin, but an owner only by an owner", async () => {
      const ws = await freshWorkspace();
      await ws.callers.admin.member.changeRole({ workspaceSlug: ws.slug, membershipId: ws.membershipIds.analyst, role: "admin" });
      await ws.callers.admin.member.remove({ workspaceSlug: ws.slug, membershipId: ws.membershipIds.analyst });
      await ws.callers.owner.member.changeRole({ workspaceSlug: ws.slug, membershipId: ws.membershipIds.viewer, role: "owner" });
      await expectTrpcError(ws.callers.admin.member.remove({ workspaceSlug: ws.slug, membershipId: ws.membershipIds.viewer }), "FORBIDDEN");
      await ws.callers.owner.member.remove({ workspaceSlug: ws.slug, membershipId: ws.membershipIds.viewer });
      expect(await ownerCount(ws.workspace.id)).toBe(1);
    });

    it("lets any member leave", async () => {
      const ws = await freshWorkspace();
      for (const role of ["viewer", "analyst", "admin"] as const) {
        await ws.callers[role].member.leave({ workspaceSlug: ws.slug });
        await expectTrpcError(ws.callers[role].workspace.get({ workspaceSlug: ws.slug }), "NOT_FOUND");
      }
      expect((await ws.callers.owner.member.list({ workspaceSlug: ws.slug })).map((m) => m.role)).toEqual(["owner"]);
    });

    it("does not let the last owner leave or remove themself", async () => {
      const ws = await freshWorkspace();
      const before = await snapshotWorkspace(handle.db, ws.workspace.id);
      const leave = await expectTrpcError(ws.callers.owner.member.leave({ workspaceSlug: ws.slug }), "BAD_REQUEST");
      expect(leave.message).toBe("A workspace needs at least one owner: make someone else owner first");
      await expectTrpcError(ws.callers.owner.member.remove({ workspaceSlug: ws.slug, membershipId: ws.membershipIds.owner }), "BAD_REQUEST");
      expect(await snapshotWorkspace(handle.db, ws.workspace.id)).toEqual(before);
    });

    it("lets an owner leave once there is another owner", async () => {
      const ws = await freshWorkspace();
      await ws.callers.owner.member.changeRole({ workspaceSlug: ws.slug, membershipId: ws.membershipIds.admin, role: "owner" });
      await ws.callers.owner.member.leave({ workspaceSlug: ws.slug });
      expect(await ws.callers.owner.workspace.list()).toEqual([]);
      expect(await ownerCount(ws.workspace.id)).toBe(1);
    });
  });
});
