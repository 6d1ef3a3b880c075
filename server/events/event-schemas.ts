// Inputs of the event log: list, one event, volume. Dependency-free apart from zod (and types),
// so the Events page can validate the filters of its URL with the same rules as the server.
import { z } from "zod";
import type { EventOrigin } from "@/server/db/schema/ingest";
import { eventTypeSchema, maxEventTypeLength } from "@/server/rules/event-type";
import { severities } from "./severities";

export const eventOriginValues = ["ingest", "system", "audit"] as const satisfies readonly EventOrigin[];

export const maxPageSize = 100;
export const defaultPageSize = 50;
export const maxSearchLength = 200;
/** The volume chart covers at most this many days (one bar per day beyond 48 hours). */
export const maxVolumeRangeDays = 400;
/** Ranges up to this long are charted by the hour, longer ones by the day. */
export const hourlyBucketsUpToMs = 48 * 60 * 60 * 1000;

export const eventIdSchema = z.uuid({ message: "Not an event id" });
export const severitySchema = z.enum(severities, { message: `Choose one of: ${severities.join(", ")}` });
export const eventOriginSchema = z.enum(eventOriginValues, { message: `Choose one of: ${eventOriginValues.join(", ")}` });

/**
 * A type filter: an exact type (`alert.created`) or a prefix (`alert.*`: every type below
 * `alert.`, at any depth, as in trigger patterns; `alert` itself is not included).
 */
export const typeFilterSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(maxEventTypeLength, `A type has at most ${maxEventTypeLength} characters`)
  .refine(
    (value) => eventTypeSchema.safeParse(value.endsWith(".*") ? value.slice(0, -2) : value).success,
    "Enter an event type such as authentik.login_failed, or a prefix such as alert.*",
  );

/** A parsed type filter: exact, or a prefix (ending with the dot: `alert.`). */
export type TypeFilter = { exact: string } | { prefix: string };

export function parseTypeFilter(value: string): TypeFilter {
  return value.endsWith(".*") ? { prefix: value.slice(0, -1) } : { exact: value };
}

/** Filters shared by the list and the volume chart. Empty arrays and blank text filter nothing. */
export const eventFiltersShape = {
  /** Words searched in title, message and actor, case-insensitively; every word must appear. */
  search: z.string().trim().max(maxSearchLength, `Search for at most ${maxSearchLength} characters`).optional(),
  types: z.array(typeFilterSchema).max(20, "At most 20 types").optional(),
  /** At least this severity. */
  minSeverity: severitySchema.optional(),
  /** One of these severities (combined with minSeverity when both are given). */
  severities: z.array(severitySchema).max(severities.length).optional(),
  sourceIds: z.array(z.uuid({ message: "Not a source id" })).max(50, "At most 50 sources").optional(),
  communityIds: z.array(z.uuid({ message: "Not a community id" })).max(50, "At most 50 communities").optional(),
  origins: z.array(eventOriginSchema).max(eventOriginValues.length).optional(),
  /** Received at or after (inclusive). */
  from: z.date({ message: "Not a date" }).optional(),
  /** Received before (exclusive). */
  to: z.date({ message: "Not a date" }).optional(),
};

const fromBeforeTo = (value: { from?: Date; to?: Date }) => !value.from || !value.to || value.from < value.to;
const fromBeforeToIssue = { message: "The start of the range must be before its end", path: ["to"] };

export const eventFiltersSchema = z.object(eventFiltersShape).refine(fromBeforeTo, fromBeforeToIssue);
export type EventFilters = z.infer<typeof eventFiltersSchema>;

export const listEventsInput = z
  .object({
    ...eventFiltersShape,
    /** Opaque: the `nextCursor` of the previous page. */
    cursor: z.string().max(200).nullish(),
    limit: z.number().int().min(1).max(maxPageSize, `At most ${maxPageSize} events per page`).default(defaultPageSize),
  })
  .refine(fromBeforeTo, fromBeforeToIssue);
export type ListEventsInput = z.input<typeof listEventsInput>;

export const getEventInput = z.object({ eventId: eventIdSchema });

export const eventVolumeInput = z
  .object({
    ...eventFiltersShape,
    /** How many types get their own series; the rest are added up as "other". */
    topTypes: z.number().int().min(1).max(12).default(6),
  })
  .refine(fromBeforeTo, fromBeforeToIssue);
export type EventVolumeInput = z.input<typeof eventVolumeInput>;
