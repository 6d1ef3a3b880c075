import { and, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { NotificationMessage } from "@/server/channels/notification-message";
import { getConfiguredOrigin } from "@/server/config/runtime";
import type { DbOrTx } from "@/server/db/client";
import { channels, communities, deliveries, events, intakeSources, rules, workspaces } from "@/server/db/schema";
import { findCatalogEntry } from "@/server/rules/catalog";
import { matchableEventColumns } from "@/server/rules/matchable-event-columns";

const eventCommunity = alias(communities, "event_community");
// The raw payload stays behind: channels render the normalised event (and `data`), never `raw`.
const { raw: _raw, sourceId: _sourceId, ...eventColumns } = matchableEventColumns;

/**
 * Everything one attempt needs, in one statement: the delivery, its event (with the source's
 * name), the rule, the channel, the workspace and the event's community. Every join re-checks
 * the workspace, so a row of another workspace can never be read through a delivery.
 */
export async function loadDeliveryContext(db: DbOrTx, workspaceId: string, deliveryId: string) {
  const [row] = await db
    .select({
      delivery: deliveries,
      event: eventColumns,
      sourceName: intakeSources.name,
      rule: { id: rules.id, name: rules.name },
      channel: channels,
      workspace: { id: workspaces.id, slug: workspaces.slug, name: workspaces.name, mode: workspaces.mode },
      community: { id: eventCommunity.id, name: eventCommunity.name },
    })
    .from(deliveries)
    .innerJoin(events, and(eq(events.id, deliveries.eventId), eq(events.workspaceId, deliveries.workspaceId)))
    .innerJoin(channels, and(eq(channels.id, deliveries.channelId), eq(channels.workspaceId, deliveries.workspaceId)))
    .innerJoin(workspaces, eq(workspaces.id, deliveries.workspaceId))
    .leftJoin(rules, and(eq(rules.id, deliveries.ruleId), eq(rules.workspaceId, deliveries.workspaceId)))
    .leftJoin(intakeSources, and(eq(intakeSources.id, events.sourceId), eq(intakeSources.workspaceId, deliveries.workspaceId)))
    .leftJoin(eventCommunity, and(eq(eventCommunity.id, events.communityId), eq(eventCommunity.workspaceId, deliveries.workspaceId)))
    .where(and(eq(deliveries.workspaceId, workspaceId), eq(deliveries.id, deliveryId)));
  return row ?? null;
}

export type DeliveryContext = NonNullable<Awaited<ReturnType<typeof loadDeliveryContext>>>;

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
  };
}
