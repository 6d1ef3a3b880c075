import { sql } from "drizzle-orm";
import { getChannelKindModule } from "@/server/channels/kinds";
import type { Db, DbOrTx } from "@/server/db/client";
import { executeRows } from "@/server/db/execute-rows";
import { insertSystemEvents, type SystemEventInput } from "@/server/events/system-events";
import type { AttemptOptions, AttemptResult } from "./attempt-delivery";
import type { SendVerdict } from "./classify-send-outcome";
import { recordChannelDisabled, CONSECUTIVE_FAILURES_TO_DISABLE } from "./channel-health";
import type { DeliveryContext } from "./load-delivery-context";

export type AttemptRecord = {
  number: number;
  startedAt: Date;
  latencyMs: number;
  requestBytes: number;
  verdict: SendVerdict;
  nextAttemptAt: Date | null;
  /** A final failure raises `delivery.failed`, unless the event was itself raised by a failing delivery. */
  raiseFailureEvent: boolean;
};

/**
 * In one transaction: the attempt's row, the delivery's new state (only while this run still
 * holds its lease), and the channel's health — a success resets its failure count; a final
 * failure counts toward switching it off (at 5 in a row, or at once on 410 Gone), raising
 * `delivery.failed` and, when it switches off, `channel.disabled` with an inbox entry for its owners.
 */
export async function recordAttempt(db: Db, options: AttemptOptions, context: DeliveryContext, record: AttemptRecord): Promise<AttemptResult> {
  const { workspaceId, deliveryId, runId, now } = options;
  const { verdict } = record;
  const at = now.toISOString();
  return db.transaction(async (tx) => {
    const errorClass = verdict.result === "delivered" ? null : verdict.errorClass;
    const error = verdict.result === "delivered" ? null : verdict.error;
    const updated = await executeRows<{ id: string }>(
      tx,
      sql`update deliveries set
            status = ${verdict.result === "retry" ? "pending" : verdict.result},
            attempts = ${record.number},
            next_attempt_at = ${record.nextAttemptAt?.toISOString() ?? null}::timestamptz,
            lease_until = null, lease_owner = null,
            last_status_code = ${verdict.statusCode}, last_error_class = ${errorClass}, last_latency_ms = ${record.latencyMs},
            delivered_at = ${verdict.result === "delivered" ? at : null}::timestamptz,
            failed_at = ${verdict.result === "failed" ? at : null}::timestamptz,
            updated_at = ${at}::timestamptz
          where id = ${deliveryId} and workspace_id = ${workspaceId} and lease_owner = ${runId} and status = 'pending'
          returning id`,
    );
    // The lease ran out and another run took the delivery over: its attempt is the one that counts.
    if (updated.length === 0) return { outcome: "skipped", reason: "superseded" } as const;

    await executeRows(
      tx,
      sql`insert into delivery_attempts (id, workspace_id, delivery_id, number, started_at, latency_ms, status_code, outcome, error_class, error, next_attempt_at, request_bytes)
          values (gen_random_uuid(), ${workspaceId}, ${deliveryId}, ${record.number}, ${record.startedAt.toISOString()}::timestamptz, ${record.latencyMs},
                  ${verdict.statusCode}, ${verdict.result}, ${errorClass}, ${error}, ${record.nextAttemptAt?.toISOString() ?? null}::timestamptz, ${record.requestBytes})`,
    );

    const result: AttemptResult = {
      outcome: verdict.result,
      attempt: record.number,
      waitMs: record.nextAttemptAt ? record.nextAttemptAt.getTime() - now.getTime() : null,
      systemEventIds: [],
      disabledChannelId: null,
    };
    if (verdict.result === "delivered") {
      await executeRows(
        tx,
        sql`update channels set consecutive_failures = 0, last_delivered_at = ${at}::timestamptz where id = ${context.channel.id} and workspace_id = ${workspaceId}`,
      );
    }
    if (verdict.result === "failed") {
      const health = await countFinalFailure(tx, workspaceId, context.channel.id, now, verdict);
      const events: SystemEventInput[] = [];
      if (record.raiseFailureEvent) events.push(deliveryFailedEvent(context, record, verdict));
      result.systemEventIds.push(...(await insertSystemEvents(tx, events, now)));
      if (health.disabledNow) {
        result.systemEventIds.push(await recordChannelDisabled(tx, context, health.reason, now));
        result.disabledChannelId = context.channel.id;
      }
    }
    return result;
  });
}

/**
 * Counts a delivery's final failure against its channel, and switches the channel off when that
 * makes 5 in a row or the receiver said it is gone. Returns whether this failure switched it off.
 */
async function countFinalFailure(tx: DbOrTx, workspaceId: string, channelId: string, now: Date, verdict: Extract<SendVerdict, { result: "failed" }>) {
  const at = now.toISOString();
  const [row] = await executeRows<{ consecutive_failures: number; disabled_now: boolean }>(
    tx,
    sql`with before as (
          select id, enabled from channels where id = ${channelId} and workspace_id = ${workspaceId} for update
        ), counted as (
          update channels c set
            consecutive_failures = c.consecutive_failures + 1,
            last_failed_at = ${at}::timestamptz,
            enabled = c.enabled and not (${verdict.gone} or c.consecutive_failures + 1 >= ${CONSECUTIVE_FAILURES_TO_DISABLE}),
            updated_at = ${at}::timestamptz
          from before where c.id = before.id
          returning c.consecutive_failures, before.enabled and not c.enabled as disabled_now
        )
        select * from counted`,
  );
  const failures = row?.consecutive_failures ?? 0;
  const reason = verdict.gone
    ? "The receiver answered 410 Gone: the webhook no longer exists. Update its URL, then switch the channel back on."
    : `${failures} deliveries in a row failed; the last: ${verdict.error}`;
  return { disabledNow: row?.disabled_now ?? false, reason };
}

function deliveryFailedEvent(context: DeliveryContext, record: AttemptRecord, verdict: Extract<SendVerdict, { result: "failed" }>): SystemEventInput {
  const { channel, event, delivery, rule } = context;
  const tries = `${record.number} attempt${record.number === 1 ? "" : "s"}`;
  return {
    workspaceId: channel.workspaceId,
    communityId: event.communityId,
    type: "delivery.failed",
    severity: "medium",
    title: `Could not deliver to ${getChannelKindModule(channel.kind).label} channel "${channel.name}"`,
    message: `${tries}; the last: ${verdict.error}. The notification for "${event.title}" was not delivered.`,
    data: {
      channelId: channel.id,
      channelName: channel.name,
      channelKind: channel.kind,
      deliveryId: delivery.id,
      attempts: record.number,
      lastError: verdict.error,
      lastErrorClass: verdict.errorClass,
      lastStatusCode: verdict.statusCode,
      eventId: event.id,
      eventType: event.type,
      eventTitle: event.title,
      ruleId: rule?.id ?? null,
      ruleName: rule?.name ?? null,
    },
    fingerprint: `delivery.failed:${channel.id}`,
    cause: { kind: "delivery", deliveryId: delivery.id, channelId: channel.id, eventId: event.id },
  };
}

/** The channel was switched off before this attempt: the delivery ends without one (and counts against nothing). */
export async function recordChannelDisabledBeforeAttempt(db: Db, options: AttemptOptions): Promise<void> {
  const at = options.now.toISOString();
  await executeRows(
    db,
    sql`update deliveries set status = 'failed', last_error_class = 'channel_disabled', failed_at = ${at}::timestamptz,
          next_attempt_at = null, lease_until = null, lease_owner = null, updated_at = ${at}::timestamptz
        where id = ${options.deliveryId} and workspace_id = ${options.workspaceId} and lease_owner = ${options.runId} and status = 'pending'`,
  );
}
