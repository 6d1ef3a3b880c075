import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/server/db/client";
import { invitations, memberships } from "@/server/db/schema";
import { createTestDatabase } from "@/server/db/test-database";
import type { Role } from "@/server/members/roles";
import { callerFor, callHttp, createUser, expectTrpcError, latestInvitationToken, seedWorkspace, type SeededWorkspace } from "../test-helpers";
import type { SessionUser } from "../trpc";

describe("invitation router", () => {
  let handle: DbHandle;
  let ws: SeededWorkspace;
  let other: SeededWorkspace;
  let userCounter = 0;

  beforeAll(async () => {
    handle = await createTestDatabase();
    ws = await seedWorkspace(handle.db, { slug: "inv" });
    other = await seedWorkspace(handle.db, { slug: "inv-other" });
  });
  afterAll(() => handle.close());

  /** A new user invited to `workspace` with `role`; returns the user, the invitation and its link token. */
  async function invite(workspace: SeededWorkspace, role: Role = "analyst", email = `invitee-${++userCounter}@inv.test`) {
    const invitation = await workspace.callers.owner.member.invite({ workspaceSlug: workspace.slug, email, role });
    const token = await latestInvitationToken(handle.db, email);
    return { invitation, token, email };
  }
  const newUser = (email: string) => createUser(handle.db, email);
  const membershipOf = async (workspace: SeededWorkspace, user: SessionUser) =>
    (await handle.db.select().from(memberships).where(and(eq(memberships.workspaceId, workspace.workspace.id), eq(memberships.userId, user.id))))[0];
  const invitationRow = async (id: string) => (await handle.db.select().from(invitations).where(eq(invitations.id, id)))[0]!;

  describe("acceptByToken", () => {
    it.each(["admin", "analyst", "viewer", "owner"] as const)("joins with the invited role (%s) when the signed-in email matches", async (role) => {
      const { invitation, token, email } = await invite(ws, role);
      const user = await newUser(email);
      const joined = await callerFor(handle.db, user).invitation.acceptByToken({ token });
      expect(joined).toEqual({ slug: ws.slug, name: ws.workspace.name });
      expect((await membershipOf(ws, user))?.role).toBe(role);
      expect((await callerFor(handle.db, user).workspace.get({ workspaceSlug: ws.slug })).role).toBe(role);
      const row = await invitationRow(invitation.id);
      expect(row.acceptedById).toBe(user.id);
      expect(row.acceptedAt).toBeInstanceOf(Date);
    });

    it("matches the email regardless of the case of the account's address", async () => {
      const { token, email } = await invite(ws, "viewer");
      const user = await newUser(email.toUpperCase());
      await callerFor(handle.db, user).invitation.acceptByToken({ token });
      expect((await membershipOf(ws, user))?.role).toBe("viewer");
    });

    it("refuses a user signed in with another address: FORBIDDEN, nothing joined or spent", async () => {
      const { invitation, token, email } = await invite(ws, "admin");
      const intruder = await newUser(`not-${email}`);
      const error = await expectTrpcError(callerFor(handle.db, intruder).invitation.acceptByToken({ token }), "FORBIDDEN");
      expect(error.message).toBe(`This invitation was sent to ${email}; sign in with that address to accept it`);
      expect(await membershipOf(ws, intruder)).toBeUndefined();
      expect((await invitationRow(invitation.id)).acceptedAt).toBeNull();
      // The rightful invitee can still use it.
      await callerFor(handle.db, await newUser(email)).invitation.acceptByToken({ token });
    });

    it("answers an unknown token with NOT_FOUND and a malformed one with fieldErrors.token", async () => {
      const user = await newUser(`nobody-${++userCounter}@inv.test`);
      await expectTrpcError(callerFor(handle.db, user).invitation.acceptByToken({ token: "A".repeat(43) }), "NOT_FOUND");
      const result = await callHttp({ db: handle.db, user, path: "invitation.acceptByToken", input: { token: "short" }, type: "mutation" });
      expect(result.status).toBe(400);
      expect(result.error!.data.fieldErrors).toEqual({ token: ["Not an invitation link"] });
    });

    it("refuses a revoked invitation with BAD_REQUEST", async () => {
      const { invitation, token, email } = await invite(ws);
      await ws.callers.admin.member.revokeInvitation({ workspaceSlug: ws.slug, invitationId: invitation.id });
      const user = await newUser(email);
      const error = await expectTrpcError(callerFor(handle.db, user).invitation.acceptByToken({ token }), "BAD_REQUEST");
      expect(error.message).toBe("This invitation was revoked");
      expect(await membershipOf(ws, user)).toBeUndefined();
    });

    it("refuses an expired invitation with BAD_REQUEST", async () => {
      const { invitation, token, email } = await invite(ws);
      await handle.db.update(invitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invitations.id, invitation.id));
      const user = await newUser(email);
      const error = await expectTrpcError(callerFor(handle.db, user).invitation.acceptByToken({ token }), "BAD_REQUEST");
      expect(error.message).toBe("This invitation has expired; ask for a new one");
      expect(await membershipOf(ws, user)).toBeUndefined();
      expect((await invitationRow(invitation.id)).acceptedAt).toBeNull();
    });

    it("treats accepting twice as harmless: same answer, one membership, role untouched", async () => {
      const { invitation, token, email } = await invite(ws, "admin");
      const user = await newUser(email);
      const caller = callerFor(handle.db, user);
      const first = await caller.invitation.acceptByToken({ token });
      const acceptedAt = (await invitationRow(invitation.id)).acceptedAt;
      // Meanwhile an owner changes the role: a second click must not restore the invited one.
      await ws.callers.owner.member.changeRole({ workspaceSlug: ws.slug, membershipId: (await membershipOf(ws, user))!.id, role: "viewer" });

      expect(await caller.invitation.acceptByToken({ token })).toEqual(first);
      expect(await caller.invitation.accept({ invitationId: invitation.id })).toEqual(first);
      const rows = await handle.db.select().from(memberships).where(and(eq(memberships.workspaceId, ws.workspace.id), eq(memberships.userId, user.id)));
      expect(rows.map((m) => m.role)).toEqual(["viewer"]);
      expect((await invitationRow(invitation.id)).acceptedAt).toEqual(acceptedAt);
    });

    it("still answers an accepted link after it expires, for the member who used it", async () => {
      const { invitation, token, email } = await invite(ws);
      const user = await newUser(email);
      await callerFor(handle.db, user).invitation.acceptByToken({ token });
      await handle.db.update(invitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invitations.id, invitation.id));
      expect(await callerFor(handle.db, user).invitation.acceptByToken({ token })).toEqual({ slug: ws.slug, name: ws.workspace.name });
    });

    // A used link must not outlive the membership it created: otherwise anyone removed from a
    // workspace could walk back in, with the original role, whenever they like.
    it("does not let a removed member rejoin through their old link", async () => {
      const { token, email } = await invite(ws, "admin");
      const user = await newUser(email);
      await callerFor(handle.db, user).invitation.acceptByToken({ token });
      await ws.callers.owner.member.remove({ workspaceSlug: ws.slug, membershipId: (await membershipOf(ws, user))!.id });

      const error = await expectTrpcError(callerFor(handle.db, user).invitation.acceptByToken({ token }), "BAD_REQUEST");
      expect(error.message).toBe("This invitation was already used");
      expect(await membershipOf(ws, user)).toBeUndefined();

      // Leaving is the same: coming back needs a new invitation.
      const { token: second, email: email2 } = await invite(ws, "viewer");
      const leaver = await newUser(email2);
      await callerFor(handle.db, leaver).invitation.acceptByToken({ token: second });
      await callerFor(handle.db, leaver).member.leave({ workspaceSlug: ws.slug });
      await expectTrpcError(callerFor(handle.db, leaver).invitation.acceptByToken({ token: second }), "BAD_REQUEST");
      expect(await membershipOf(ws, leaver)).toBeUndefined();
    });
  });

  describe("accept (by id)", () => {
    it("joins with the invited role when the invitation is addressed to the caller", async () => {
      const { invitation, email } = await invite(other, "viewer");
      const user = await newUser(email);
      expect(await callerFor(handle.db, user).invitation.accept({ invitationId: invitation.id })).toEqual({ slug: other.slug, name: other.workspace.name });
      expect((await membershipOf(other, user))?.role).toBe("viewer");
    });

    it("answers NOT_FOUND for another user's invitation, exactly as for one that does not exist", async () => {
      const { invitation } = await invite(other, "admin");
      const stranger = await newUser(`stranger-${++userCounter}@inv.test`);
      const foreign = await expectTrpcError(callerFor(handle.db, stranger).invitation.accept({ invitationId: invitation.id }), "NOT_FOUND");
      const missing = await expectTrpcError(
        callerFor(handle.db, stranger).invitation.accept({ invitationId: "0190a0a0-0000-7000-8000-000000000000" }),
        "NOT_FOUND",
      );
      expect(foreign.message).toBe(missing.message);
      expect(await membershipOf(other, stranger)).toBeUndefined();
      expect((await invitationRow(invitation.id)).acceptedAt).toBeNull();
    });

    it("refuses revoked and expired invitations with BAD_REQUEST", async () => {
      const revoked = await invite(other);
      await other.callers.admin.member.revokeInvitation({ workspaceSlug: other.slug, invitationId: revoked.invitation.id });
      await expectTrpcError(callerFor(handle.db, await newUser(revoked.email)).invitation.accept({ invitationId: revoked.invitation.id }), "BAD_REQUEST");

      const expired = await invite(other);
      await handle.db.update(invitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invitations.id, expired.invitation.id));
      await expectTrpcError(callerFor(handle.db, await newUser(expired.email)).invitation.accept({ invitationId: expired.invitation.id }), "BAD_REQUEST");
    });

    it("refuses a malformed id with fieldErrors.invitationId", async () => {
      const result = await callHttp({ db: handle.db, user: ws.users.viewer, path: "invitation.accept", input: { invitationId: "1" }, type: "mutation" });
      expect(result.status).toBe(400);
      expect(result.error!.data.fieldErrors).toEqual({ invitationId: ["Not an invitation id"] });
    });
  });

  describe("pending", () => {
    it("lists only the caller's open, unexpired invitations", async () => {
      const email = `pending-${++userCounter}@inv.test`;
      const open = await ws.callers.owner.member.invite({ workspaceSlug: ws.slug, email, role: "analyst" });
      const openElsewhere = await other.callers.owner.member.invite({ workspaceSlug: other.slug, email, role: "viewer" });
      const third = await seedWorkspace(handle.db, { slug: "inv-third", communityNames: [] });
      const revoked = await third.callers.owner.member.invite({ workspaceSlug: third.slug, email, role: "viewer" });
      await third.callers.owner.member.revokeInvitation({ workspaceSlug: third.slug, invitationId: revoked.id });
      const fourth = await seedWorkspace(handle.db, { slug: "inv-fourth", communityNames: [] });
      const expired = await fourth.callers.owner.member.invite({ workspaceSlug: fourth.slug, email, role: "viewer" });
      await handle.db.update(invitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invitations.id, expired.id));
      // Someone else's invitation to the same workspace.
      await ws.callers.owner.member.invite({ workspaceSlug: ws.slug, email: `someone-else-${userCounter}@inv.test`, role: "admin" });

      const user = await newUser(email.toUpperCase());
      const pending = await callerFor(handle.db, user).invitation.pending();
      expect(pending.map((p) => p.id).sort()).toEqual([open.id, openElsewhere.id].sort());
      expect(pending.find((p) => p.id === open.id)).toEqual({
        id: open.id,
        email,
        role: "analyst",
        expiresAt: open.expiresAt,
        acceptedAt: null,
        revokedAt: null,
        workspaceId: ws.workspace.id,
        workspaceSlug: ws.slug,
        workspaceName: ws.workspace.name,
      });

      // Once accepted, an invitation is no longer pending.
      await callerFor(handle.db, user).invitation.accept({ invitationId: open.id });
      expect((await callerFor(handle.db, user).invitation.pending()).map((p) => p.id)).toEqual([openElsewhere.id]);
    });

    it("is empty for a user nobody invited", async () => {
      expect(await callerFor(handle.db, await newUser(`lonely-${++userCounter}@inv.test`)).invitation.pending()).toEqual([]);
    });
  });
});
