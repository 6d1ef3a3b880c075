// Shared by the event-log suites: events written straight into the table, with defaults for
// every field a test does not care about. Not a *.test.ts file, so vitest does not collect it.
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { events } from "@/server/db/schema";

type NewEvent = typeof events.$inferInsert;
export type TestSource = { id: string; communityId: string };

let counter = 0;

/**
 * Inserts events of `source` (or, with `source: null`, system events of the workspace) and
 * returns their ids in input order. `receivedAt` may be an SQL timestamp literal, for
 * microseconds that a JavaScript Date cannot hold.
 */
export async function insertEvents(
  db: Db,
  workspaceId: string,
  source: TestSource | null,
  items: (Partial<Omit<NewEvent, "receivedAt">> & { receivedAt?: Date | SQL })[],
): Promise<string[]> {
  if (items.length === 0) return [];
  const rows = items.map((item) => {
    const receivedAt = item.receivedAt ?? new Date("2024-06-01T12:00:00.000Z");
    counter += 1;
    return {
      workspaceId,
      communityId: source?.communityId ?? null,
      sourceId: source?.id ?? null,
      type: "test.event",
      severity: "info" as const,
      title: `Test event ${counter}`,
      occurredAt: receivedAt instanceof Date ? receivedAt : new Date("2024-06-01T12:00:00.000Z"),
      origin: source ? ("ingest" as const) : ("system" as const),
      ...item,
      receivedAt,
    };
  });
  const inserted = await db.insert(events).values(rows).returning({ id: events.id });
  return inserted.map((row) => row.id);
}

/** A timestamp with microseconds, as SQL. */
export const microsecondsAt = (text: string) => sql`${text}::timestamptz`;
