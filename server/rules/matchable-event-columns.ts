import { events } from "@/server/db/schema";

/** Columns the matcher reads, as the fan-out loads them too. */
export const matchableEventColumns = {
  id: events.id,
  communityId: events.communityId,
  sourceId: events.sourceId,
  type: events.type,
  severity: events.severity,
  title: events.title,
  message: events.message,
  actor: events.actor,
  clientIp: events.clientIp,
  occurredAt: events.occurredAt,
  receivedAt: events.receivedAt,
  externalId: events.externalId,
  fingerprint: events.fingerprint,
  origin: events.origin,
  data: events.data,
  raw: events.raw,
};
