import { and, desc, eq, lte, sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { communities, events, intakeSources } from "@/server/db/schema";
import { DomainError } from "@/server/errors";
import { eventFilterConditions } from "./event-conditions";
import { defaultPageSize, eventIdSchema, listEventsInput, type ListEventsInput } from "./event-schemas";

/** Where the previous page ended: its last event's received time (to the microsecond) and id. */
type Cursor = { receivedAt: string; id: string };

// PostgreSQL keeps microseconds, JavaScript dates milliseconds: the cursor carries the database's
// own text of the timestamp so that no event is skipped or repeated at a page boundary.
const timestampText = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.receivedAt}|${cursor.id}`, "utf8").toString("base64url");
}

export function decodeCursor(value: string): Cursor {
  const [receivedAt = "", id = "", ...rest] = Buffer.from(value, "base64url").toString("utf8").split("|");
  if (rest.length > 0 || !timestampText.test(receivedAt) || !eventIdSchema.safeParse(id).success) {
    throw new DomainError("BAD_REQUEST", "This page of the event log no longer exists; reload the list", { field: "cursor" });
  }
  return { receivedAt, id };
}

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
  const cursor = input.cursor ? decodeCursor(input.cursor) : null;

  const conditions = [eventFilterConditions(workspaceId, input)];
  if (cursor) {
    const at = sql`${cursor.receivedAt}::timestamptz`;
    // The plain comparison lets the (workspace_id, received_at desc) index bound the scan.
    conditions.push(lte(events.receivedAt, sql`${at}`), sql`(${events.receivedAt}, ${events.id}) < (${at}, ${cursor.id}::uuid)`);
  }

  const rows = await db
    .select({
      ...eventSummaryColumns,
      cursorAt: sql<string>`to_char(${events.receivedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
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
    nextCursor: rows.length > limit && last ? encodeCursor({ receivedAt: last.cursorAt, id: last.id }) : null,
  };
}

export type EventSummary = Awaited<ReturnType<typeof listEvents>>["items"][number];
