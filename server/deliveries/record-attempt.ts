import { sql } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import { getChannelKindModule } from "@/server/channels/kinds";
import type { Db, DbOrTx } from "@/server/db/client";
import { executeRows } from "@/server/db/execute-rows";
import { toArrayLiteral } from "@/server/db/sql-arrays";
import type { AttemptOutcome } from "@/server/db/schema";
import { deliveryCause, insertSystemEvents, type SystemEventInput } from "@/server/events/system-events";
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
};

/**
 * Records one attempt: its row, the delivery's new state (only while this run still holds its
 * lease) and, for a success, the channel's health — in one statement, so the common outcomes
 * cost one round trip. A final failure also counts toward switching the channel off (at 5 in a
 * row, or at once on 410 Gone), raising `delivery.failed` and, when it switches off,
 * `channel.disabled` with an inbox entry for its keepers: all in one transaction.
 */
export async function recordAttempt(db: Db, options: AttemptOptions, context: DeliveryContext, record: AttemptRecord): Promise<AttemptResult> {
  const { verdict } = record;
  const result: AttemptResult = {
    outcome: verdict.result,
    attempt: record.number,
    waitMs: record.nextAttemptAt ? record.nextAttemptAt.getTime() - options.now.getTime() : null,
    systemEventIds: [],
    disabledChannelId: null,
  };
  const write = toAttemptWrite(options, context, record);
  if (verdict.result !== "failed") return (await batchedAttemptWrites(db).write(write)) ? result : superseded;
  return db.transaction(async (tx) => {
    if (!(await writeAttempts(tx, [write])).has(write.deliveryId)) return superseded;
    const health = await countFinalFailure(tx, options.workspaceId, context.channel.id, options.now, verdict);
    result.systemEventIds.push(...(await insertSystemEvents(tx, [deliveryFailedEvent(context, record, verdict)], options.now)));
    if (health.disabledNow) {
      result.systemEventIds.push(...(await recordChannelDisabled(tx, context, health.reason, options.now)));
      result.disabledChannelId = context.channel.id;
    }
    return result;
  });
}

// The lease ran out and another run took the delivery over: its attempt is the one that counts.
const superseded = { outcome: "skipped", reason: "superseded" } as const;

/** How often a busy channel's "last delivered" is written: not on every one of hundreds of successes a second. */
const LAST_DELIVERED_RESOLUTION = "1 second";

/** One attempt's bookkeeping, as one row of the multi-row statement below. */
type AttemptWrite = {
  deliveryId: string;
  workspaceId: string;
  runId: string;
  channelId: string;
  status: "pending" | "delivered" | "failed";
  number: number;
  nextAttemptAt: string | null;
  statusCode: number | null;
  errorClass: string | null;
  error: string | null;
  latencyMs: number;
  now: string;
  attemptId: string;
  startedAt: string;
  outcome: AttemptOutcome;
  requestBytes: number;
};

function toAttemptWrite(options: AttemptOptions, context: DeliveryContext, record: AttemptRecord): AttemptWrite {
  const { verdict } = record;
  const delivered = verdict.result === "delivered";
  return {
    deliveryId: options.deliveryId,
    workspaceId: options.workspaceId,
    runId: options.runId,
    channelId: context.channel.id,
    status: verdict.result === "retry" ? "pending" : verdict.result,
    number: record.number,
    nextAttemptAt: record.nextAttemptAt?.toISOString() ?? null,
    statusCode: verdict.statusCode,
    errorClass: delivered ? null : verdict.errorClass,
    error: delivered ? null : verdict.error,
    latencyMs: record.latencyMs,
    now: options.now.toISOString(),
    attemptId: uuidv7(),
    startedAt: record.startedAt.toISOString(),
    outcome: verdict.result,
    requestBytes: record.requestBytes,
  };
}

/**
 * One statement for any number of attempts: each delivery's new state (only while its run still
 * holds it), each attempt's row, and for successes the channel's failure count reset. Returns the
 * deliveries that were still their run's (the others were taken over: their attempt does not count).
 */
async function writeAttempts(db: DbOrTx, writes: readonly AttemptWrite[]): Promise<Set<string>> {
  const column = <K extends keyof AttemptWrite>(key: K) => toArrayLiteral(writes.map((write) => write[key]));
  const rows = await executeRows<{ id: string }>(
    db,
    sql`with input as (
          select * from unnest(
            ${column("deliveryId")}::uuid[], ${column("workspaceId")}::uuid[], ${column("runId")}::text[], ${column("channelId")}::uuid[],
            ${column("status")}::text[], ${column("number")}::int[], ${column("nextAttemptAt")}::timestamptz[], ${column("statusCode")}::int[],
            ${column("errorClass")}::text[], ${column("error")}::text[], ${column("latencyMs")}::int[], ${column("now")}::timestamptz[],
            ${column("attemptId")}::uuid[], ${column("startedAt")}::timestamptz[], ${column("outcome")}::text[], ${column("requestBytes")}::int[]
          ) as i(delivery_id, workspace_id, run_id, channel_id, status, number, next_attempt_at, status_code, error_class, error, latency_ms, now,
                 attempt_id, started_at, outcome, request_bytes)
        ), updated as (
          update deliveries d set
            status = i.status, attempts = i.number, next_attempt_at = i.next_attempt_at, lease_until = null, lease_owner = null,
            last_status_code = i.status_code, last_error_class = i.error_class, last_latency_ms = i.latency_ms,
            delivered_at = case when i.status = 'delivered' then i.now end,
            failed_at = case when i.status = 'failed' then i.now end,
            updated_at = i.now
          from input i
          where d.id = i.delivery_id and d.workspace_id = i.workspace_id and d.lease_owner = i.run_id and d.status = 'pending'
          returning d.id
        ), attempt as (
          insert into delivery_attempts (id, workspace_id, delivery_id, number, started_at, latency_ms, status_code, outcome, error_class, error, next_attempt_at, request_bytes)
          select i.attempt_id, i.workspace_id, i.delivery_id, i.number, i.started_at, i.latency_ms, i.status_code, i.outcome, i.error_class, i.error, i.next_attempt_at, i.request_bytes
          from input i join updated u on u.id = i.delivery_id
          returning id
        ), healthy as (
          update channels c set consecutive_failures = 0, last_delivered_at = i.now
          from (select channel_id, workspace_id, max(now) as now from input join updated on updated.id = input.delivery_id
                where input.status = 'delivered' group by channel_id, workspace_id) i
          where c.id = i.channel_id and c.workspace_id = i.workspace_id
            and (c.consecutive_failures <> 0 or c.last_delivered_at is null or c.last_delivered_at < i.now - ${LAST_DELIVERED_RESOLUTION}::interval)
          returning c.id
        )
        select id from updated`,
  );
  return new Set(rows.map((row) => row.id));
}

/** Attempts recorded per statement at most. */
const ATTEMPT_WRITE_BATCH = 500;

/**
 * Successes and retries of concurrent runs, written together: each waits at most until the end of
 * the current turn of the event loop, and a busy process writes one statement for many attempts
 * instead of one each. A failed statement fails every attempt in it; their runs retry the step.
 */
class AttemptWriteBatch {
  private pending: { write: AttemptWrite; resolve: (mine: boolean) => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;

  constructor(private readonly db: Db) {}

  write(write: AttemptWrite): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ write, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const taken = this.pending.splice(0, ATTEMPT_WRITE_BATCH);
    if (this.pending.length > 0) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
    try {
      const mine = await writeAttempts(this.db, taken.map((entry) => entry.write));
      for (const entry of taken) entry.resolve(mine.has(entry.write.deliveryId));
    } catch (error) {
      for (const entry of taken) entry.reject(error);
    }
  }
}

const batches = new WeakMap<Db, AttemptWriteBatch>();
function batchedAttemptWrites(db: Db): AttemptWriteBatch {
  let batch = batches.get(db);
  if (!batch) batches.set(db, (batch = new AttemptWriteBatch(db)));
  return batch;
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
    cause: deliveryCause(delivery.id, channel.id, event),
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
