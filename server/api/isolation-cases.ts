// The workspace procedures and how each is called across workspaces, with the seed of A and B
// those calls name: shared by the cross-workspace suite (a case per procedure) and the
// tenant-isolation suite (generated calls mixing both workspaces' ids). Not a *.test.ts file.
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server";
import { getTableColumns, getTableName, is, sql } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import type { Db } from "@/server/db/client";
import * as schema from "@/server/db/schema";
import { deliveries, notifications } from "@/server/db/schema";
import { insertEvents } from "@/server/events/test-events";
import { queryRows, type SeededWorkspace } from "./test-helpers";

// Every workspace procedure must have a case: cross-workspace.test.ts fails when one is missing.

export type Fixture = { a: SeededWorkspace; b: SeededWorkspace };
/** Events of each workspace (set by seedIsolationData), for the event log's cases. */
export const eventIds: { a: string[]; b: string[] } = { a: [], b: [] };
/** B's rules (each role's personal rule and a shared one) and inbox entries, set by seedIsolationData. */
export const bRuleIds: string[] = [];
export const bNotificationIds: string[] = [];
/** B's channels: each role's personal one and a shared one, set by seedIsolationData. */
export const bChannelIds: string[] = [];
/** B's deliveries (one per B channel, failed so that they could be replayed), set by seedIsolationData. */
export const bDeliveryIds: string[] = [];
const intruderUrl = "https://93.184.216.34/hooks/intruder";
/** B's maintenance windows: one running, one to come (set by seedIsolationData). */
export const bWindowIds: string[] = [];
const intruderWindow = () => ({ startsAt: new Date(Date.now() + 3_600_000), endsAt: new Date(Date.now() + 7_200_000), reason: "Intruder" });
const ruleBody = { name: "Intruder", triggers: ["*"], conditions: {} };
export type WorkspaceCase = {
  /** An input (besides workspaceSlug) naming B's own things, valid for B's owner. */
  input: (f: Fixture) => Record<string, unknown>;
  /**
   * For procedures taking ids: inputs naming B's things, sent with A's slug. Each must be
   * refused with `foreignIdsCode` (NOT_FOUND unless stated) and change nothing.
   */
  foreignIds?: (f: Fixture) => Record<string, unknown>[];
  foreignIdsCode?: TRPC_ERROR_CODE_KEY;
};

export const workspaceCases: Record<string, WorkspaceCase> = {
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
export const notWorkspaceScoped = [
  "workspace.list",
  "workspace.create",
  "invitation.pending",
  "invitation.acceptByToken",
  "invitation.accept",
  "instance.getSettings",
  "instance.updateSettings",
  "instance.listExceptions",
];

export type ProcedureDef = { _def: { inputs: unknown[] } };

/** A workspace procedure is one whose first input is the ladder's `{ workspaceSlug }`. */
export function takesWorkspaceSlug(procedure: ProcedureDef): boolean {
  const first = procedure._def.inputs[0] as { shape?: Record<string, unknown> } | undefined;
  return Boolean(first?.shape && "workspaceSlug" in first.shape);
}

/**
 * B's rules, inbox entries, channels, deliveries and maintenance windows, and three events on
 * each side (into the id lists above), created the way members create them where a router does.
 */
export async function seedIsolationData(db: Db, f: Fixture): Promise<void> {
  for (const side of ["a", "b"] as const) {
    const ws = f[side];
    eventIds[side] = [
      ...(await insertEvents(db, ws.workspace.id, ws.sources[0]!, [{ type: "alert.created", title: `${side} alert`, severity: "high" }])),
      ...(await insertEvents(db, ws.workspace.id, ws.sources[1]!, [{ type: "auth.login", title: `${side} login`, raw: { secret: side } }])),
      ...(await insertEvents(db, ws.workspace.id, null, [{ type: "intake.silent", title: `${side} silent` }])),
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
  const inserted = await db
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
  const bDeliveries = await db
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
}

/** Every table of the schema with a workspace_id column, and workspaces itself: a new one is included without a word. */
export const tenantTables = (Object.values(schema) as unknown[])
  .filter((value): value is PgTable => is(value, PgTable))
  .filter((table) => table === schema.workspaces || "workspaceId" in getTableColumns(table))
  .map((table) => ({ name: getTableName(table), column: table === schema.workspaces ? "id" : "workspace_id" }))
  .sort((x, y) => x.name.localeCompare(y.name));

export type TableState = { name: string; rows: number; hash: string };

/** Each tenant table's rows of the workspace, as a count and an md5 of PostgreSQL's text of every row: one round trip. */
export async function hashWorkspace(db: Db, workspaceId: string): Promise<TableState[]> {
  const parts = tenantTables.map(
    ({ name, column }) =>
      sql`select ${name}::text as name, count(*)::int as rows, coalesce(md5(string_agg(t::text, E'\\n' order by t::text)), '') as hash
          from ${sql.identifier(name)} t where ${sql.identifier(column)} = ${workspaceId}`,
  );
  return queryRows<TableState>(db, sql.join(parts, sql` union all `));
}
