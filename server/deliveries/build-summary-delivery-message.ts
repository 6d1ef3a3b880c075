import { sql } from "drizzle-orm";
import type { NotificationMessage } from "@/server/channels/notification-message";
import { buildSummaryMessage, SUMMARY_LISTED_EVENTS } from "@/server/channels/summary-message";
import { getConfiguredOrigin } from "@/server/config/runtime";
import type { DbOrTx } from "@/server/db/client";
import type { BatchReason, Severity } from "@/server/db/schema";
import { executeRows } from "@/server/db/execute-rows";
import type { DeliveryContext } from "./load-delivery-context";

type HeldRow = { id: string; type: string; severity: Severity; title: string; received_at: string | Date; total: number | string; reason: BatchReason; source_name: string | null };

/**
 * The message of a summary delivery: what its batch held for this channel — the first events,
 * oldest first, and how many in all — with the batch's reason and, for a maintenance window,
 * its source. Every row is read within the delivery's workspace.
 */
export async function buildSummaryDeliveryMessage(db: DbOrTx, context: DeliveryContext, batchId: string): Promise<NotificationMessage> {
  const { workspace, channel, rule, community } = context;
  const rows = await executeRows<HeldRow>(
    db,
    sql`select e.id, e.type, e.severity, e.title, e.received_at, count(*) over () as total, b.reason, s.name as source_name
        from held_notifications h
        join notification_batches b on b.id = h.batch_id and b.workspace_id = h.workspace_id
        join events e on e.id = h.event_id and e.workspace_id = h.workspace_id
        left join intake_sources s on s.id = b.source_id and s.workspace_id = b.workspace_id
        where h.workspace_id = ${workspace.id} and h.batch_id = ${batchId} and h.channel_id = ${channel.id}
        order by e.received_at, e.id
        limit ${SUMMARY_LISTED_EVENTS}`,
  );
  const first = rows[0];
  if (!first) throw new Error(`Summary delivery ${context.delivery.id} has nothing held for its channel`);
  return buildSummaryMessage({
    messageId: context.delivery.messageId,
    reason: first.reason,
    count: Number(first.total),
    events: rows.map((r) => ({ id: r.id, type: r.type, severity: r.severity, title: r.title, receivedAt: new Date(r.received_at) })),
    rule: rule?.id ? { id: rule.id, name: rule.name } : null,
    sourceName: first.source_name,
    workspace,
    community: community?.id ? { id: community.id, name: community.name } : null,
    appUrl: getConfiguredOrigin(),
  });
}
