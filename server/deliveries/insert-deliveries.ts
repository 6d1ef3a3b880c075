import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { queryRows } from "@/server/db/query-rows";
import { toArrayLiteral } from "@/server/db/sql-arrays";

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
  const inserted = await queryRows<{ id: string; channel_id: string }>(
    db,
    sql`insert into deliveries (id, workspace_id, event_id, rule_id, channel_id, message_id, batch_id, next_attempt_at, created_at, updated_at)
        select d.id, ${workspaceId}::uuid, d.event_id, d.rule_id, d.channel_id, d.message_id, d.batch_id, ${dueAt.toISOString()}::timestamptz, now(), now()
        from unnest(${column("id")}::uuid[], ${column("eventId")}::uuid[], ${column("ruleId")}::uuid[], ${column("channelId")}::uuid[],
                    ${toArrayLiteral(rows.map((row) => messageIdOf(row.id)))}::text[], ${column("batchId")}::uuid[])
             as d(id, event_id, rule_id, channel_id, message_id, batch_id)
        where exists (select 1 from events e where e.id = d.event_id and e.workspace_id = ${workspaceId}::uuid)
          and exists (select 1 from channels c where c.id = d.channel_id and c.workspace_id = ${workspaceId}::uuid)
          and (d.rule_id is null or exists (select 1 from rules r where r.id = d.rule_id and r.workspace_id = ${workspaceId}::uuid))
          and (d.batch_id is null or exists (select 1 from notification_batches b where b.id = d.batch_id and b.workspace_id = ${workspaceId}::uuid))
        on conflict do nothing
        returning id, channel_id`,
  );
  return inserted.map((row) => ({ id: row.id, channelId: row.channel_id }));
}
