import { and, eq, sql } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import type { Db } from "@/server/db/client";
import { queryRows } from "@/server/db/query-rows";
import { events, memberships, notificationPreferences, ruleVersions, users, type Role } from "@/server/db/schema";
import type { Severity } from "@/server/events/severities";
import { matchableEventColumns } from "@/server/rules/matchable-event-columns";
import type { MatchableEvent } from "@/server/rules/rule-definition";
import { storedRuleMatches } from "@/server/rules/rule-evaluation";
import { candidateRuleCache, ruleCoversCommunity, type CandidateRule } from "@/server/rules/select-candidate-rules";
import { INBOX_CHANNEL } from "./realtime";

/** Rows per INSERT (sent as seven arrays, whatever the count). */
export const NOTIFICATION_INSERT_BATCH = 5_000;

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
};

type Recipient = { userId: string; role: Role; email: string; inApp: boolean };

export type NotificationRow = { workspaceId: string; userId: string; eventId: string; ruleId: string; communityId: string | null; severity: Severity };

/**
 * Writes the inbox entries that these events of one workspace call for: candidate rules by
 * workspace and type prefix (cached per workspace until its rules change), then for each event
 * the rules whose scope covers it and whose triggers and conditions hold, then their recipients
 * (current members with in-app on), inserted in batches under the (user, event, rule) key, each
 * batch signalling the inboxes it changed in the same statement. Idempotent: a second run for
 * the same events inserts nothing and signals nobody. Never touches `events.fanned_out_at` (the
 * ingest path's marker). Three statements for a job whose rules are cached.
 */
export async function fanOutToInbox(db: Db, workspaceId: string, eventIds: readonly string[]): Promise<FanOutResult> {
  const result: FanOutResult = { events: 0, candidates: 0, matches: 0, inserted: 0, userIds: [] };
  if (eventIds.length === 0) return result;
  // Ids of another workspace's events load nothing.
  const loaded = await prepared(db).events.execute({ workspaceId, ids: arrayLiteral([...new Set(eventIds)]) });
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

  const matches: { event: MatchableEvent; rule: CandidateRule }[] = [];
  for (const { rulesVersion: _version, ...event } of loaded) {
    for (const rule of byType.get(event.type) ?? []) {
      if (!rule.notifyInApp) continue;
      if (!ruleCoversCommunity(rule, event.communityId)) continue;
      // Triggers first, then severity, source, field matchers, CEL: cheapest first.
      if (storedRuleMatches(rule, event as MatchableEvent)) matches.push({ event: event as MatchableEvent, rule });
    }
  }
  result.matches = matches.length;
  if (matches.length === 0) return result;

  const recipients = await loadRecipients(db, workspaceId);
  const byUserId = new Map(recipients.map((m) => [m.userId, m]));
  const byEmail = new Map(recipients.map((m) => [m.email, m]));

  const rows: NotificationRow[] = [];
  for (const { event, rule } of matches) {
    for (const userId of recipientsOf(rule, event, byUserId, byEmail, recipients)) {
      if (!byUserId.get(userId)!.inApp) continue;
      rows.push({ workspaceId, userId, eventId: event.id, ruleId: rule.id, communityId: event.communityId, severity: event.severity });
    }
  }

  const touched = new Set<string>();
  for (let i = 0; i < rows.length; i += NOTIFICATION_INSERT_BATCH) {
    const inserted = await insertNotificationsAndSignal(db, workspaceId, rows.slice(i, i + NOTIFICATION_INSERT_BATCH));
    result.inserted += inserted.inserted;
    for (const userId of inserted.userIds) touched.add(userId);
  }
  result.userIds = [...touched].sort();
  return result;
}

const arrayLiteral = (values: readonly (string | null)[]) =>
  `{${values.map((value) => (value === null ? "NULL" : `"${value.replace(/["\\]/g, "\\$&")}"`)).join(",")}}`;

/**
 * One statement: inserts the rows (unnested from seven arrays; a row already there is skipped)
 * and NOTIFYs the inbox channel once per user who got something new, so that a retry after a
 * failure inserts and signals exactly what is missing. Returns the count and those users.
 */
export async function insertNotificationsAndSignal(db: Db, workspaceId: string, rows: readonly NotificationRow[]) {
  if (rows.length === 0) return { inserted: 0, userIds: [] as string[] };
  const column = <K extends keyof NotificationRow>(key: K) => arrayLiteral(rows.map((row) => row[key]));
  const result = await queryRows<{ user_id: string; inserted: number }>(
    db,
    sql`with inserted as (
          insert into notifications (id, workspace_id, user_id, event_id, rule_id, community_id, severity)
          select * from unnest(
            ${arrayLiteral(rows.map(() => uuidv7()))}::uuid[], ${column("workspaceId")}::uuid[], ${column("userId")}::uuid[],
            ${column("eventId")}::uuid[], ${column("ruleId")}::uuid[], ${column("communityId")}::uuid[], ${column("severity")}::text[])
          on conflict (user_id, event_id, rule_id) do nothing
          returning user_id
        ), per_user as (
          select user_id, count(*)::int as inserted from inserted group by user_id
        )
        select user_id, inserted, pg_notify(${INBOX_CHANNEL}, json_build_object('w', ${workspaceId}::text, 'u', user_id)::text) as signalled
        from per_user`,
  );
  return { inserted: result.reduce((sum, row) => sum + Number(row.inserted), 0), userIds: result.map((row) => row.user_id) };
}

/*
 * The fan-out runs for every ingested event: its two reads are prepared once per database handle
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
      })
      .from(events)
      .where(and(eq(events.workspaceId, workspaceId), sql`${events.id} = any(${sql.placeholder("ids")}::uuid[])`))
      .prepare("tocsin_fan_out_events"),
    // Current members with what the fan-out needs: role, email (lowercase) and in-app on or off.
    recipients: db
      .select({
        userId: memberships.userId,
        role: memberships.role,
        email: sql<string>`lower(${users.email})`,
        inApp: sql<boolean>`coalesce(${notificationPreferences.inApp}, true)`,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .leftJoin(notificationPreferences, and(eq(notificationPreferences.workspaceId, workspaceId), eq(notificationPreferences.userId, memberships.userId)))
      .where(eq(memberships.workspaceId, workspaceId))
      .prepare("tocsin_fan_out_recipients"),
  };
}

const statements = new WeakMap<Db, ReturnType<typeof prepareStatements>>();
function prepared(db: Db) {
  let found = statements.get(db);
  if (!found) statements.set(db, (found = prepareStatements(db)));
  return found;
}

async function loadRecipients(db: Db, workspaceId: string): Promise<Recipient[]> {
  return prepared(db).recipients.execute({ workspaceId });
}

/**
 * Who hears of `event` through `rule`, among current members: a personal rule's owner; a shared
 * rule's chosen members, the members with its roles, and — when asked — the member whose email
 * is the event's actor.
 */
function recipientsOf(
  rule: CandidateRule,
  event: MatchableEvent,
  byUserId: Map<string, Recipient>,
  byEmail: Map<string, Recipient>,
  members: Recipient[],
): Set<string> {
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
