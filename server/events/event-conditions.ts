import { and, eq, gte, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { events } from "@/server/db/schema";
import { parseTypeFilter, type EventFilters } from "./event-schemas";
import { severities } from "./severities";

/** At most this many words of a search are used; more would only slow the scan down. */
const maxSearchWords = 8;

/** `value` as a LIKE pattern that matches it literally: `\`, `%` and `_` are escaped with `\`. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** Case-insensitive "contains", with the escape character spelled out (same on PG 15 and 18). */
function containsIgnoringCase(column: PgColumn, text: string): SQL {
  return sql`${column} ilike ${`%${escapeLike(text)}%`} escape '\\'`;
}

function startsWith(column: PgColumn, prefix: string): SQL {
  return sql`${column} like ${`${escapeLike(prefix)}%`} escape '\\'`;
}

/** Splits a search into words (at most 8); each must appear in the title, message or actor. */
export function searchWords(search: string | undefined): string[] {
  if (!search) return [];
  return [...new Set(search.trim().split(/\s+/).filter(Boolean))].slice(0, maxSearchWords);
}

/**
 * The WHERE conditions of a filtered event query. The workspace comes first and always: an id
 * of another workspace's source or community in the filters simply matches nothing.
 */
export function eventFilterConditions(workspaceId: string, filters: EventFilters): SQL {
  const conditions: (SQL | undefined)[] = [eq(events.workspaceId, workspaceId)];

  for (const word of searchWords(filters.search)) {
    conditions.push(
      or(containsIgnoringCase(events.title, word), containsIgnoringCase(events.message, word), containsIgnoringCase(events.actor, word)),
    );
  }

  if (filters.types?.length) {
    const parsed = filters.types.map(parseTypeFilter);
    const exact = parsed.flatMap((t) => ("exact" in t ? [t.exact] : []));
    const prefixes = parsed.flatMap((t) => ("prefix" in t ? [t.prefix] : []));
    conditions.push(or(...(exact.length ? [inArray(events.type, exact)] : []), ...prefixes.map((prefix) => startsWith(events.type, prefix))));
  }

  if (filters.minSeverity) {
    conditions.push(inArray(events.severity, severities.slice(severities.indexOf(filters.minSeverity))));
  }
  if (filters.severities?.length) conditions.push(inArray(events.severity, filters.severities));
  if (filters.sourceIds?.length) conditions.push(inArray(events.sourceId, filters.sourceIds));
  if (filters.communityIds?.length) conditions.push(inArray(events.communityId, filters.communityIds));
  if (filters.origins?.length) conditions.push(inArray(events.origin, filters.origins));
  if (filters.from) conditions.push(gte(events.receivedAt, filters.from));
  if (filters.to) conditions.push(lt(events.receivedAt, filters.to));

  return and(...conditions)!;
}
