import { sql } from "drizzle-orm";

/**
 * A list of uuids as ONE `uuid[]` parameter, for `= any(...)`: drizzle's inArray() makes one
 * parameter per value, so every list length is a new statement to parse and prepare. Written as
 * an array literal, which postgres-js and PGlite pass through unchanged.
 */
export function toUuidArray(ids: readonly string[]) {
  return sql`${`{${ids.join(",")}}`}::uuid[]`;
}
