import { z } from "zod";

/** Longest event type or trigger pattern accepted; long enough for any real dotted name. */
export const maxEventTypeLength = 120;

// Lowercase so `Alert.Created` and `alert.created` can never be two different triggers.
export const eventTypePattern = /^[a-z0-9_]+(\.[a-z0-9_]+)*$/;

export const eventTypeHint = "An event type is lowercase dotted words of a–z, 0–9 and _, such as authentik.login_failed";

/** True when `value` is a dotted, lowercase event type such as `authentik.login_failed`. */
export function isEventType(value: string): boolean {
  return value.length <= maxEventTypeLength && eventTypePattern.test(value);
}

export const eventTypeSchema = z
  .string()
  .min(1, "Enter an event type")
  .max(maxEventTypeLength, `An event type has at most ${maxEventTypeLength} characters`)
  .regex(eventTypePattern, eventTypeHint);
