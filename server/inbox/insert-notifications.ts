import { sql } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import type { DbOrTx } from "@/server/db/client";
import { queryRows } from "@/server/db/query-rows";
import { toArrayLiteral, toDistinctArrayLiteral } from "@/server/db/sql-arrays";
import type { Severity } from "@/server/events/severities";
import { INBOX_CHANNEL } from "./realtime";

/** Rows per INSERT (sent as eight arrays, whatever the count). */
export const NOTIFICATION_INSERT_BATCH = 5_000;

export type NotificationRow = {
  workspaceId: string;
  userId: string;
  eventId: string;
  ruleId: string | null;
  communityId: string | null;
  severity: Severity;
  /** A summary entry: the batch it sums up. */
  batchId?: string | null;
};

/**
 * One statement: inserts the rows (unnested from eight arrays; a row already there is skipped)
 * and NOTIFYs the inbox channel once per user who got something new, so that a retry after a
 * failure inserts and signals exactly what is missing. Returns the count and those users.
 * Every row is re-checked against `workspaceId`: its event, rule and community are the
 * workspace's and its user a member, or the row is left out (a job's ids are never trusted).
 */
export async function insertNotificationsAndSignal(db: DbOrTx, workspaceId: string, rows: readonly NotificationRow[]) {
  if (rows.length === 0) return { inserted: 0, userIds: [] as string[] };
  const column = <K extends keyof NotificationRow>(key: K) => toArrayLiteral(rows.map((row) => row[key] ?? null));
  // Each distinct id is checked once, by its primary or unique key within the workspace.
  const distinct = (key: keyof NotificationRow) => toDistinctArrayLiteral(rows.map((row) => row[key] as string | null | undefined));
  const result = await queryRows<{ user_id: string; inserted: number }>(
    db,
    sql`with own_events as materialized (
          select id from events where workspace_id = ${workspaceId}::uuid and id = any(${distinct("eventId")}::uuid[])
        ), members as materialized (
          select user_id from memberships where workspace_id = ${workspaceId}::uuid and user_id = any(${distinct("userId")}::uuid[])
        ), own_rules as materialized (
          select id from rules where workspace_id = ${workspaceId}::uuid and id = any(${distinct("ruleId")}::uuid[])
        ), own_communities as materialized (
          select id from communities where workspace_id = ${workspaceId}::uuid and id = any(${distinct("communityId")}::uuid[])
        ), inserted as (
          insert into notifications (id, workspace_id, user_id, event_id, rule_id, community_id, severity, batch_id)
          select n.id, n.workspace_id, n.user_id, n.event_id, n.rule_id, n.community_id, n.severity, n.batch_id
          from unnest(
            ${toArrayLiteral(rows.map(() => uuidv7()))}::uuid[], ${column("workspaceId")}::uuid[], ${column("userId")}::uuid[],
            ${column("eventId")}::uuid[], ${column("ruleId")}::uuid[], ${column("communityId")}::uuid[], ${column("severity")}::text[],
            ${column("batchId")}::uuid[]) as n(id, workspace_id, user_id, event_id, rule_id, community_id, severity, batch_id)
          where n.workspace_id = ${workspaceId}::uuid
            and n.event_id in (select id from own_events)
            and n.user_id in (select user_id from members)
            and (n.rule_id is null or n.rule_id in (select id from own_rules))
            and (n.community_id is null or n.community_id in (select id from own_communities))
          on conflict do nothing
          returning user_id
        ), per_user as (
          select user_id, count(*)::int as inserted from inserted group by user_id
        )
        select user_id, inserted, pg_notify(${INBOX_CHANNEL}, json_build_object('w', ${workspaceId}::text, 'u', user_id)::text) as signalled
        from per_user`,
  );
  return { inserted: result.reduce((sum, row) => sum + Number(row.inserted), 0), userIds: result.map((row) => row.user_id) };
}
