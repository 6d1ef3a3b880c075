import type { TRPC_ERROR_CODE_KEY } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveRuleChannels } from "@/server/channels/channels";
import type { DbHandle } from "@/server/db/client";
import { deliveries, events, notifications } from "@/server/db/schema";
import { createTestDatabase } from "@/server/db/test-database";
import { insertEvents } from "@/server/events/test-events";
import { appRouter } from "./root";
import {
  callByPath,
  callerFor,
  expectTrpcError,
  latestInvitationToken,
  seedTwoWorkspaces,
  snapshotWorkspace,
  type SeededWorkspace,
} from "./test-helpers";

// Tenant isolation, procedure by procedure. The list below must name every workspace procedure
// of appRouter: adding one without saying how it is isolated fails the first test.

type Fixture = { a: SeededWorkspace; b: SeededWorkspace };
/** Events of each workspace (set in beforeAll), for the event log's cases. */
const eventIds: { a: string[]; b: string[] } = { a: [], b: [] };
/** B's rules (each role's personal rule and a shared one) and inbox entries, set in beforeAll. */
const bRuleIds: string[] = [];
const bNotificationIds: string[] = [];
/** B's channels: each role's personal one and a shared one, set in beforeAll. */
const bChannelIds: string[] = [];
/** B's deliveries (one per B channel, failed so that they could be replayed), set in beforeAll. */
const bDeliveryIds: string[] = [];
const intruderUrl = "https://93.184.216.34/hooks/intruder";
/** B's maintenance windows: one running, one to come (set in beforeAll). */
const bWindowIds: string[] = [];
const intruderWindow = () => ({ startsAt: new Date(Date.now() + 3_600_000), endsAt: new Date(Date.now() + 7_200_000), reason: "Intruder" });
const ruleBody = { name: "Intruder", triggers: ["*"], conditions: {} };
type WorkspaceCase = {
  /** An input (besides workspaceSlug) naming B's own things, valid for B's owner. */
  input: (f: Fixture) => Record<string, unknown>;
  /**
   * For procedures taking ids: inputs naming B's things, sent with A's slug. Each must be
   * refused with `foreignIdsCode` (NOT_FOUND unless stated) and change nothing.
   */
  foreignIds?: (f: Fixture) => Record<string, unknown>[];
  foreignIdsCode?: TRPC_ERROR_CODE_KEY;
};

const workspaceCases: Record<string, WorkspaceCase> = {
  "workspace.get": { input: () => ({}) },
  "workspace.updateSettings": {
    input: () => ({ name: "Hijacked", timezone: "Pacific/Kiritimati", retentionDays: 1, webhookChannelCap: 0, mode: "single" }),
  },
  "workspace.delete": { input: ({ b }) => ({ confirmSlug: b.slug }) },
  "community.list": { input: () => ({}) },
  "community.create": { input: () => ({ name: "Intruder" }) },
  "community.rename": {
    input: ({ b }) => ({ communityId: b.communities[0]!.id, name: "Renamed" }),
    foreignIds: ({ b }) => b.communities.map((c) => ({ communityId: c.id, name: "Renamed" })),
  },
  "community.delete": {
    input: ({ b }) => ({ communityId: b.communities[0]!.id, confirmName: b.communities[0]!.name }),
    foreignIds: ({ b }) => b.communities.map((c) => ({ communityId: c.id, confirmName: c.name })),
  },
  "member.list": { input: () => ({}) },
  "member.invite": { input: () => ({ email: "intruder@evil.test", role: "owner" }) },
  "member.invitations": { input: () => ({}) },
  "member.revokeInvitation": {
    input: ({ b }) => ({ invitationId: b.openInvitation.id }),
    foreignIds: ({ b }) => [{ invitationId: b.openInvitation.id }],
  },
  "member.changeRole": {
    input: ({ b }) => ({ membershipId: b.membershipIds.owner, role: "viewer" }),
    foreignIds: ({ b }) =>
      (["owner", "admin", "analyst", "viewer"] as const).flatMap((target) => [
        { membershipId: b.membershipIds[target], role: "viewer" },
        { membershipId: b.membershipIds[target], role: "owner" },
      ]),
  },
  "member.remove": {
    input: ({ b }) => ({ membershipId: b.membershipIds.owner }),
    foreignIds: ({ b }) => (["owner", "admin", "analyst", "viewer"] as const).map((target) => ({ membershipId: b.membershipIds[target] })),
  },
  "member.leave": { input: () => ({}) },
  "source.list": { input: () => ({}) },
  "source.create": {
    input: ({ b }) => ({ communityId: b.communities[0]!.id, name: "Intruder", format: "generic" }),
    foreignIds: ({ b }) => b.communities.map((c) => ({ communityId: c.id, name: "Intruder", format: "generic" })),
  },
  "source.update": {
    input: ({ b }) => ({ sourceId: b.sources[0]!.id, name: "Hijacked", enabled: false, silenceAfterSeconds: null, rateLimitPerSecond: 1 }),
    foreignIds: ({ b }) => b.sources.map((s) => ({ sourceId: s.id, name: "Hijacked", enabled: false, silenceAfterSeconds: null, rateLimitPerSecond: 1 })),
  },
  "source.rotateToken": {
    input: ({ b }) => ({ sourceId: b.sources[0]!.id, graceMinutes: 0 }),
    foreignIds: ({ b }) => b.sources.map((s) => ({ sourceId: s.id, graceMinutes: 0 })),
  },
  "source.revokeTokens": {
    input: ({ b }) => ({ sourceId: b.sources[0]!.id }),
    foreignIds: ({ b }) => b.sources.map((s) => ({ sourceId: s.id })),
  },
  "source.delete": {
    input: ({ b }) => ({ sourceId: b.sources[0]!.id, confirmName: b.sources[0]!.name }),
    foreignIds: ({ b }) => b.sources.map((s) => ({ sourceId: s.id, confirmName: s.name })),
  },
  // Reads. Filters naming B's sources or communities find nothing (see "the event log" below).
  "event.list": { input: ({ b }) => ({ sourceIds: b.sources.map((s) => s.id) }) },
  "event.get": {
    input: () => ({ eventId: eventIds.b[0]! }),
    foreignIds: () => eventIds.b.map((eventId) => ({ eventId })),
  },
  "event.volume": { input: ({ b }) => ({ communityIds: b.communities.map((c) => c.id) }) },
  "rule.list": { input: ({ b }) => ({ communityId: b.communities[0]!.id }) },
  "rule.get": {
    input: () => ({ ruleId: bRuleIds[0]! }),
    foreignIds: () => bRuleIds.map((ruleId) => ({ ruleId })),
  },
  "rule.create": {
    input: ({ b }) => ({ ...ruleBody, communityId: b.communities[0]!.id }),
    foreignIds: ({ a, b }) => [
      ...b.communities.map((c) => ({ ...ruleBody, communityId: c.id })),
      { ...ruleBody, communityId: a.communities[0]!.id, scope: "communities", communityIds: b.communities.map((c) => c.id) },
      { ...ruleBody, communityId: a.communities[0]!.id, conditions: { sourceIds: b.sources.map((src) => src.id) } },
      { ...ruleBody, communityId: a.communities[0]!.id, kind: "shared", recipientUserIds: [b.users.analyst.id] },
    ],
  },
  "rule.update": {
    input: () => ({ ...ruleBody, ruleId: bRuleIds[0]! }),
    foreignIds: () => bRuleIds.map((ruleId) => ({ ...ruleBody, ruleId })),
  },
  "rule.setEnabled": {
    input: () => ({ ruleId: bRuleIds[0]!, enabled: false }),
    foreignIds: () => bRuleIds.map((ruleId) => ({ ruleId, enabled: false })),
  },
  "rule.duplicate": {
    input: () => ({ ruleId: bRuleIds[0]! }),
    foreignIds: () => bRuleIds.map((ruleId) => ({ ruleId })),
  },
  "rule.delete": {
    input: () => ({ ruleId: bRuleIds[0]! }),
    foreignIds: () => bRuleIds.map((ruleId) => ({ ruleId })),
  },
  "rule.validate": { input: () => ({ triggers: ["*"], conditions: {} }) },
  "rule.preview": {
    input: ({ b }) => ({ triggers: ["*"], conditions: {}, communityId: b.communities[0]!.id }),
    foreignIds: ({ b }) => [
      ...b.communities.map((c) => ({ triggers: ["*"], conditions: {}, communityId: c.id })),
      { triggers: ["*"], conditions: {}, scope: "communities", communityIds: b.communities.map((c) => c.id) },
    ],
  },
  // The inbox is the caller's own: B's entries are NOT_FOUND to A's members, whatever their role.
  "inbox.list": { input: ({ b }) => ({ communityIds: b.communities.map((c) => c.id), ruleIds: bRuleIds }) },
  "inbox.latest": { input: () => ({}) },
  "inbox.unreadCount": { input: () => ({}) },
  "inbox.onUnreadCount": { input: () => ({}) },
  "inbox.markRead": {
    input: () => ({ ids: bNotificationIds, read: true }),
    foreignIds: () => [{ ids: bNotificationIds, read: true }, ...bNotificationIds.map((id) => ({ ids: [id], read: true }))],
  },
  "inbox.markAllRead": { input: () => ({}) },
  "inbox.archive": {
    input: () => ({ ids: bNotificationIds, archived: true }),
    foreignIds: () => [{ ids: bNotificationIds, archived: true }, ...bNotificationIds.map((id) => ({ ids: [id], archived: true }))],
  },
  "inbox.archiveAllRead": { input: () => ({}) },
  "inbox.summaryEvents": {
    input: () => ({ notificationId: bNotificationIds[0]! }),
    foreignIds: () => bNotificationIds.map((notificationId) => ({ notificationId })),
  },
  // Channels: another workspace's are NOT_FOUND, like another member's personal ones.
  "channel.list": { input: () => ({ usableBy: "shared" }) },
  "channel.get": {
    input: () => ({ channelId: bChannelIds[0]! }),
    foreignIds: () => bChannelIds.map((channelId) => ({ channelId })),
  },
  "channel.create": { input: () => ({ kind: "slack", name: "Intruder", url: intruderUrl }) },
  "channel.update": {
    input: () => ({ channelId: bChannelIds[0]!, name: "Hijacked" }),
    foreignIds: () => bChannelIds.flatMap((channelId) => [{ channelId, name: "Hijacked" }, { channelId, url: intruderUrl }, { channelId, maxRetries: 0 }]),
  },
  "channel.setEnabled": {
    input: () => ({ channelId: bChannelIds[0]!, enabled: false }),
    foreignIds: () => bChannelIds.map((channelId) => ({ channelId, enabled: false })),
  },
  "channel.delete": {
    input: () => ({ channelId: bChannelIds[0]! }),
    foreignIds: () => bChannelIds.map((channelId) => ({ channelId })),
  },
  "channel.revealSigningSecret": {
    input: () => ({ channelId: bChannelIds[0]! }),
    foreignIds: () => bChannelIds.map((channelId) => ({ channelId })),
  },
  "channel.rotateSigningSecret": {
    input: () => ({ channelId: bChannelIds[0]! }),
    foreignIds: () => bChannelIds.map((channelId) => ({ channelId })),
  },
  "channel.previewTest": {
    input: () => ({ channelId: bChannelIds[0]! }),
    foreignIds: () => bChannelIds.map((channelId) => ({ channelId })),
  },
  "channel.sendTest": {
    input: () => ({ channelId: bChannelIds[0]! }),
    foreignIds: () => bChannelIds.map((channelId) => ({ channelId })),
  },
  // Listing with B's ids is not an error: it finds nothing (checked below).
  "delivery.list": { input: () => ({ channelId: bChannelIds[0]! }) },
  "delivery.get": {
    input: () => ({ deliveryId: bDeliveryIds[0]! }),
    foreignIds: () => bDeliveryIds.map((deliveryId) => ({ deliveryId })),
  },
  "delivery.replay": {
    input: () => ({ deliveryId: bDeliveryIds[0]! }),
    foreignIds: () => bDeliveryIds.map((deliveryId) => ({ deliveryId })),
  },
  "delivery.replayFailed": {
    input: () => ({ channelId: bChannelIds[0]!, since: new Date("2020-01-01T00:00:00Z") }),
    foreignIds: () => bChannelIds.map((channelId) => ({ channelId, since: new Date("2020-01-01T00:00:00Z") })),
  },
  // The trail of B is never A's: listing with B's ids is not an error, it finds nothing (checked below).
  "audit.list": { input: ({ b }) => ({ objectId: b.communities[0]!.id, actor: b.users.owner.id }) },
  "preference.get": { input: () => ({}) },
  "preference.update": { input: () => ({ inApp: false, email: false }) },
  "preference.updateQuietHours": { input: () => ({ enabled: true, fromMinute: 0, toMinute: 60, weekdays: [1], timezone: "UTC" }) },
  // Maintenance windows: B's sources and windows are NOT_FOUND to A's members.
  "maintenanceWindow.summary": { input: () => ({}) },
  "maintenanceWindow.list": {
    input: ({ b }) => ({ sourceId: b.sources[0]!.id }),
    foreignIds: ({ b }) => b.sources.map((s) => ({ sourceId: s.id })),
  },
  "maintenanceWindow.create": {
    input: ({ b }) => ({ sourceId: b.sources[0]!.id, ...intruderWindow() }),
    foreignIds: ({ b }) => b.sources.map((s) => ({ sourceId: s.id, ...intruderWindow() })),
  },
  "maintenanceWindow.endNow": {
    input: () => ({ windowId: bWindowIds[0]! }),
    foreignIds: () => bWindowIds.map((windowId) => ({ windowId })),
  },
  "maintenanceWindow.delete": {
    input: () => ({ windowId: bWindowIds[1]! }),
    foreignIds: () => bWindowIds.map((windowId) => ({ windowId })),
  },
};

// Procedures that take no workspace: the invitee's side, the user's own workspace list, and the
// instance administrators' settings (FORBIDDEN to everyone else: server/api/routers/instance.test.ts).
const notWorkspaceScoped = [
  "workspace.list",
  "workspace.create",
  "invitation.pending",
  "invitation.acceptByToken",
  "invitation.accept",
  "instance.getSettings",
  "instance.updateSettings",
  "instance.listExceptions",
];

type ProcedureDef = { _def: { inputs: unknown[] } };

/** A workspace procedure is one whose first input is the ladder's `{ workspaceSlug }`. */
function takesWorkspaceSlug(procedure: ProcedureDef): boolean {
  const first = procedure._def.inputs[0] as { shape?: Record<string, unknown> } | undefined;
  return Boolean(first?.shape && "workspaceSlug" in first.shape);
}

describe("cross-workspace isolation", () => {
  let handle: DbHandle;
  let f: Fixture;
  let bBefore: Awaited<ReturnType<typeof snapshotWorkspace>>;

  beforeAll(async () => {
    handle = await createTestDatabase();
    f = await seedTwoWorkspaces(handle.db, "iso");
    for (const side of ["a", "b"] as const) {
      const ws = f[side];
      eventIds[side] = [
        ...(await insertEvents(handle.db, ws.workspace.id, ws.sources[0]!, [{ type: "alert.created", title: `${side} alert`, severity: "high" }])),
        ...(await insertEvents(handle.db, ws.workspace.id, ws.sources[1]!, [{ type: "auth.login", title: `${side} login`, raw: { secret: side } }])),
        ...(await insertEvents(handle.db, ws.workspace.id, null, [{ type: "intake.silent", title: `${side} silent` }])),
      ];
    }
    // B's rules: each member's personal rule, and a shared one; and inbox entries for B's members.
    for (const role of ["owner", "admin", "analyst", "viewer"] as const) {
      const { rule } = await f.b.callers[role].rule.create({ workspaceSlug: f.b.slug, communityId: f.b.communities[0]!.id, name: `${role} rule`, triggers: ["alert.*"] });
      bRuleIds.push(rule.id);
    }
    const { rule: shared } = await f.b.callers.admin.rule.create({
      workspaceSlug: f.b.slug,
      kind: "shared",
      communityId: f.b.communities[1]!.id,
      name: "Shared",
      triggers: ["*"],
      scope: "communities",
      communityIds: f.b.communities.map((c) => c.id),
      recipientRoles: ["viewer"],
      recipientUserIds: [f.b.users.analyst.id],
    });
    bRuleIds.push(shared.id);
    await f.b.callers.analyst.preference.update({ workspaceSlug: f.b.slug, email: false });
    const inserted = await handle.db
      .insert(notifications)
      .values(
        (["owner", "admin", "analyst", "viewer"] as const).map((role, index) => ({
          workspaceId: f.b.workspace.id,
          userId: f.b.users[role].id,
          eventId: eventIds.b[0]!,
          ruleId: bRuleIds[index]!,
          communityId: f.b.communities[0]!.id,
          severity: "high" as const,
          readAt: role === "admin" ? new Date("2024-06-01T13:00:00Z") : null,
        })),
      )
      .returning({ id: notifications.id });
    bNotificationIds.push(...inserted.map((row) => row.id));
    const personalChannels = { owner: { kind: "webhook", url: "https://93.184.216.34/hooks/b-owner" }, admin: { kind: "slack", url: "https://93.184.216.34/hooks/b-admin" }, analyst: { kind: "email" }, viewer: { kind: "discord", url: "https://93.184.216.34/api/webhooks/b-viewer" } } as const;
    for (const role of ["owner", "admin", "analyst", "viewer"] as const) {
      const { channel } = await f.b.callers[role].channel.create({ workspaceSlug: f.b.slug, name: `${role} channel`, ...personalChannels[role] });
      bChannelIds.push(channel.id);
    }
    const { channel: sharedChannel } = await f.b.callers.admin.channel.create({ workspaceSlug: f.b.slug, kind: "webhook", name: "Shared", url: "https://93.184.216.34/hooks/b-shared", shared: true });
    bChannelIds.push(sharedChannel.id);
    const bDeliveries = await handle.db
      .insert(deliveries)
      .values(
        bChannelIds.map((channelId, index) => ({
          workspaceId: f.b.workspace.id,
          eventId: eventIds.b[0]!,
          ruleId: bRuleIds[index % bRuleIds.length]!,
          channelId,
          messageId: `msg_b_${index}`,
          status: "failed" as const,
          attempts: 1,
          failedAt: new Date("2024-06-01T13:00:00Z"),
        })),
      )
      .returning({ id: deliveries.id });
    bDeliveryIds.push(...bDeliveries.map((row) => row.id));
    for (const [startsIn, endsIn] of [[-60_000, 86_400_000], [2 * 86_400_000, 3 * 86_400_000]] as const) {
      const window = await f.b.callers.admin.maintenanceWindow.create({
        workspaceSlug: f.b.slug,
        sourceId: f.b.sources[0]!.id,
        startsAt: new Date(Date.now() + startsIn),
        endsAt: new Date(Date.now() + endsIn),
        reason: "B's upgrade",
      });
      bWindowIds.push(window.id);
    }
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
