import { and, desc, eq } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { afterKeysetCursor, cursorTimestamp, decodeKeysetCursor, encodeKeysetCursor } from "@/server/db/keyset-cursor";
import { communities, events, intakeSources } from "@/server/db/schema";
import { eventFilterConditions } from "./event-conditions";
import { defaultPageSize, listEventsInput, type ListEventsInput } from "./event-schemas";

/** One row of the event log: the normalised fields that fit in a table, without payloads. */
export const eventSummaryColumns = {
  id: events.id,
  type: events.type,
  severity: events.severity,
  title: events.title,
  actor: events.actor,
  clientIp: events.clientIp,
  origin: events.origin,
  occurredAt: events.occurredAt,
  receivedAt: events.receivedAt,
  sourceId: events.sourceId,
  sourceName: intakeSources.name,
  communityId: events.communityId,
  communityName: communities.name,
};

/**
 * A page of a workspace's events, newest received first (ties broken by id, so the order is
 * total and stable), filtered; `nextCursor` is null on the last page.
 */
export async function listEvents(db: Db, workspaceId: string, rawInput: ListEventsInput) {
  const input = listEventsInput.parse(rawInput);
  const limit = input.limit ?? defaultPageSize;
  const cursor = input.cursor ? decodeKeysetCursor(input.cursor, "the event log") : null;

  const conditions = [eventFilterConditions(workspaceId, input)];
  // Its plain comparison lets the (workspace_id, received_at desc) index bound the scan.
  if (cursor) conditions.push(afterKeysetCursor(events.receivedAt, events.id, cursor));

  const rows = await db
    .select({
      ...eventSummaryColumns,
      cursorAt: cursorTimestamp(events.receivedAt),
    })
    .from(events)
    .leftJoin(intakeSources, and(eq(intakeSources.id, events.sourceId), eq(intakeSources.workspaceId, workspaceId)))
    .leftJoin(communities, and(eq(communities.id, events.communityId), eq(communities.workspaceId, workspaceId)))
    .where(and(...conditions))
    .orderBy(desc(events.receivedAt), desc(events.id))
    .limit(limit + 1);

  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(({ cursorAt: _cursorAt, ...item }) => item),
    nextCursor: rows.length > limit && last ? encodeKeysetCursor({ at: last.cursorAt, id: last.id }) : null,
  };
}

export type EventSummary = Awaited<ReturnType<typeof listEvents>>["items"][number];
