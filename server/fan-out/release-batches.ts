import { sql } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import type { Db, DbOrTx } from "@/server/db/client";
import type { BatchReason, Severity } from "@/server/db/schema";
import { executeRows } from "@/server/db/execute-rows";
import { insertDeliveries, type RequestedDelivery } from "@/server/deliveries/insert-deliveries";
import { severities } from "@/server/events/severities";
import { insertNotificationsAndSignal, type NotificationRow } from "@/server/inbox/insert-notifications";

/** Batches released per call (the job calls again while there are more). */
export const RELEASE_BATCHES_PER_ROUND = 100;

export type ReleasedBatch = { batchId: string; workspaceId: string; reason: BatchReason; notifications: number; deliveries: RequestedDelivery[] };

type HeldRow = { user_id: string | null; channel_id: string | null; event_id: string; severity: Severity; community_id: string | null };

/**
 * Releases the batches that are due — a digest window or quiet hours over (`release_at`), or a
 * maintenance window that has ended, early ones included — each in its own transaction: the batch
 * is marked released (waiting for any fan-out still adding to it), then each member it held
 * something for gets one summary inbox entry and each channel one summary delivery, first event
 * and rule as its key. Returns the new deliveries, to be requested after commit (the delivery
 * sweeper requests any that a crash leaves behind).
 */
export async function releaseDueBatches(db: Db, now: Date, limit = RELEASE_BATCHES_PER_ROUND): Promise<ReleasedBatch[]> {
  const at = now.toISOString();
  const due = await executeRows<{ id: string; workspace_id: string }>(
    db,
    sql`select b.id, b.workspace_id from notification_batches b
        left join source_maintenance_windows w on w.id = b.maintenance_window_id and w.workspace_id = b.workspace_id
        where b.released_at is null and (b.release_at <= ${at}::timestamptz or w.ends_at <= ${at}::timestamptz)
        order by b.release_at
        limit ${limit}`,
  );
  const released: ReleasedBatch[] = [];
  for (const { id, workspace_id: workspaceId } of due) {
    const batch = await db.transaction((tx) => releaseBatch(tx, workspaceId, id, now));
    if (batch) released.push(batch);
  }
  return released;
}

async function releaseBatch(tx: DbOrTx, workspaceId: string, batchId: string, now: Date): Promise<ReleasedBatch | null> {
  const [batch] = await executeRows<{ reason: BatchReason; rule_id: string | null }>(
    tx,
    sql`update notification_batches set released_at = ${now.toISOString()}::timestamptz
        where workspace_id = ${workspaceId} and id = ${batchId} and released_at is null
        returning reason, rule_id`,
  );
  if (!batch) return null; // another runner released it
  const held = await executeRows<HeldRow>(
    tx,
    sql`select h.user_id, h.channel_id, h.event_id, e.severity, e.community_id
        from held_notifications h join events e on e.id = h.event_id and e.workspace_id = h.workspace_id
        where h.workspace_id = ${workspaceId} and h.batch_id = ${batchId}
        order by e.received_at, e.id`,
  );
  const byUser = groupBy(held.filter((row) => row.user_id), (row) => row.user_id!);
  const byChannel = groupBy(held.filter((row) => row.channel_id), (row) => row.channel_id!);

  const entries: NotificationRow[] = [...byUser].map(([userId, rows]) => ({
    workspaceId,
    userId,
    eventId: rows[0]!.event_id,
    ruleId: batch.rule_id,
    communityId: sameOrNull(rows.map((row) => row.community_id)),
    severity: highestSeverity(rows),
    batchId,
  }));
  const inbox = await insertNotificationsAndSignal(tx, workspaceId, entries);
  const deliveries = await insertDeliveries(
    tx,
    workspaceId,
    [...byChannel].map(([channelId, rows]) => ({ id: uuidv7(), eventId: rows[0]!.event_id, ruleId: batch.rule_id, channelId, batchId })),
    now,
  );
  return { batchId, workspaceId, reason: batch.reason, notifications: inbox.inserted, deliveries };
}

function groupBy<T>(rows: readonly T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) groups.set(keyOf(row), [...(groups.get(keyOf(row)) ?? []), row]);
  return groups;
}

function sameOrNull(values: readonly (string | null)[]): string | null {
  return values.every((value) => value === values[0]) ? (values[0] ?? null) : null;
}

function highestSeverity(rows: readonly { severity: Severity }[]): Severity {
  return rows.reduce<Severity>((top, row) => (severities.indexOf(row.severity) > severities.indexOf(top) ? row.severity : top), "info");
}
