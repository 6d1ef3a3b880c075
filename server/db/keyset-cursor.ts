import { sql, type AnyColumn } from "drizzle-orm";
import { z } from "zod";
import { DomainError } from "@/server/errors";

/*
 * Keyset pagination over (timestamp, id), newest first. PostgreSQL keeps microseconds and
 * JavaScript dates milliseconds, so a cursor carries the database's own text of the timestamp:
 * no row is skipped or repeated at a page boundary, even among rows written in one statement.
 */

export type KeysetCursor = { at: string; id: string };

const timestampText = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const uuid = z.uuid();

/** The column as the cursor's text (to the microsecond, UTC): select it beside the row. */
export function cursorTimestamp(column: AnyColumn) {
  return sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

export function encodeKeysetCursor(cursor: KeysetCursor): string {
  return Buffer.from(`${cursor.at}|${cursor.id}`, "utf8").toString("base64url");
}

/** The cursor, or a BAD_REQUEST saying which list it no longer fits (`what`: "the inbox"). */
export function decodeKeysetCursor(value: string, what: string): KeysetCursor {
  const [at = "", id = "", ...rest] = Buffer.from(value, "base64url").toString("utf8").split("|");
  if (rest.length > 0 || !timestampText.test(at) || !uuid.safeParse(id).success) {
    throw new DomainError("BAD_REQUEST", `This page of ${what} no longer exists; reload the list`, { field: "cursor" });
  }
  return { at, id };
}

/** Rows after the cursor in (timestamp desc, id desc) order. */
export function afterKeysetCursor(timestamp: AnyColumn, id: AnyColumn, cursor: KeysetCursor) {
  const at = sql`${cursor.at}::timestamptz`;
  return sql`${timestamp} <= ${at} and (${timestamp}, ${id}) < (${at}, ${cursor.id}::uuid)`;
}
