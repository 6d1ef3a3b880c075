import { and, eq, isNull, sql } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import type { Db } from "@/server/db/client";
import { channels, events, memberships, notificationPreferences, ruleVersions, sourceMaintenanceWindows, users, type DeliveryChannelKind, type Role } from "@/server/db/schema";
import { DELIVERY_INSERT_BATCH, insertDeliveries, type DeliveryRow, type RequestedDelivery } from "@/server/deliveries/insert-deliveries";
import { causeOf, isChainedFailure } from "@/server/events/system-events";
import { loadQuietHours } from "@/server/inbox/preferences";
import { quietPeriodAt, type QuietHours } from "@/server/inbox/quiet-hours";
import { insertNotificationsAndSignal, NOTIFICATION_INSERT_BATCH, type NotificationRow } from "@/server/inbox/insert-notifications";
import { jobNow } from "@/server/jobs/job-clock";
import { matchableEventColumns } from "@/server/rules/matchable-event-columns";
import type { MatchableEvent } from "@/server/rules/rule-definition";
import { storedRuleMatches } from "@/server/rules/rule-evaluation";
import { decideThrottle, type ThrottledMatch } from "./decide-throttle";
import { holdNotifications, type BatchKey, type HeldNotification } from "./hold-notifications";
import { candidateRuleCache, ruleCoversCommunity, type CandidateRule } from "@/server/rules/select-candidate-rules";

export type FanOutResult = {
  /** Events of the workspace found among the ids (others' ids are ignored). */
  events: number;
  /** Rules read as candidates (by workspace and type prefix). */
  candidates: number;
  /** (event, rule) pairs that matched. */
  matches: number;
  /** Inbox entries created now (0 when this ran before for the same events). */
  inserted: number;
  /** Users whose inbox got at least one new entry (each was signalled). */
  userIds: string[];
  /** Deliveries created now, to be requested (none when this ran before for the same events). */
  deliveries: RequestedDelivery[];
  /** Matches a rule's throttle suppressed (counted on the notification that opened the window). */
  suppressed: number;
  /** Inbox entries and deliveries newly held for a summary (digest, quiet hours, maintenance). */
  held: number;
};

/** A current member, with what the fan-out needs: role, email (lower-case) and the channel kinds they turned off. */
type Recipient = { userId: string; role: Role; email: string; inApp: boolean; kindsOff: DeliveryChannelKind[] };
type Match = { event: MatchableEvent; rule: CandidateRule };
type ChannelState = { id: string; kind: DeliveryChannelKind; ownerUserId: string | null; enabled: boolean };

/** Quiet hours hold email and chat, never a webhook (machines read those) nor the in-app inbox. */
const quietHoursKinds: ReadonlySet<DeliveryChannelKind> = new Set(["email", "slack", "teams", "mattermost", "discord"]);

/**
 * Writes what these events of one workspace call for: candidate rules by workspace and type
 * prefix (cached per workspace until its rules change), then for each event the rules whose scope
 * covers it and whose triggers and conditions hold, less what their throttles suppress; then inbox
 * entries for their recipients (current members with in-app on) and deliveries to their channels,
 * each inserted in batches under a unique key — or held for a summary when a maintenance window,
 * the rule's digest or the channel owner's quiet hours say so. Idempotent: a second run for the
 * same events inserts and holds nothing, signals nobody and requests no delivery. Events reporting
 * a failure to deliver Tocsin's own failure events are not fanned out (loop prevention).
 *
 * Last, the events are marked fanned out (`events.fanned_out_at`): a run that dies before that —
 * the inline runner keeps runs in memory, so a killed process loses them — leaves them to the
 * sweeper, which sends them again.
 */
export async function writeFanOut(db: Db, workspaceId: string, eventIds: readonly string[]): Promise<FanOutResult> {
  const result = await writeFanOutRows(db, workspaceId, eventIds);
  if (eventIds.length > 0) await prepared(db).markFannedOut.execute({ workspaceId, ids: `{${[...new Set(eventIds)].join(",")}}` });
  return result;
}

async function writeFanOutRows(db: Db, workspaceId: string, eventIds: readonly string[]): Promise<FanOutResult> {
  const result: FanOutResult = { events: 0, candidates: 0, matches: 0, inserted: 0, userIds: [], deliveries: [], suppressed: 0, held: 0 };
  if (eventIds.length === 0) return result;
  // Ids of another workspace's events load nothing.
  const loaded = (await prepared(db).events.execute({ workspaceId, ids: `{${[...new Set(eventIds)].join(",")}}` })).filter((event) => !isChainedFailure(event));
  result.events = loaded.length;
  if (loaded.length === 0) return result;

  const byType = await candidateRuleCache.candidatesByType(
    db,
    workspaceId,
    loaded.map((e) => e.type),
    loaded[0]!.rulesVersion ?? 0,
  );
  result.candidates = new Set([...byType.values()].flat().map((rule) => rule.id)).size;
  if (result.candidates === 0) return result;

  const matches: Match[] = [];
  for (const { rulesVersion: _version, maintenance: _window, ...event } of loaded) {
    for (const rule of byType.get(event.type) ?? []) {
      if (!rule.notifyInApp && rule.channelIds.length === 0) continue;
      if (!ruleCoversCommunity(rule, event.communityId)) continue;
      // Triggers first, then severity, source, field matchers, CEL: cheapest first.
      if (storedRuleMatches(rule, event as MatchableEvent)) matches.push({ event: event as MatchableEvent, rule });
    }
  }
  result.matches = matches.length;
  if (matches.length === 0) return result;

  const notifying = await applyThrottles(db, workspaceId, matches);
  result.suppressed = matches.length - notifying.length;
  if (notifying.length === 0) return result;

  const members = await prepared(db).recipients.execute({ workspaceId });
  const byUserId = new Map(members.map((m) => [m.userId, m]));
  const byEmail = new Map(members.map((m) => [m.email, m]));
  const holds: Holds = { now: jobNow(), held: [], maintenance: new Map(loaded.flatMap((e) => (e.maintenance ? [[e.id, e.maintenance] as const] : []))), quietHours: null };

  const inbox = await writeInboxEntries(db, workspaceId, notifying, { byUserId, byEmail, members }, holds);
  result.inserted = inbox.inserted;
  result.userIds = inbox.userIds;
  result.deliveries = await writeDeliveries(db, workspaceId, notifying, byUserId, holds);
  result.held = await holdNotifications(db, workspaceId, holds.held, holds.now);
  return result;
}

/** The matches that notify: all of them, less those a rule's throttle suppresses. */
async function applyThrottles(db: Db, workspaceId: string, matches: Match[]): Promise<Match[]> {
  const throttled: ThrottledMatch[] = [];
  for (const { event, rule } of matches) {
    if (rule.throttleSeconds === null || !event.fingerprint) continue;
    throttled.push({ ruleId: rule.id, eventId: event.id, fingerprint: event.fingerprint, receivedAt: event.receivedAt, windowSeconds: rule.throttleSeconds });
  }
  if (throttled.length === 0) return matches;
  const decisions = await decideThrottle(db, workspaceId, throttled);
  return matches.filter(({ event, rule }) => decisions.get(`${rule.id}:${event.id}`)?.notified !== false);
}

/**
 * What holds a notification back: the maintenance window each event arrived in (read with the
 * events), and — read only when a channel could be held — the quiet hours of channel owners.
 * `held` collects what is held.
 */
type Holds = {
  now: Date;
  held: HeldNotification[];
  /** By event id: the maintenance window of its source it arrived in. */
  maintenance: Map<string, MaintenanceHold>;
  quietHours: Map<string, QuietHours> | null;
};
type MaintenanceHold = { id: string; sourceId: string; endsAt: string };

/** The batch a match is held in for every recipient and channel (a maintenance window, then the rule's digest), if any. */
function holdForMatch({ event, rule }: Match, holds: Holds): BatchKey | null {
  const window = holds.maintenance.get(event.id);
  if (window) {
    return { reason: "maintenance", keyId: window.id, ruleId: null, channelId: null, userId: null, maintenanceWindowId: window.id, sourceId: window.sourceId, releaseAt: new Date(window.endsAt) };
  }
  if (rule.digestSeconds !== null) {
    return { reason: "digest", keyId: rule.id, ruleId: rule.id, channelId: null, userId: null, maintenanceWindowId: null, sourceId: null, releaseAt: new Date(holds.now.getTime() + rule.digestSeconds * 1000) };
  }
  return null;
}

/** Quiet hours of the channel's owner, for a non-critical event on an email or chat channel. */
function holdForQuietHours(match: Match, channel: ChannelState, holds: Holds): BatchKey | null {
  if (match.event.severity === "critical" || !channel.ownerUserId || !quietHoursKinds.has(channel.kind)) return null;
  const quiet = holds.quietHours?.get(channel.ownerUserId);
  const period = quiet ? quietPeriodAt(quiet, holds.now) : null;
  if (!period) return null;
  return { reason: "quiet_hours", keyId: channel.id, ruleId: null, channelId: channel.id, userId: channel.ownerUserId, maintenanceWindowId: null, sourceId: null, releaseAt: period.endsAt };
}

type Members = { byUserId: Map<string, Recipient>; byEmail: Map<string, Recipient>; members: Recipient[] };

async function writeInboxEntries(db: Db, workspaceId: string, matches: Match[], members: Members, holds: Holds) {
  const rows: NotificationRow[] = [];
  for (const match of matches) {
    const { event, rule } = match;
    if (!rule.notifyInApp) continue;
    const batch = holdForMatch(match, holds);
    for (const userId of recipientsOf(rule, event, members)) {
      if (!members.byUserId.get(userId)!.inApp) continue;
      if (batch) holds.held.push({ batch, eventId: event.id, ruleId: rule.id, userId, channelId: null });
      else rows.push({ workspaceId, userId, eventId: event.id, ruleId: rule.id, communityId: event.communityId, severity: event.severity });
    }
  }
  const touched = new Set<string>();
  let inserted = 0;
  for (let i = 0; i < rows.length; i += NOTIFICATION_INSERT_BATCH) {
    const batch = await insertNotificationsAndSignal(db, workspaceId, rows.slice(i, i + NOTIFICATION_INSERT_BATCH));
    inserted += batch.inserted;
    for (const userId of batch.userIds) touched.add(userId);
  }
  return { inserted, userIds: [...touched].sort() };
}

/**
 * One delivery per matched (event, rule) and each of the rule's channels that is enabled and
 * still the rule's to use: a personal rule reaches its owner's own channels and shared ones, only
 * while its owner is a member with that kind on; a shared rule reaches shared channels. An event
 * Tocsin raised about a failing channel never goes back to that channel. Held ones go to `holds`.
 */
async function writeDeliveries(db: Db, workspaceId: string, matches: Match[], byUserId: Map<string, Recipient>, holds: Holds): Promise<RequestedDelivery[]> {
  const channelIds = [...new Set(matches.flatMap(({ rule }) => rule.channelIds))];
  if (channelIds.length === 0) return [];
  const states = new Map((await prepared(db).channels.execute({ workspaceId, ids: `{${channelIds.join(",")}}` })).map((c) => [c.id, c]));
  const owners = [...new Set([...states.values()].filter((c) => c.ownerUserId && quietHoursKinds.has(c.kind)).map((c) => c.ownerUserId!))];
  if (owners.length > 0 && matches.some(({ event }) => event.severity !== "critical")) holds.quietHours = await loadQuietHours(db, workspaceId, owners);

  const rows: DeliveryRow[] = [];
  for (const match of matches) {
    const { event, rule } = match;
    const causeChannelId = causeOf(event)?.channelId;
    const batch = holdForMatch(match, holds);
    for (const channelId of rule.channelIds) {
      const channel = states.get(channelId);
      if (!channel?.enabled || channelId === causeChannelId || !mayUse(rule, channel, byUserId)) continue;
      const held = batch ?? holdForQuietHours(match, channel, holds);
      if (held) holds.held.push({ batch: held, eventId: event.id, ruleId: rule.id, userId: null, channelId });
      else rows.push({ id: uuidv7(), eventId: event.id, ruleId: rule.id, channelId });
    }
  }
  const requested: RequestedDelivery[] = [];
  const dueAt = jobNow();
  for (let i = 0; i < rows.length; i += DELIVERY_INSERT_BATCH) {
    requested.push(...(await insertDeliveries(db, workspaceId, rows.slice(i, i + DELIVERY_INSERT_BATCH), dueAt)));
  }
  return requested;
}

function mayUse(rule: CandidateRule, channel: ChannelState, byUserId: Map<string, Recipient>): boolean {
  if (rule.kind === "shared") return channel.ownerUserId === null;
  const owner = rule.ownerUserId ? byUserId.get(rule.ownerUserId) : undefined;
  if (!owner) return false;
  if (channel.ownerUserId !== null && channel.ownerUserId !== owner.userId) return false;
  return !owner.kindsOff.includes(channel.kind);
}

/*
 * The fan-out runs for every ingested event: its reads are prepared once per database handle
 * (named statements on PostgreSQL: neither built, parsed nor planned again).
 */
function prepareStatements(db: Db) {
  const workspaceId = sql.placeholder("workspaceId");
  return {
    // The workspace is re-checked on every row; the rule version comes along, for the candidate cache.
    events: db
      .select({
        ...matchableEventColumns,
        rulesVersion: sql<number | null>`(select ${ruleVersions.version} from ${ruleVersions} where ${ruleVersions.workspaceId} = ${workspaceId})`.mapWith(Number),
        // The maintenance window of its source the event arrived in, if any (a probe of the (source_id, ends_at) index).
        maintenance: sql<MaintenanceHold | null>`(select json_build_object('id', w.id, 'sourceId', w.source_id, 'endsAt', w.ends_at)
          from ${sourceMaintenanceWindows} w
          where w.workspace_id = ${workspaceId} and w.source_id = ${events.sourceId} and w.starts_at <= ${events.receivedAt} and w.ends_at > ${events.receivedAt}
          order by w.starts_at limit 1)`,
      })
      .from(events)
      .where(and(eq(events.workspaceId, workspaceId), sql`${events.id} = any(${sql.placeholder("ids")}::uuid[])`))
      .prepare("tocsin_fan_out_events"),
    // Current members with what the fan-out needs: role, email (lowercase) and their channel kinds on or off.
    recipients: db
      .select({
        userId: memberships.userId,
        role: memberships.role,
        email: sql<string>`lower(${users.email})`,
        inApp: sql<boolean>`coalesce(${notificationPreferences.inApp}, true)`,
        // No preferences row: every kind on.
        kindsOff: sql<DeliveryChannelKind[]>`array_remove(array[
          case when ${notificationPreferences.email} = false then 'email' end,
          case when ${notificationPreferences.slack} = false then 'slack' end,
          case when ${notificationPreferences.teams} = false then 'teams' end,
          case when ${notificationPreferences.mattermost} = false then 'mattermost' end,
          case when ${notificationPreferences.discord} = false then 'discord' end,
          case when ${notificationPreferences.webhook} = false then 'webhook' end], null)::text[]`,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .leftJoin(notificationPreferences, and(eq(notificationPreferences.workspaceId, workspaceId), eq(notificationPreferences.userId, memberships.userId)))
      .where(eq(memberships.workspaceId, workspaceId))
      .prepare("tocsin_fan_out_recipients"),
    // The channels the matched rules name, as they are now.
    channels: db
      .select({ id: channels.id, kind: channels.kind, ownerUserId: channels.ownerUserId, enabled: channels.enabled })
      .from(channels)
      .where(and(eq(channels.workspaceId, workspaceId), sql`${channels.id} = any(${sql.placeholder("ids")}::uuid[])`))
      .prepare("tocsin_fan_out_channels"),
    // Of the workspace's events only; a marked event keeps the time of its first fan-out.
    markFannedOut: db
      .update(events)
      .set({ fannedOutAt: sql`now()` })
      .where(and(eq(events.workspaceId, workspaceId), sql`${events.id} = any(${sql.placeholder("ids")}::uuid[])`, isNull(events.fannedOutAt)))
      .prepare("tocsin_fan_out_mark"),
  };
}

const statements = new WeakMap<Db, ReturnType<typeof prepareStatements>>();
function prepared(db: Db) {
  let found = statements.get(db);
  if (!found) statements.set(db, (found = prepareStatements(db)));
  return found;
}

/**
 * Who hears of `event` through `rule`, among current members: a personal rule's owner; a shared
 * rule's chosen members, the members with its roles, and — when asked — the member whose email
 * is the event's actor.
 */
function recipientsOf(rule: CandidateRule, event: MatchableEvent, { byUserId, byEmail, members }: Members): Set<string> {
  const recipients = new Set<string>();
  if (rule.kind === "personal") {
    if (rule.ownerUserId && byUserId.has(rule.ownerUserId)) recipients.add(rule.ownerUserId);
    return recipients;
  }
  for (const userId of rule.recipientUserIds) if (byUserId.has(userId)) recipients.add(userId);
  if (rule.recipientRoles.length) for (const member of members) if (rule.recipientRoles.includes(member.role)) recipients.add(member.userId);
  if (rule.notifyEventUser && event.actor) {
    const actor = byEmail.get(event.actor.trim().toLowerCase());
    if (actor) recipients.add(actor.userId);
  }
  return recipients;
}
