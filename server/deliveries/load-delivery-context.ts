import { and, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { NotificationMessage } from "@/server/channels/notification-message";
import { getConfiguredOrigin } from "@/server/config/runtime";
import type { Db } from "@/server/db/client";
import { channels, communities, deliveries, events, intakeSources, rules, ruleThrottleHits, workspaces } from "@/server/db/schema";
import { findCatalogEntry } from "@/server/rules/catalog";
import { matchableEventColumns } from "@/server/rules/matchable-event-columns";

const eventCommunity = alias(communities, "event_community");
// The raw payload stays behind: channels render the normalised event (and `data`), never `raw`.
const { raw: _raw, sourceId: _sourceId, ...eventColumns } = matchableEventColumns;

/** How long an attempt holds its delivery: the send's 15 s and the bookkeeping, with room to spare. */
export const LEASE_MS = 60_000;
/** A delivery due within this much is attempted now rather than slept on. */
export const DUE_TOLERANCE_MS = 1_000;

export type ClaimOptions = {
  workspaceId: string;
  deliveryId: string;
  /** The job run making the attempt: the lease's owner. */
  runId: string;
  /** The attempt count this run last saw (null on its first step): another count means another run moved on. */
  expectedAttempts: number | null;
  now: Date;
};

/**
 * Claims the delivery for one attempt and loads everything the attempt needs, in one statement:
 * the delivery is taken (a lease, so that two runners never attempt it at once) if it is pending,
 * due, not held by another run, and — when this run has attempted it before — still at the count
 * this run left it; with it come its event (and the source's name), the rule, the channel, the
 * workspace and the event's community. Every join re-checks the workspace, so a row of another
 * workspace can never be read through a delivery. Null when the delivery was not claimed.
 * Prepared once per database handle: it runs for every attempt.
 */
export async function claimDeliveryContext(db: Db, options: ClaimOptions) {
  const [row] = await prepared(db).execute({
    workspaceId: options.workspaceId,
    deliveryId: options.deliveryId,
    runId: options.runId,
    expectedAttempts: options.expectedAttempts,
    now: options.now.toISOString(),
  });
  return row ?? null;
}

function prepareClaimQuery(db: Db) {
  const now = sql`${sql.placeholder("now")}::timestamptz`;
  const runId = sql`${sql.placeholder("runId")}::text`;
  const expected = sql`${sql.placeholder("expectedAttempts")}::int`;
  const claimed = db.$with("claimed").as(
    db
      .update(deliveries)
      .set({ leaseUntil: sql`${now} + ${`${LEASE_MS} milliseconds`}::interval`, leaseOwner: runId, updatedAt: now })
      .where(
        and(
          eq(deliveries.workspaceId, sql.placeholder("workspaceId")),
          eq(deliveries.id, sql.placeholder("deliveryId")),
          eq(deliveries.status, "pending"),
          sql`(${deliveries.leaseUntil} is null or ${deliveries.leaseUntil} <= ${now} or ${deliveries.leaseOwner} = ${runId})`,
          sql`(${deliveries.nextAttemptAt} is null or ${deliveries.nextAttemptAt} <= ${now} + ${`${DUE_TOLERANCE_MS} milliseconds`}::interval)`,
          sql`(${expected} is null or ${deliveries.attempts} = ${expected})`,
        ),
      )
      .returning({
        id: deliveries.id,
        workspaceId: deliveries.workspaceId,
        eventId: deliveries.eventId,
        ruleId: deliveries.ruleId,
        channelId: deliveries.channelId,
        messageId: deliveries.messageId,
        attempts: deliveries.attempts,
        seriesStartAttempts: deliveries.seriesStartAttempts,
        batchId: deliveries.batchId,
      }),
  );
  return db
    .with(claimed)
    .select({
      delivery: { id: claimed.id, messageId: claimed.messageId, attempts: claimed.attempts, seriesStartAttempts: claimed.seriesStartAttempts, batchId: claimed.batchId },
      // The rule's throttle held back this many like it since it last notified (a primary-key probe).
      suppressed: sql<number>`coalesce((select ${ruleThrottleHits.suppressedBefore} from ${ruleThrottleHits}
        where ${ruleThrottleHits.ruleId} = ${claimed.ruleId} and ${ruleThrottleHits.eventId} = ${claimed.eventId}
          and ${ruleThrottleHits.workspaceId} = ${claimed.workspaceId}), 0)`.mapWith(Number),
      event: eventColumns,
      sourceName: intakeSources.name,
      rule: { id: rules.id, name: rules.name },
      channel: channels,
      workspace: { id: workspaces.id, slug: workspaces.slug, name: workspaces.name, mode: workspaces.mode },
      community: { id: eventCommunity.id, name: eventCommunity.name },
    })
    .from(claimed)
    .innerJoin(events, and(eq(events.id, claimed.eventId), eq(events.workspaceId, claimed.workspaceId)))
    .innerJoin(channels, and(eq(channels.id, claimed.channelId), eq(channels.workspaceId, claimed.workspaceId)))
    .innerJoin(workspaces, eq(workspaces.id, claimed.workspaceId))
    .leftJoin(rules, and(eq(rules.id, claimed.ruleId), eq(rules.workspaceId, claimed.workspaceId)))
    .leftJoin(intakeSources, and(eq(intakeSources.id, events.sourceId), eq(intakeSources.workspaceId, claimed.workspaceId)))
    .leftJoin(eventCommunity, and(eq(eventCommunity.id, events.communityId), eq(eventCommunity.workspaceId, claimed.workspaceId)))
    .prepare("tocsin_claim_delivery");
}

const statements = new WeakMap<Db, ReturnType<typeof prepareClaimQuery>>();
function prepared(db: Db) {
  let found = statements.get(db);
  if (!found) statements.set(db, (found = prepareClaimQuery(db)));
  return found;
}

export type DeliveryContext = NonNullable<Awaited<ReturnType<typeof claimDeliveryContext>>>;

/** Links into Tocsin for a workspace's event and rule. */
export function tocsinLinks(workspaceSlug: string, eventId: string, ruleId: string | null, origin = getConfiguredOrigin()): NotificationMessage["links"] {
  const base = `${origin}/w/${encodeURIComponent(workspaceSlug)}`;
  return { event: `${base}/events/${eventId}`, inbox: `${base}/inbox`, rule: ruleId ? `${base}/rules/${ruleId}` : null };
}

/** The message every channel kind renders for this delivery. */
export function buildDeliveryMessage(context: DeliveryContext): NotificationMessage {
  const { delivery, event, sourceName, rule, workspace, community } = context;
  return {
    messageId: delivery.messageId,
    event: {
      id: event.id,
      type: event.type,
      typeLabel: findCatalogEntry(event.type)?.label ?? null,
      severity: event.severity,
      title: event.title,
      message: event.message,
      actor: event.actor,
      clientIp: event.clientIp,
      occurredAt: event.occurredAt.toISOString(),
      receivedAt: event.receivedAt.toISOString(),
      externalId: event.externalId,
      fingerprint: event.fingerprint,
      origin: event.origin,
      sourceName,
      data: event.data,
    },
    rule: rule?.id ? { id: rule.id, name: rule.name } : null,
    workspace,
    community: community?.id ? { id: community.id, name: community.name } : null,
    links: tocsinLinks(workspace.slug, event.id, rule?.id ?? null),
    test: false,
    suppressed: context.suppressed,
    summary: null,
  };
}
