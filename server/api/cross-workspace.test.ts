import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveRuleChannels } from "@/server/channels/channels";
import type { DbHandle } from "@/server/db/client";
import { events } from "@/server/db/schema";
import { createTestDatabase } from "@/server/db/test-database";
import {
  bChannelIds,
  bRuleIds,
  bWindowIds,
  eventIds,
  notWorkspaceScoped,
  seedIsolationData,
  takesWorkspaceSlug,
  workspaceCases,
  type Fixture,
  type ProcedureDef,
} from "./isolation-cases";
import { appRouter } from "./root";
import { callByPath, callerFor, expectTrpcError, latestInvitationToken, seedTwoWorkspaces, snapshotWorkspace } from "./test-helpers";

// Tenant isolation, procedure by procedure (the cases are in isolation-cases.ts). They must name
// every workspace procedure of appRouter: adding one without saying how it is isolated fails the
// first test. tenant-isolation.test.ts then calls them with generated mixes of both workspaces' ids.

describe("cross-workspace isolation", () => {
  let handle: DbHandle;
  let f: Fixture;
  let bBefore: Awaited<ReturnType<typeof snapshotWorkspace>>;

  beforeAll(async () => {
    handle = await createTestDatabase();
    f = await seedTwoWorkspaces(handle.db, "iso");
    await seedIsolationData(handle.db, f);
    bBefore = await snapshotWorkspace(handle.db, f.b.workspace.id);
  });
  afterAll(() => handle.close());

  it("has a case for every workspace procedure, and only for those", () => {
    // Typed as the nested router record, but at run time a flat map keyed by dotted path.
    const procedures = appRouter._def.procedures as unknown as Record<string, ProcedureDef>;
    const scoped = Object.keys(procedures).filter((path) => takesWorkspaceSlug(procedures[path]!));
    const unscoped = Object.keys(procedures).filter((path) => !takesWorkspaceSlug(procedures[path]!));
    expect(scoped.sort()).toEqual(Object.keys(workspaceCases).sort());
    expect(unscoped.sort()).toEqual([...notWorkspaceScoped].sort());
  });

  const paths = Object.keys(workspaceCases);

  describe.each(paths)("%s", (path) => {
    const testCase = workspaceCases[path]!;

    it.each(["owner", "admin", "analyst", "viewer"] as const)("with B's slug, called by A's %s: NOT_FOUND, B unchanged", async (role) => {
      const before = await snapshotWorkspace(handle.db, f.b.workspace.id);
      for (const workspaceSlug of [f.b.slug, ` ${f.b.slug.toUpperCase()} `]) {
        const error = await expectTrpcError(callByPath(f.a.callers[role], path, { workspaceSlug, ...testCase.input(f) }), "NOT_FOUND");
        expect(error.message).toBe("Workspace not found");
      }
      expect(await snapshotWorkspace(handle.db, f.b.workspace.id)).toEqual(before);
    });

    if (testCase.foreignIds) {
      const foreignIds = testCase.foreignIds;
      it(`with A's slug and B's ids, called by A's owner: ${testCase.foreignIdsCode ?? "NOT_FOUND"}, A and B unchanged`, async () => {
        const bSnapshot = await snapshotWorkspace(handle.db, f.b.workspace.id);
        const aSnapshot = await snapshotWorkspace(handle.db, f.a.workspace.id);
        const inputs = foreignIds(f);
        expect(inputs.length).toBeGreaterThan(0);
        for (const input of inputs) {
          await expectTrpcError(callByPath(f.a.callers.owner, path, { workspaceSlug: f.a.slug, ...input }), testCase.foreignIdsCode ?? "NOT_FOUND");
        }
        expect(await snapshotWorkspace(handle.db, f.b.workspace.id)).toEqual(bSnapshot);
        expect(await snapshotWorkspace(handle.db, f.a.workspace.id)).toEqual(aSnapshot);
      });
    }
  });

  describe("invitee-side procedures", () => {
    it("do not let A's owner accept B's invitation by id: NOT_FOUND", async () => {
      const error = await expectTrpcError(f.a.callers.owner.invitation.accept({ invitationId: f.b.openInvitation.id }), "NOT_FOUND");
      expect(error.message).toBe("This invitation does not exist");
    });

    it("do not let A's owner accept B's invitation with its link: FORBIDDEN", async () => {
      const token = await latestInvitationToken(handle.db, f.b.openInvitation.email);
      await expectTrpcError(f.a.callers.owner.invitation.acceptByToken({ token }), "FORBIDDEN");
    });

    it("list nothing of B to A's members", async () => {
      for (const role of ["owner", "admin", "analyst", "viewer"] as const) {
        expect(await f.a.callers[role].invitation.pending()).toEqual([]);
        expect((await f.a.callers[role].workspace.list()).map((w) => w.slug)).toEqual([f.a.slug]);
      }
    });
  });

  describe("the event log", () => {
    const range = { from: new Date("2024-06-01T00:00:00Z"), to: new Date("2024-06-02T00:00:00Z") };

    it("shows A's members A's events only, whatever B's ids they filter on", async () => {
      for (const role of ["owner", "admin", "analyst", "viewer"] as const) {
        const caller = f.a.callers[role];
        const workspaceSlug = f.a.slug;
        const all = await caller.event.list({ workspaceSlug, ...range });
        expect(all.items.map((e) => e.id).sort()).toEqual([...eventIds.a].sort());
        expect(all.items.map((e) => e.title).sort()).toEqual(["a alert", "a login", "a silent"]);

        const foreignFilters = [
          { sourceIds: f.b.sources.map((s) => s.id) },
          { communityIds: f.b.communities.map((c) => c.id) },
          { sourceIds: f.b.sources.map((s) => s.id), communityIds: f.b.communities.map((c) => c.id) },
          { search: "b alert" },
        ];
        for (const filters of foreignFilters) {
          expect((await caller.event.list({ workspaceSlug, ...range, ...filters })).items).toEqual([]);
          const volume = await caller.event.volume({ workspaceSlug, ...range, ...filters });
          expect(volume.total).toBe(0);
          expect(volume.series).toEqual([]);
        }
        // Mixed with A's own ids, B's change nothing.
        const mixed = await caller.event.list({ workspaceSlug, ...range, sourceIds: [...f.a.sources, ...f.b.sources].map((s) => s.id) });
        expect(mixed.items.map((e) => e.id).sort()).toEqual(eventIds.a.slice(0, 2).sort());
        expect((await caller.event.volume({ workspaceSlug, ...range })).total).toBe(3);
      }
    });

    it("answers NOT_FOUND for B's events, like for events that do not exist", async () => {
      for (const eventId of eventIds.b) {
        const error = await expectTrpcError(f.a.callers.viewer.event.get({ workspaceSlug: f.a.slug, eventId }), "NOT_FOUND");
        expect(error.message).toBe("Event not found");
      }
      // B's own members still see them.
      expect((await f.b.callers.viewer.event.get({ workspaceSlug: f.b.slug, eventId: eventIds.b[1]! })).raw).toEqual({ secret: "b" });
    });
  });

  it("leaves B's workspace, communities, memberships and invitations byte-for-byte as they were", async () => {
    expect(await snapshotWorkspace(handle.db, f.b.workspace.id)).toEqual(bBefore);
    // And B is still fully usable by its own members.
    const got = await callerFor(handle.db, f.b.users.owner).workspace.get({ workspaceSlug: f.b.slug });
    expect(got.communities.map((c) => c.name)).toEqual(["Delta", "Gamma"]);
    expect(bBefore.memberships).toHaveLength(4);
    expect(bBefore.communities).toHaveLength(2);
    expect(bBefore.invitations).toHaveLength(4);
    expect(bBefore.rules).toHaveLength(5);
    expect(bBefore.ruleCommunities).toHaveLength(2);
    expect(bBefore.ruleRecipients).toHaveLength(1);
    expect(bBefore.notifications).toHaveLength(4);
    expect(bBefore.notificationPreferences).toHaveLength(1);
    expect(bBefore.channels).toHaveLength(5);
    expect(bBefore.sourceMaintenanceWindows).toHaveLength(2);
  });

  describe("channels", () => {
    it("show A's members nothing of B's, and let no rule of A use them", async () => {
      for (const role of ["owner", "admin", "analyst", "viewer"] as const) {
        const caller = f.a.callers[role];
        for (const usableBy of [undefined, "personal", "shared"] as const) {
          expect((await caller.channel.list({ workspaceSlug: f.a.slug, usableBy })).map((c) => c.id).filter((id) => bChannelIds.includes(id))).toEqual([]);
        }
        for (const ruleKind of ["personal", "shared"] as const) {
          const refused = resolveRuleChannels(handle.db, { workspaceId: f.a.workspace.id, userId: f.a.users[role].id, ruleKind }, bChannelIds);
          await expect(refused).rejects.toMatchObject({ code: "NOT_FOUND", field: "channelIds" });
        }
      }
      // B's own members still see theirs: the shared one, and each their own.
      expect((await f.b.callers.viewer.channel.list({ workspaceSlug: f.b.slug })).map((c) => c.name).sort()).toEqual(["Shared", "viewer channel"]);
    });

    it("show A's members none of B's deliveries, whichever of B's ids they filter on", async () => {
      for (const role of ["owner", "admin", "analyst", "viewer"] as const) {
        const caller = f.a.callers[role];
        const workspaceSlug = f.a.slug;
        expect((await caller.delivery.list({ workspaceSlug })).items).toEqual([]);
        for (const channelId of bChannelIds) expect((await caller.delivery.list({ workspaceSlug, channelId })).items).toEqual([]);
        for (const eventId of eventIds.b) expect((await caller.delivery.list({ workspaceSlug, eventId })).items).toEqual([]);
      }
      // B's viewer sees the deliveries of the channels it sees: its own and the shared one.
      const seen = await f.b.callers.viewer.delivery.list({ workspaceSlug: f.b.slug });
      expect(seen.items.map((d) => d.channel.name).sort()).toEqual(["Shared", "viewer channel"]);
    });
  });

  describe("maintenance windows", () => {
    it("show A's members none of B's, and hold nothing of A's for B's sources", async () => {
      for (const role of ["owner", "admin", "analyst", "viewer"] as const) {
        expect(await f.a.callers[role].maintenanceWindow.summary({ workspaceSlug: f.a.slug })).toEqual([]);
      }
      // B's own members see B's running window.
      const bSummary = await f.b.callers.viewer.maintenanceWindow.summary({ workspaceSlug: f.b.slug });
      expect(bSummary.map((s) => s.current?.id)).toEqual([bWindowIds[0]]);
    });
  });

  describe("the audit log", () => {
    it("shows A's members none of B's entries, whichever of B's ids they filter on", async () => {
      const bObjects = [...f.b.communities.map((c) => c.id), ...f.b.sources.map((s) => s.id), ...bRuleIds, ...bChannelIds, f.b.workspace.id];
      for (const role of ["owner", "admin", "analyst", "viewer"] as const) {
        const caller = f.a.callers[role];
        const workspaceSlug = f.a.slug;
        const all = await caller.audit.list({ workspaceSlug, limit: 100 });
        expect(all.items.map((e) => e.objectId).filter((id) => bObjects.includes(id))).toEqual([]);
        expect(all.items.map((e) => e.actorEmail).filter((email) => email?.endsWith(`@${f.b.slug}.test`))).toEqual([]);
        for (const objectId of bObjects) expect((await caller.audit.list({ workspaceSlug, objectId })).items).toEqual([]);
        for (const user of Object.values(f.b.users)) expect((await caller.audit.list({ workspaceSlug, actor: user.id })).items).toEqual([]);
      }
      // A's admins see A's own trail; B's owner sees B's, with B's shared changes in it.
      expect((await f.a.callers.admin.audit.list({ workspaceSlug: f.a.slug })).items.length).toBeGreaterThan(0);
      const bTrail = await f.b.callers.owner.audit.list({ workspaceSlug: f.b.slug, limit: 100 });
      expect(bTrail.items.map((e) => e.objectId)).toContain(bChannelIds.at(-1));
    });
  });

  describe("rules and the inbox", () => {
    it("show A's members nothing of B's rules, inbox entries or preferences", async () => {
      for (const role of ["owner", "admin", "analyst", "viewer"] as const) {
        const caller = f.a.callers[role];
        const workspaceSlug = f.a.slug;
        expect((await caller.rule.list({ workspaceSlug })).map((r) => r.id).filter((id) => bRuleIds.includes(id))).toEqual([]);
        expect((await caller.inbox.list({ workspaceSlug })).items).toEqual([]);
        expect((await caller.inbox.list({ workspaceSlug, archived: true })).items).toEqual([]);
        expect(await caller.inbox.unreadCount({ workspaceSlug })).toBe(0);
        expect((await caller.inbox.latest({ workspaceSlug })).items).toEqual([]);
        expect(await caller.inbox.markAllRead({ workspaceSlug })).toEqual({ updated: 0 });
        expect(await caller.inbox.archiveAllRead({ workspaceSlug })).toEqual({ archived: 0 });
        expect((await caller.preference.get({ workspaceSlug })).email).toBe(true);
        // Previews read A's events only: those inserted above and A's own audit events.
        const aAudit = await handle.db.select({ id: events.id }).from(events).where(and(eq(events.workspaceId, f.a.workspace.id), eq(events.origin, "audit")));
        const preview = await caller.rule.preview({ workspaceSlug, triggers: ["*"], conditions: {}, scope: "workspace" });
        expect(preview.items.map((i) => i.event.id).sort()).toEqual([...eventIds.a, ...aAudit.map((e) => e.id)].sort());
      }
      // B's own members still see theirs.
      expect(await f.b.callers.viewer.inbox.unreadCount({ workspaceSlug: f.b.slug })).toBe(1);
      expect((await f.b.callers.analyst.preference.get({ workspaceSlug: f.b.slug })).email).toBe(false);
    });
  });
});
