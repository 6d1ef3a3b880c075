import { and, asc, desc, eq, gte, or, sql, type SQL } from "drizzle-orm";
import { channelVisibleTo, findEditableChannel, type ChannelActor } from "@/server/channels/channels";
import type { Db } from "@/server/db/client";
import { executeRows } from "@/server/db/execute-rows";
import { afterKeysetCursor, cursorTimestamp, decodeKeysetCursor, encodeKeysetCursor } from "@/server/db/keyset-cursor";
import { toUuidArray } from "@/server/db/sql-arrays";
import { channels, deliveries, deliveryAttempts, events, rules } from "@/server/db/schema";
import { DomainError } from "@/server/errors";
import { jobNow } from "@/server/jobs/job-clock";
import { requestDeliveries } from "@/server/jobs/request-deliveries";
import type { ListDeliveriesInput } from "./delivery-schemas";
import type { RequestedDelivery } from "./insert-deliveries";
import { getLogger } from "@/server/observability/logger";

const log = getLogger("deliveries");

/*
 * The delivery log. A delivery is seen by whoever sees its channel (a personal channel's owner;
 * every member for a shared one) and replayed by whoever may change that channel. The rule behind
 * a delivery is named only to whoever may see that rule (its owner, or anyone for a shared rule).
 */

/** Most deliveries one "replay every failed delivery since …" takes; the rest need another call. */
export const MAX_REPLAY_BATCH = 10_000;
export const DELIVERY_PAGE_SIZE = 50;

const notFound = () => new DomainError("NOT_FOUND", "Delivery not found");

const deliveryColumns = {
  id: deliveries.id,
  messageId: deliveries.messageId,
  status: deliveries.status,
  attempts: deliveries.attempts,
  nextAttemptAt: deliveries.nextAttemptAt,
  lastStatusCode: deliveries.lastStatusCode,
  lastErrorClass: deliveries.lastErrorClass,
  lastLatencyMs: deliveries.lastLatencyMs,
  replays: deliveries.replays,
  createdAt: deliveries.createdAt,
  deliveredAt: deliveries.deliveredAt,
  failedAt: deliveries.failedAt,
  event: { id: events.id, type: events.type, title: events.title, severity: events.severity, receivedAt: events.receivedAt },
  channel: { id: channels.id, name: channels.name, kind: channels.kind, shared: sql<boolean>`${channels.ownerUserId} is null` },
  rule: { id: rules.id, name: rules.name },
};

function deliveriesVisibleTo(actor: ChannelActor) {
  // A personal rule's name is its owner's business: others see the delivery without it.
  const ruleVisible = or(eq(rules.kind, "shared"), eq(rules.ownerUserId, actor.userId));
  return { where: and(eq(deliveries.workspaceId, actor.workspaceId), channelVisibleTo(actor))!, ruleVisible: ruleVisible! };
}

function selectDeliveries(db: Db, actor: ChannelActor) {
  const { ruleVisible } = deliveriesVisibleTo(actor);
  return db
    .select({ ...deliveryColumns, cursorAt: cursorTimestamp(deliveries.createdAt) })
    .from(deliveries)
    .innerJoin(channels, and(eq(channels.id, deliveries.channelId), eq(channels.workspaceId, deliveries.workspaceId)))
    .innerJoin(events, and(eq(events.id, deliveries.eventId), eq(events.workspaceId, deliveries.workspaceId)))
    .leftJoin(rules, and(eq(rules.id, deliveries.ruleId), eq(rules.workspaceId, deliveries.workspaceId), ruleVisible));
}

/** Newest first, for a channel or an event (or the whole workspace), by status; keyset-paginated. */
export async function listDeliveries(db: Db, actor: ChannelActor, input: ListDeliveriesInput) {
  const { where } = deliveriesVisibleTo(actor);
  const conditions: SQL[] = [where];
  if (input.channelId) conditions.push(eq(deliveries.channelId, input.channelId));
  if (input.eventId) conditions.push(eq(deliveries.eventId, input.eventId));
  if (input.status) conditions.push(eq(deliveries.status, input.status));
  if (input.cursor) conditions.push(afterKeysetCursor(deliveries.createdAt, deliveries.id, decodeKeysetCursor(input.cursor, "the delivery log")));
  const limit = input.limit ?? DELIVERY_PAGE_SIZE;
  const rows = await selectDeliveries(db, actor)
    .where(and(...conditions))
    .orderBy(desc(deliveries.createdAt), desc(deliveries.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toView),
    nextCursor: rows.length > limit && last ? encodeKeysetCursor({ at: last.cursorAt, id: last.id }) : null,
  };
}

/** One delivery with every attempt, oldest first. */
export async function getDelivery(db: Db, actor: ChannelActor, deliveryId: string) {
  const { where } = deliveriesVisibleTo(actor);
  const [row] = await selectDeliveries(db, actor).where(and(where, eq(deliveries.id, deliveryId)));
  if (!row) throw notFound();
  const attempts = await db
    .select({
      number: deliveryAttempts.number,
      startedAt: deliveryAttempts.startedAt,
      latencyMs: deliveryAttempts.latencyMs,
      statusCode: deliveryAttempts.statusCode,
      outcome: deliveryAttempts.outcome,
      errorClass: deliveryAttempts.errorClass,
      error: deliveryAttempts.error,
      nextAttemptAt: deliveryAttempts.nextAttemptAt,
      requestBytes: deliveryAttempts.requestBytes,
    })
    .from(deliveryAttempts)
    .where(and(eq(deliveryAttempts.workspaceId, actor.workspaceId), eq(deliveryAttempts.deliveryId, row.id)))
    .orderBy(asc(deliveryAttempts.number));
  return { ...toView(row), attemptLog: attempts };
}

type DeliveryRow = Awaited<ReturnType<ReturnType<typeof selectDeliveries>["execute"]>>[number];

/** A delivery as the API returns it: its rule only when the caller may know it. */
function toView({ cursorAt: _cursorAt, ...row }: DeliveryRow) {
  return { ...row, rule: row.rule?.id ? { id: row.rule.id, name: row.rule.name! } : null };
}

export type DeliveryView = ReturnType<typeof toView>;

/**
 * Sends a delivered or failed delivery again, as a new series of attempts with the channel's
 * retries, under the same `webhook-id` (receivers that already have it can tell). Needs the right
 * to change its channel, and the channel switched on.
 */
export async function replayDelivery(db: Db, actor: ChannelActor, deliveryId: string): Promise<{ id: string }> {
  const [found] = await db
    .select({ id: deliveries.id, channelId: deliveries.channelId, status: deliveries.status })
    .from(deliveries)
    .innerJoin(channels, and(eq(channels.id, deliveries.channelId), eq(channels.workspaceId, deliveries.workspaceId)))
    .where(and(deliveriesVisibleTo(actor).where, eq(deliveries.id, deliveryId)));
  if (!found) throw notFound();
  await requireReplayableChannel(db, actor, found.channelId);
  if (found.status === "pending") throw new DomainError("CONFLICT", "This delivery is still being attempted; wait for it to finish");
  const replayed = await resetForReplay(db, actor.workspaceId, sql`${deliveries.id} = ${found.id}`);
  await request(actor.workspaceId, replayed);
  return { id: found.id };
}

/** Replays every delivery of a channel that failed at or after `since` (at most MAX_REPLAY_BATCH per call). */
export async function replayFailedDeliveries(db: Db, actor: ChannelActor, channelId: string, since: Date): Promise<{ replayed: number; more: boolean }> {
  await requireReplayableChannel(db, actor, channelId);
  const failed = await db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(and(eq(deliveries.workspaceId, actor.workspaceId), eq(deliveries.channelId, channelId), eq(deliveries.status, "failed"), gte(deliveries.failedAt, since)))
    .orderBy(asc(deliveries.failedAt))
    .limit(MAX_REPLAY_BATCH + 1);
  const ids = failed.slice(0, MAX_REPLAY_BATCH).map((row) => row.id);
  if (ids.length === 0) return { replayed: 0, more: false };
  const replayed = await resetForReplay(db, actor.workspaceId, sql`id = any(${toUuidArray(ids)})`);
  await request(actor.workspaceId, replayed);
  return { replayed: replayed.length, more: failed.length > MAX_REPLAY_BATCH };
}

async function requireReplayableChannel(db: Db, actor: ChannelActor, channelId: string) {
  const channel = await findEditableChannel(db, actor, channelId);
  if (!channel.enabled) throw new DomainError("BAD_REQUEST", "This channel is switched off: switch it on before replaying its deliveries");
}

/** Back to pending, due now, as a new series (retries count from here); returns what was reset. */
async function resetForReplay(db: Db, workspaceId: string, which: SQL): Promise<RequestedDelivery[]> {
  const at = jobNow().toISOString();
  const rows = await executeRows<{ id: string; channel_id: string }>(
    db,
    sql`update deliveries set status = 'pending', next_attempt_at = ${at}::timestamptz, lease_until = null, lease_owner = null,
          series_start_attempts = attempts, replays = replays + 1, delivered_at = null, failed_at = null, updated_at = ${at}::timestamptz
        where workspace_id = ${workspaceId} and status in ('delivered', 'failed') and ${which}
        returning id, channel_id`,
  );
  return rows.map((row) => ({ id: row.id, channelId: row.channel_id }));
}

/** Requests the replayed deliveries; if that fails, they are pending and due, and the sweeper sends them. */
async function request(workspaceId: string, replayed: RequestedDelivery[]) {
  try {
    await requestDeliveries(workspaceId, replayed);
  } catch (error) {
    log.warn({ err: error, deliveries: replayed.length }, `replay of ${replayed.length} deliveries queued for the sweeper`);
  }
}
