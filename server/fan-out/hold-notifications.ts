import { sql } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import type { Db, DbOrTx } from "@/server/db/client";
import type { BatchReason } from "@/server/db/schema";
import { executeRows } from "@/server/db/execute-rows";
import { toArrayLiteral } from "@/server/db/sql-arrays";

/*
 * Holding notifications back to send them later as one summary: a rule's digest window, a
 * member's quiet hours on one of their channels, a source's maintenance window. The fan-out
 * puts each held inbox entry or delivery in the open batch of its reason and key (creating it
 * when there is none); the release job (release-held-notifications) sends every batch that is
 * due as one inbox entry per member and one delivery per channel.
 */

/** The batch a held notification goes into, and when that batch is released if this creates it. */
export type BatchKey = {
  reason: BatchReason;
  /** The rule (digest), channel (quiet hours) or maintenance window: one open batch per reason and key. */
  keyId: string;
  ruleId: string | null;
  channelId: string | null;
  userId: string | null;
  maintenanceWindowId: string | null;
  sourceId: string | null;
  releaseAt: Date;
};

/** One held inbox entry (`userId`) or delivery (`channelId`). */
export type HeldNotification = { batch: BatchKey; eventId: string; ruleId: string; userId: string | null; channelId: string | null };

const batchKeyOf = (batch: Pick<BatchKey, "reason" | "keyId">) => `${batch.reason}:${batch.keyId}`;

/**
 * Puts the held notifications in their open batches, in one transaction. A batch being released
 * at the same moment is locked against (FOR SHARE here, FOR UPDATE there), so a notification is
 * either in a batch before its release reads it, or goes into the next open one: never lost.
 * Holding the same (event, rule, target) again does nothing. Returns how many were newly held.
 */
export async function holdNotifications(db: Db, workspaceId: string, held: readonly HeldNotification[], now: Date): Promise<number> {
  if (held.length === 0) return 0;
  const batches = new Map<string, BatchKey>();
  for (const item of held) if (!batches.has(batchKeyOf(item.batch))) batches.set(batchKeyOf(item.batch), item.batch);

  return db.transaction(async (tx) => {
    const open = await openBatches(tx, workspaceId, [...batches.values()], now);
    const rows = held.map((item) => ({ ...item, batchId: open.get(batchKeyOf(item.batch))! }));
    const inserted = await executeRows<{ id: string }>(
      tx,
      sql`insert into held_notifications (id, workspace_id, batch_id, event_id, rule_id, user_id, channel_id)
          select h.id, ${workspaceId}::uuid, h.batch_id, h.event_id, h.rule_id, h.user_id, h.channel_id
          from unnest(${toArrayLiteral(rows.map(() => uuidv7()))}::uuid[], ${toArrayLiteral(rows.map((r) => r.batchId))}::uuid[],
                      ${toArrayLiteral(rows.map((r) => r.eventId))}::uuid[], ${toArrayLiteral(rows.map((r) => r.ruleId))}::uuid[],
                      ${toArrayLiteral(rows.map((r) => r.userId))}::uuid[], ${toArrayLiteral(rows.map((r) => r.channelId))}::uuid[])
               as h(id, batch_id, event_id, rule_id, user_id, channel_id)
          on conflict do nothing
          returning id`,
    );
    return inserted.length;
  });
}

/** The open batch of each key, created when missing, locked FOR SHARE until the transaction ends. */
async function openBatches(tx: DbOrTx, workspaceId: string, keys: BatchKey[], now: Date): Promise<Map<string, string>> {
  const open = new Map<string, string>();
  // A batch released between creating and locking it is looked for again: the next round creates a new one.
  for (let round = 0; round < 3 && open.size < keys.length; round++) {
    const missing = keys.filter((key) => !open.has(batchKeyOf(key)));
    await executeRows(
      tx,
      sql`insert into notification_batches (id, workspace_id, reason, key_id, rule_id, channel_id, user_id, maintenance_window_id, source_id, opened_at, release_at)
          select uuid_v, ${workspaceId}::uuid, reason, key_id, rule_id, channel_id, user_id, window_id, source_id, ${now.toISOString()}::timestamptz, release_at
          from unnest(${toArrayLiteral(missing.map(() => uuidv7()))}::uuid[], ${toArrayLiteral(missing.map((k) => k.reason))}::text[],
                      ${toArrayLiteral(missing.map((k) => k.keyId))}::uuid[], ${toArrayLiteral(missing.map((k) => k.ruleId))}::uuid[],
                      ${toArrayLiteral(missing.map((k) => k.channelId))}::uuid[], ${toArrayLiteral(missing.map((k) => k.userId))}::uuid[],
                      ${toArrayLiteral(missing.map((k) => k.maintenanceWindowId))}::uuid[], ${toArrayLiteral(missing.map((k) => k.sourceId))}::uuid[],
                      ${toArrayLiteral(missing.map((k) => k.releaseAt.toISOString()))}::timestamptz[])
               as b(uuid_v, reason, key_id, rule_id, channel_id, user_id, window_id, source_id, release_at)
          on conflict (reason, key_id) where released_at is null do nothing`,
    );
    const found = await executeRows<{ id: string; reason: BatchReason; key_id: string }>(
      tx,
      sql`select id, reason, key_id from notification_batches
          join unnest(${toArrayLiteral(missing.map((k) => k.reason))}::text[], ${toArrayLiteral(missing.map((k) => k.keyId))}::uuid[]) as k(reason, key_id)
            using (reason, key_id)
          where workspace_id = ${workspaceId} and released_at is null
          for share of notification_batches`,
    );
    for (const row of found) open.set(batchKeyOf({ reason: row.reason, keyId: row.key_id }), row.id);
  }
  if (open.size < keys.length) throw new Error("Could not open a batch for held notifications: released three times while holding");
  return open;
}
