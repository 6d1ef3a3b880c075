import { and, eq, exists, isNull, sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { notifications, workspaces } from "@/server/db/schema";
import { queryRows } from "@/server/db/query-rows";

/*
 * Inbox hygiene, both from the workspace's settings: entries older than `inbox_auto_archive_days`
 * are archived, and a member's inbox keeps at most `inbox_cap` entries — beyond it the oldest
 * read ones are archived first, then the oldest unread. Archived entries stay readable in the
 * archive; the event retention purge removes them with their events. Each call is one bounded
 * statement, so a large backlog is worked off over several steps and runs.
 */

export type HygieneWorkspace = { workspaceId: string; inboxCap: number; inboxAutoArchiveDays: number };

/** Workspaces with anything in an inbox, with their settings. */
export async function findWorkspacesWithInboxes(db: Db): Promise<HygieneWorkspace[]> {
  return db
    .select({ workspaceId: workspaces.id, inboxCap: workspaces.inboxCap, inboxAutoArchiveDays: workspaces.inboxAutoArchiveDays })
    .from(workspaces)
    .where(exists(db.select({ one: sql`1` }).from(notifications).where(and(eq(notifications.workspaceId, workspaces.id), isNull(notifications.archivedAt)))))
    .orderBy(workspaces.id);
}

/** Archives at most `limit` entries of the workspace older than `days` days; returns how many. */
export async function archiveExpiredNotifications(db: Db, workspaceId: string, days: number, limit: number): Promise<number> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`update ${notifications} set archived_at = now()
        where workspace_id = ${workspaceId} and id in (
          select id from ${notifications}
          where workspace_id = ${workspaceId} and archived_at is null and created_at < now() - make_interval(days => ${days}::int)
          order by created_at
          limit ${limit})
        returning id`,
  );
  return rows.length;
}

/**
 * Archives at most `limit` entries of members over the cap: for each, the oldest read entries
 * first, then the oldest unread, until `cap` remain. Returns how many were archived.
 */
export async function archiveNotificationsOverCap(db: Db, workspaceId: string, cap: number, limit: number): Promise<number> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`with over_cap as (
          select user_id, count(*) - ${cap}::int as excess
          from ${notifications}
          where workspace_id = ${workspaceId} and archived_at is null
          group by user_id
          having count(*) > ${cap}::int
        ), ranked as (
          select n.id, over_cap.excess,
                 row_number() over (partition by n.user_id order by (n.read_at is null), n.created_at, n.id) as position
          from ${notifications} n
          join over_cap on over_cap.user_id = n.user_id
          where n.workspace_id = ${workspaceId} and n.archived_at is null
        )
        update ${notifications} set archived_at = now()
        where workspace_id = ${workspaceId} and id in (select id from ranked where position <= excess limit ${limit})
        returning id`,
  );
  return rows.length;
}
