import { sql } from "drizzle-orm";

/**
 * A list of uuids as ONE `uuid[]` parameter, for `= any(...)`: drizzle's inArray() makes one
 * parameter per value, so every list length is a new statement to parse and prepare. Written as
 * an array literal, which postgres-js and PGlite pass through unchanged.
 */
export function toUuidArray(ids: readonly string[]) {
  return sql`${`{${ids.join(",")}}`}::uuid[]`;
}

/**
 * Values as one PostgreSQL array literal (`{"a","b",NULL}`), for `unnest(<literal>::type[])`
 * inserts: one parameter per column whatever the row count, so the statement stays the same.
 */
export function toArrayLiteral(values: readonly (string | number | null)[]): string {
  return `{${values.map((value) => (value === null ? "NULL" : `"${String(value).replace(/["\\]/g, "\\$&")}"`)).join(",")}}`;
}

/** The distinct non-null values as one array parameter: each is then looked up once, however many rows repeat it. */
export function toDistinctArrayLiteral(values: readonly (string | null | undefined)[]): string {
  return toArrayLiteral([...new Set(values.filter((value): value is string => value !== null && value !== undefined))]);
}
