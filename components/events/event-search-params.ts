// The Events page keeps its filters in the URL, so a view can be shared or bookmarked:
//   ?q=words&type=alert.*,auth.login&severity=high&source=<id>&community=<id>&origin=ingest
//    &range=1h|24h|7d|30d   or   &range=custom&from=<ISO>&to=<ISO>
// Parsing is lenient: a value that does not make sense is dropped and reported, never a crash.
import { z } from "zod";
import type { EventOrigin } from "@/server/db/schema/ingest";
import { eventOriginSchema, maxSearchLength, severitySchema, typeFilterSchema, type EventFilters } from "@/server/events/event-schemas";
import type { Severity } from "@/server/events/severities";

export const rangeOptions = [
  { key: "1h", label: "Last hour", ms: 60 * 60 * 1000 },
  { key: "24h", label: "Last 24 hours", ms: 24 * 60 * 60 * 1000 },
  { key: "7d", label: "Last 7 days", ms: 7 * 24 * 60 * 60 * 1000 },
  { key: "30d", label: "Last 30 days", ms: 30 * 24 * 60 * 60 * 1000 },
] as const;
export type RangeKey = (typeof rangeOptions)[number]["key"] | "custom";
export const defaultRange: RangeKey = "24h";

/** The filters as the URL and the filter bar hold them. */
export type EventView = {
  q: string;
  types: string[];
  severity: Severity | "";
  source: string;
  community: string;
  origin: EventOrigin | "";
  range: RangeKey;
  /** ISO instants, for a custom range. */
  from: string;
  to: string;
};

export const emptyView: EventView = { q: "", types: [], severity: "", source: "", community: "", origin: "", range: defaultRange, from: "", to: "" };

export type RawSearchParams = Record<string, string | string[] | undefined> | URLSearchParams;

function all(params: RawSearchParams, key: string): string[] {
  return params instanceof URLSearchParams ? params.getAll(key) : [params[key] ?? []].flat();
}

/** Every value of a list parameter: repeated (`type=a&type=b`) or comma-separated (`type=a,b`). */
function list(params: RawSearchParams, key: string): string[] {
  return all(params, key)
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
}

/** The first value of a single-valued parameter, trimmed. */
const single = (params: RawSearchParams, key: string) => (all(params, key)[0] ?? "").trim();
const uuid = z.uuid();

function parseInstant(value: string): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

const rangeMs = (key: RangeKey) => rangeOptions.find((option) => option.key === key)?.ms ?? 0;

/**
 * The view in the URL, the API filters it stands for (relative ranges resolved against `now`),
 * and what was dropped as not understood.
 */
export function parseEventSearchParams(params: RawSearchParams, now: Date): { view: EventView; filters: EventFilters; problems: string[] } {
  const problems: string[] = [];
  const view: EventView = { ...emptyView, types: [] };

  view.q = single(params, "q").slice(0, maxSearchLength);

  for (const type of list(params, "type").slice(0, 20)) {
    const parsed = typeFilterSchema.safeParse(type);
    if (parsed.success) view.types.push(parsed.data);
    else problems.push(`Ignored the type filter "${type}": use a type such as auth.login_failed or a prefix such as alert.*`);
  }

  const severity = single(params, "severity");
  if (severity) {
    const parsed = severitySchema.safeParse(severity.toLowerCase());
    if (parsed.success) view.severity = parsed.data;
    else problems.push(`Ignored the unknown severity "${severity}"`);
  }

  for (const key of ["source", "community"] as const) {
    const value = single(params, key);
    if (value && uuid.safeParse(value).success) view[key] = value;
    else if (value) problems.push(`Ignored the ${key} filter: "${value}" is not an id`);
  }

  const origin = single(params, "origin");
  if (origin) {
    const parsed = eventOriginSchema.safeParse(origin);
    if (parsed.success) view.origin = parsed.data;
    else problems.push(`Ignored the unknown origin "${origin}"`);
  }

  // A preset range wins; otherwise `from` and/or `to` make a custom range (`to` open: now).
  const range = single(params, "range");
  const preset = rangeOptions.find((option) => option.key === range);
  if (range && !preset && range !== "custom") problems.push(`Ignored the unknown time range "${range}"`);
  const fromText = single(params, "from");
  const toText = single(params, "to");
  const from = parseInstant(fromText);
  const to = parseInstant(toText);
  if (!preset && fromText && !from) problems.push("Ignored the start of the range: not a date");
  if (!preset && toText && !to) problems.push("Ignored the end of the range: not a date");

  if (preset) {
    view.range = preset.key;
  } else if (from && to && from >= to) {
    problems.push("Ignored the time range: its start is not before its end");
  } else if (from || to) {
    view.range = "custom";
    view.from = from?.toISOString() ?? "";
    view.to = to?.toISOString() ?? "";
  }

  const filterFrom = view.range === "custom" ? from : new Date(now.getTime() - rangeMs(view.range));
  const filterTo = view.range === "custom" ? to : null;
  return { view, filters: viewToFilters(view, filterFrom ?? undefined, filterTo ?? undefined), problems };
}

function viewToFilters(view: EventView, from: Date | undefined, to: Date | undefined): EventFilters {
  return {
    ...(view.q ? { search: view.q } : {}),
    ...(view.types.length ? { types: view.types } : {}),
    ...(view.severity ? { minSeverity: view.severity } : {}),
    ...(view.source ? { sourceIds: [view.source] } : {}),
    ...(view.community ? { communityIds: [view.community] } : {}),
    ...(view.origin ? { origins: [view.origin] } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
}

/** The query string of a view: only what differs from the defaults, in a stable order. */
export function toSearchParams(view: Partial<EventView>): URLSearchParams {
  const v = { ...emptyView, ...view };
  const params = new URLSearchParams();
  if (v.q) params.set("q", v.q);
  if (v.types.length) params.set("type", v.types.join(","));
  if (v.severity) params.set("severity", v.severity);
  if (v.source) params.set("source", v.source);
  if (v.community) params.set("community", v.community);
  if (v.origin) params.set("origin", v.origin);
  if (v.range === "custom" && (v.from || v.to)) {
    params.set("range", "custom");
    if (v.from) params.set("from", v.from);
    if (v.to) params.set("to", v.to);
  } else if (v.range !== defaultRange && v.range !== "custom") {
    params.set("range", v.range);
  }
  return params;
}

/** `/w/<slug>/events` with the view's query string. */
export function eventsHref(slug: string, view: Partial<EventView>): string {
  const query = toSearchParams(view).toString();
  return `/w/${slug}/events${query ? `?${query}` : ""}`;
}

/** True when the view filters on anything besides the default time range. */
export function hasFilters(view: EventView): boolean {
  return toSearchParams(view).toString() !== "";
}
