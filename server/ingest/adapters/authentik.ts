import { failWith, type AdapterContext, type AdapterResult } from "../adapter-result";
import { describeJsonValue, isPlainObject } from "../json";
import { normaliseAuthentikEvent } from "./authentik-event";
import { normaliseAuthentikNotification } from "./authentik-notification";

/**
 * authentik posts either a full event (from a webhook body mapping, or exported from its API)
 * or its generic transport's notification body; `action` tells the first from the second.
 */
export function normaliseAuthentik(item: unknown, context: AdapterContext): AdapterResult {
  if (!isPlainObject(item)) return failWith("event", `Expected a JSON object, got ${describeJsonValue(item)}`);
  if ("action" in item) return normaliseAuthentikEvent(item, context);
  if ("body" in item) return normaliseAuthentikNotification(item, context);
  return failWith(
    "event",
    "Expected an authentik event (with action, user, context, created) or the body of authentik's generic webhook transport (with body and severity)",
  );
}
