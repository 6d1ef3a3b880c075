import { maxEventTypeLength } from "@/server/rules/event-type";

// The rule of what an event type is lives in server/rules/event-type.ts; these turn other
// systems' names into one.
export { eventTypeHint, eventTypePattern, maxEventTypeLength } from "@/server/rules/event-type";

/** One type segment from any identifier: "Object-Created" → "object_created", dots included. */
export function toTypeSegment(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/_{2,}/g, "_");
}

/**
 * A Tocsin event type from another system's dotted type: lowercased, other characters replaced
 * by "_", empty segments dropped, cut to the maximum length. Null when nothing usable is left.
 */
export function toEventType(value: string): string | null {
  const segments = value
    .split(".")
    .map((segment) => toTypeSegment(segment.trim()))
    .filter((segment) => segment !== "" && segment !== "_");
  const type = segments.join(".").slice(0, maxEventTypeLength).replace(/\.+$/, "");
  return type || null;
}
