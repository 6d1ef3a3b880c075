import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { events, memberships, notifications, users, type Role } from "@/server/db/schema";
import type { MatchableEvent } from "@/server/rules/rule-definition";
import { storedRuleMatches } from "@/server/rules/rule-evaluation";
import { matchableEventColumns } from "@/server/rules/matchable-event-columns";
import { candidateRuleCache, ruleCoversCommunity, type CandidateRule } from "@/server/rules/select-candidate-rules";
import { findInAppDisabledUsers } from "./preferences";

/** Rows per INSERT: 7 parameters each, far below PostgreSQL's 65,535. */
export const NOTIFICATION_INSERT_BATCH = 1_000;

export type FanOutResult = {
  /** Events of the workspace found among the ids (others' ids are ignored). */
  events: number;
  /** Rules read as candidates (by workspace and type prefix). */
  candidates: number;
  /** (event, rule) pairs that matched. */
  matches: number;
  /** Inbox entries created now (0 when this ran before for the same events). */
  inserted: number;
  /** Users whose inbox got at least one new entry, to signal. */
  userIds: string[];
};

type Member = { userId: string; role: Role; email: string };

/**
 * Writes the inbox entries that these events of one workspace call for: candidate rules by
 * workspace and type prefix, then for each event the rules whose patterns and scope cover it and
 * whose conditions hold, then their recipients (current members with in-app on), inserted in
 * batches under the (user, event, rule) key. Idempotent: a second run for the same events inserts
 * nothing. Never touches `events.fanned_out_at` (the ingest path's marker).
 */
export async function fanOutToInbox(db: Db, workspaceId: string, eventIds: readonly string[]): Promise<FanOutResult> {
  const result: FanOutResult = { events: 0, candidates: 0, matches: 0, inserted: 0, userIds: [] };
  if (eventIds.length === 0) return result;
  // The workspace is re-checked on every row: ids of another workspace's events load nothing.
  const loaded = (await db
    .select(matchableEventColumns)
    .from(events)
    .where(and(eq(events.workspaceId, workspaceId), inArray(events.id, [...new Set(eventIds)])))) as MatchableEvent[];
  result.events = loaded.length;
  if (loaded.length === 0) return result;

  const byType = await candidateRuleCache.candidatesByType(
    db,
    workspaceId,
    loaded.map((e) => e.type),
  );
  result.candidates = new Set([...byType.values()].flat().map((rule) => rule.id)).size;
  if (result.candidates === 0) return result;

  const matches: { event: MatchableEvent; rule: CandidateRule }[] = [];
  for (const event of loaded) {
    for (const rule of byType.get(event.type) ?? []) {
      if (!rule.notifyInApp) continue;
      if (!ruleCoversCommunity(rule, event.communityId)) continue;
      // Triggers first, then severity, source, field matchers, CEL: cheapest first.
      if (storedRuleMatches(rule, event)) matches.push({ event, rule });
    }
  }
  result.matches = matches.length;
  if (matches.length === 0) return result;

  const members = await loadMembers(db, workspaceId);
  const byUserId = new Map(members.map((m) => [m.userId, m]));
  const byEmail = new Map(members.map((m) => [m.email, m]));
  const inAppOff = await findInAppDisabledUsers(db, workspaceId, members.map((m) => m.userId));

  const rows: (typeof notifications.$inferInsert)[] = [];
  for (const { event, rule } of matches) {
    for (const userId of recipientsOf(rule, event, byUserId, byEmail, members)) {
      if (inAppOff.has(userId)) continue;
      rows.push({ workspaceId, userId, eventId: event.id, ruleId: rule.id, communityId: event.communityId, severity: event.severity });
    }
  }

  const touched = new Set<string>();
  for (let i = 0; i < rows.length; i += NOTIFICATION_INSERT_BATCH) {
    const inserted = await db
      .insert(notifications)
      .values(rows.slice(i, i + NOTIFICATION_INSERT_BATCH))
      .onConflictDoNothing({ target: [notifications.userId, notifications.eventId, notifications.ruleId] })
      .returning({ userId: notifications.userId });
    result.inserted += inserted.length;
    for (const row of inserted) touched.add(row.userId);
  }
  result.userIds = [...touched].sort();
  return result;
}

async function loadMembers(db: Db, workspaceId: string): Promise<Member[]> {
  const rows = await db
    .select({ userId: memberships.userId, role: memberships.role, email: sql<string>`lower(${users.email})` })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, workspaceId));
  return rows;
}

/**
 * Who hears of `event` through `rule`, among current members: a personal rule's owner; a shared
 * rule's chosen members, the members with its roles, and — when asked — the member whose email
 * is the event's actor.
 */
function recipientsOf(
  rule: CandidateRule,
  event: MatchableEvent,
  byUserId: Map<string, Member>,
  byEmail: Map<string, Member>,
  members: Member[],
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
