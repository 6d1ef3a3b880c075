import { and, count, desc, eq, inArray, isNotNull, isNull, sql, type Placeholder, type SQL } from "drizzle-orm";
import { afterKeysetCursor, cursorTimestamp, decodeKeysetCursor, encodeKeysetCursor } from "@/server/db/keyset-cursor";
import type { Db } from "@/server/db/client";
import { communities, events, heldNotifications, intakeSources, memberships, notificationBatches, notifications, rules, ruleThrottleHits } from "@/server/db/schema";
import { DomainError } from "@/server/errors";
import {
  defaultInboxPageSize,
  latestNotificationsCount,
  listNotificationsInput,
  maxSummaryEvents,
  type ListNotificationsInput,
} from "./inbox-schemas";
import { notifyInbox } from "./realtime";

/*
 * A member's inbox in one workspace. Every function takes the workspace and the user from the
 * caller's membership and touches only that user's own entries there: another user's (or
 * another workspace's) notification ids are NOT_FOUND, and nothing is changed.
 */

/** Whose inbox: resolved from the request's membership, never from client input. */
export type InboxOwner = { workspaceId: string; userId: string };

const ownedBy = (owner: InboxOwner) => and(eq(notifications.workspaceId, owner.workspaceId), eq(notifications.userId, owner.userId));
const isUnread = and(isNull(notifications.readAt), isNull(notifications.archivedAt));

const pageColumns = {
  id: notifications.id,
  eventId: notifications.eventId,
  ruleId: notifications.ruleId,
  ruleName: rules.name,
  communityId: notifications.communityId,
  communityName: communities.name,
  severity: notifications.severity,
  createdAt: notifications.createdAt,
  readAt: notifications.readAt,
  archivedAt: notifications.archivedAt,
  event: {
    type: events.type,
    title: events.title,
    severity: events.severity,
    actor: events.actor,
    occurredAt: events.occurredAt,
    receivedAt: events.receivedAt,
  },
  /** The rule's throttle: like matches suppressed before this entry's event, and (so far) in the window it opened. */
  suppressedBefore: sql<number>`coalesce(${ruleThrottleHits.suppressedBefore}, 0)`.mapWith(Number),
  suppressedAfter: sql<number>`coalesce(${ruleThrottleHits.suppressedAfter}, 0)`.mapWith(Number),
  /** A summary entry: why its notifications were held, and how many it sums up. */
  batchReason: notificationBatches.reason,
  batchCount: sql<number | null>`case when ${notifications.batchId} is not null then
    (select count(*) from ${heldNotifications} where ${heldNotifications.batchId} = ${notifications.batchId} and ${heldNotifications.userId} = ${notifications.userId}) end`.mapWith(Number),
  batchSourceName: intakeSources.name,
  cursorAt: cursorTimestamp(notifications.createdAt),
};

/** The page query, joined to the event (same workspace) and the names of its rule and community. */
function pageQuery(db: Db, workspaceId: string | Placeholder, where: SQL | undefined, limit: number | Placeholder) {
  return db
    .select(pageColumns)
    .from(notifications)
    .innerJoin(events, and(eq(events.id, notifications.eventId), eq(events.workspaceId, workspaceId)))
    .leftJoin(rules, and(eq(rules.id, notifications.ruleId), eq(rules.workspaceId, workspaceId)))
    .leftJoin(communities, and(eq(communities.id, notifications.communityId), eq(communities.workspaceId, workspaceId)))
    .leftJoin(ruleThrottleHits, and(eq(ruleThrottleHits.ruleId, notifications.ruleId), eq(ruleThrottleHits.eventId, notifications.eventId)))
    .leftJoin(notificationBatches, and(eq(notificationBatches.id, notifications.batchId), eq(notificationBatches.workspaceId, workspaceId)))
    .leftJoin(intakeSources, and(eq(intakeSources.id, notificationBatches.sourceId), eq(intakeSources.workspaceId, workspaceId)))
    .where(where)
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit);
}

/*
 * The bell and the inbox's first page are read on every page view and every push: those two
 * statements are prepared once per database handle (named statements on PostgreSQL, so they are
 * neither parsed nor planned again). Filtered and later pages are built as they come.
 */
const placeholders = { workspaceId: sql.placeholder("workspaceId"), userId: sql.placeholder("userId"), limit: sql.placeholder("limit") };

function prepareHotQueries(db: Db) {
  const own = and(eq(notifications.workspaceId, placeholders.workspaceId), eq(notifications.userId, placeholders.userId));
  return {
    unread: db
      .select({ n: count() })
      .from(notifications)
      .where(and(own, isUnread))
      .prepare("tocsin_inbox_unread_count"),
    firstPage: pageQuery(db, placeholders.workspaceId, and(own, isNull(notifications.archivedAt)), placeholders.limit).prepare("tocsin_inbox_first_page"),
  };
}

const hotQueries = new WeakMap<Db, ReturnType<typeof prepareHotQueries>>();
function hot(db: Db) {
  let queries = hotQueries.get(db);
  if (!queries) hotQueries.set(db, (queries = prepareHotQueries(db)));
  return queries;
}

/**
 * A page of the caller's inbox (or archive), newest first, with the event's title, type and
 * severity and the names of its rule and community. `nextCursor` is null on the last page.
 */
export async function listNotifications(db: Db, owner: InboxOwner, rawInput: ListNotificationsInput = {}) {
  const input = listNotificationsInput.parse(rawInput);
  const limit = input.limit ?? defaultInboxPageSize;
  const conditions: (SQL | undefined)[] = [ownedBy(owner), input.archived ? isNotNull(notifications.archivedAt) : isNull(notifications.archivedAt)];
  if (input.unread === true) conditions.push(isNull(notifications.readAt));
  if (input.unread === false) conditions.push(isNotNull(notifications.readAt));
  if (input.severities?.length) conditions.push(inArray(notifications.severity, input.severities));
  if (input.ruleIds?.length) conditions.push(inArray(notifications.ruleId, input.ruleIds));
  if (input.communityIds?.length) conditions.push(inArray(notifications.communityId, input.communityIds));
  if (input.cursor) conditions.push(afterKeysetCursor(notifications.createdAt, notifications.id, decodeKeysetCursor(input.cursor, "the inbox")));

  const plainFirstPage = conditions.length === 2 && !input.archived;
  const rows = plainFirstPage
    ? await hot(db).firstPage.execute({ workspaceId: owner.workspaceId, userId: owner.userId, limit: limit + 1 })
    : await pageQuery(db, owner.workspaceId, and(...conditions), limit + 1);

  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(({ cursorAt: _cursorAt, ...item }) => item),
    nextCursor: rows.length > limit && last ? encodeKeysetCursor({ at: last.cursorAt, id: last.id }) : null,
  };
}

export type NotificationItem = Awaited<ReturnType<typeof listNotifications>>["items"][number];

/**
 * The events a summary entry of the caller's sums up (oldest first, at most maxSummaryEvents):
 * what its batch held for them. NOT_FOUND for an entry that is not theirs or not a summary.
 */
export async function listSummaryEvents(db: Db, owner: InboxOwner, notificationId: string) {
  const [entry] = await db
    .select({ batchId: notifications.batchId })
    .from(notifications)
    .where(and(ownedBy(owner), eq(notifications.id, notificationId), isNotNull(notifications.batchId)));
  if (!entry?.batchId) throw new DomainError("NOT_FOUND", "Summary not found");
  return db
    .select({ id: events.id, type: events.type, severity: events.severity, title: events.title, receivedAt: events.receivedAt })
    .from(heldNotifications)
    .innerJoin(events, and(eq(events.id, heldNotifications.eventId), eq(events.workspaceId, owner.workspaceId)))
    .where(and(eq(heldNotifications.workspaceId, owner.workspaceId), eq(heldNotifications.batchId, entry.batchId), eq(heldNotifications.userId, owner.userId)))
    .orderBy(events.receivedAt, events.id)
    .limit(maxSummaryEvents);
}

/** The bell's dropdown: the latest entries of the inbox, read or not, and the unread count. */
export async function listLatestNotifications(db: Db, owner: InboxOwner) {
  const [page, unread] = await Promise.all([listNotifications(db, owner, { limit: latestNotificationsCount }), countUnread(db, owner)]);
  return { items: page.items, unread };
}

/** Unread entries of the inbox (archived ones never count). */
export async function countUnread(db: Db, owner: InboxOwner): Promise<number> {
  const [row] = await hot(db).unread.execute({ workspaceId: owner.workspaceId, userId: owner.userId });
  return row?.n ?? 0;
}

/** The unread count, or null when the user is no longer a member of the workspace (live streams end then). */
export async function countUnreadIfMember(db: Db, owner: InboxOwner): Promise<number | null> {
  const [row] = await db
    .select({
      member: sql<boolean>`exists (select 1 from ${memberships} where ${memberships.workspaceId} = ${owner.workspaceId} and ${memberships.userId} = ${owner.userId})`,
      unread: sql<number>`(select count(*)::int from ${notifications} where ${and(ownedBy(owner), isUnread)})`,
    })
    .from(sql`(select 1) as one`);
  if (!row?.member) return null;
  return Number(row.unread);
}

/**
 * Runs `change` on the caller's own entries among `ids`, all or nothing: one id that is not
 * theirs in this workspace (or does not exist) makes the whole call NOT_FOUND.
 */
type Change = { readAt: SQL | null } | { archivedAt: SQL | null };

async function changeOwnNotifications(db: Db, owner: InboxOwner, ids: readonly string[], set: Change) {
  const unique = [...new Set(ids)];
  const updated = await db.transaction(async (tx) => {
    const own = await tx
      .select({ id: notifications.id })
      .from(notifications)
      .where(and(ownedBy(owner), inArray(notifications.id, unique)))
      .for("update");
    if (own.length !== unique.length) throw new DomainError("NOT_FOUND", unique.length === 1 ? "Notification not found" : "Some of these notifications do not exist");
    const changed = await tx
      .update(notifications)
      .set(set)
      .where(and(ownedBy(owner), inArray(notifications.id, unique), changedCondition(set)))
      .returning({ id: notifications.id });
    if (changed.length > 0) await notifyInbox(tx, [owner]);
    return changed.length;
  });
  return { updated };
}

/** Only rows whose state actually changes, so counts and signals mean something. */
function changedCondition(set: Change): SQL {
  if ("readAt" in set) return set.readAt === null ? isNotNull(notifications.readAt) : isNull(notifications.readAt);
  return set.archivedAt === null ? isNotNull(notifications.archivedAt) : isNull(notifications.archivedAt);
}

export function markNotificationsRead(db: Db, owner: InboxOwner, ids: readonly string[], read: boolean) {
  return changeOwnNotifications(db, owner, ids, { readAt: read ? sql`now()` : null });
}

export function archiveNotifications(db: Db, owner: InboxOwner, ids: readonly string[], archived: boolean) {
  return changeOwnNotifications(db, owner, ids, { archivedAt: archived ? sql`now()` : null });
}

/** Marks every unread entry of the inbox read. */
export async function markAllNotificationsRead(db: Db, owner: InboxOwner) {
  return db.transaction(async (tx) => {
    const changed = await tx
      .update(notifications)
      .set({ readAt: sql`now()` })
      .where(and(ownedBy(owner), isUnread))
      .returning({ id: notifications.id });
    if (changed.length > 0) await notifyInbox(tx, [owner]);
    return { updated: changed.length };
  });
}

/** Archives every read entry of the inbox. */
export async function archiveAllReadNotifications(db: Db, owner: InboxOwner) {
  return db.transaction(async (tx) => {
    const changed = await tx
      .update(notifications)
      .set({ archivedAt: sql`now()` })
      .where(and(ownedBy(owner), isNotNull(notifications.readAt), isNull(notifications.archivedAt)))
      .returning({ id: notifications.id });
    if (changed.length > 0) await notifyInbox(tx, [owner]);
    return { archived: changed.length };
  });
}
