import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { queryRows } from "@/server/db/query-rows";
import { toArrayLiteral, toDistinctArrayLiteral } from "@/server/db/sql-arrays";

/** Rows per INSERT (sent as column arrays, whatever the count). */
export const DELIVERY_INSERT_BATCH = 5_000;

export type DeliveryRow = {
  id: string;
  eventId: string;
  /** Null for a summary of several rules' matches (quiet hours, maintenance). */
  ruleId: string | null;
  channelId: string;
  /** A summary delivery: the batch it sums up. */
  batchId?: string | null;
};
export type RequestedDelivery = { id: string; channelId: string };

/** The `webhook-id` receivers see for a delivery: stable across its retries and replays. */
export function messageIdOf(deliveryId: string): string {
  return `msg_${deliveryId.replaceAll("-", "")}`;
}

/**
 * Inserts deliveries due at `dueAt` in one statement under the (event, rule, channel) key: a row
 * already there is skipped, so the fan-out may run any number of times. Returns the new ones —
 * the deliveries to request now. Every row is re-checked against `workspaceId`: its event,
 * channel, rule and batch are the workspace's, or the row is left out.
 */
export async function insertDeliveries(db: DbOrTx, workspaceId: string, rows: readonly DeliveryRow[], dueAt: Date): Promise<RequestedDelivery[]> {
  if (rows.length === 0) return [];
  const column = <K extends keyof DeliveryRow>(key: K) => toArrayLiteral(rows.map((row) => row[key] ?? null));
  // Each distinct id is checked once, by its primary key within the workspace.
  const distinct = (key: keyof DeliveryRow) => toDistinctArrayLiteral(rows.map((row) => row[key] as string | null | undefined));
  const inserted = await queryRows<{ id: string; channel_id: string }>(
    db,
    sql`with own_events as materialized (
          select id from events where workspace_id = ${workspaceId}::uuid and id = any(${distinct("eventId")}::uuid[])
        ), own_channels as materialized (
          select id from channels where workspace_id = ${workspaceId}::uuid and id = any(${distinct("channelId")}::uuid[])
        ), own_rules as materialized (
          select id from rules where workspace_id = ${workspaceId}::uuid and id = any(${distinct("ruleId")}::uuid[])
        ), own_batches as materialized (
          select id from notification_batches where workspace_id = ${workspaceId}::uuid and id = any(${distinct("batchId")}::uuid[])
        )
        insert into deliveries (id, workspace_id, event_id, rule_id, channel_id, message_id, batch_id, next_attempt_at, created_at, updated_at)
        select d.id, ${workspaceId}::uuid, d.event_id, d.rule_id, d.channel_id, d.message_id, d.batch_id, ${dueAt.toISOString()}::timestamptz, now(), now()
        from unnest(${column("id")}::uuid[], ${column("eventId")}::uuid[], ${column("ruleId")}::uuid[], ${column("channelId")}::uuid[],
                    ${toArrayLiteral(rows.map((row) => messageIdOf(row.id)))}::text[], ${column("batchId")}::uuid[])
             as d(id, event_id, rule_id, channel_id, message_id, batch_id)
        where d.event_id in (select id from own_events)
          and d.channel_id in (select id from own_channels)
          and (d.rule_id is null or d.rule_id in (select id from own_rules))
          and (d.batch_id is null or d.batch_id in (select id from own_batches))
        on conflict do nothing
        returning id, channel_id`,
  );
  return inserted.map((row) => ({ id: row.id, channelId: row.channel_id }));
}
