import { z } from "zod";
import type { AdapterContext, AdapterResult } from "../adapter-result";
import { parseWith } from "../issues";
import { dropEmpty } from "../json";
import { buildFingerprint } from "../keys";
import { finaliseEvent } from "../normalised-event";
import { parseSeverity, type Severity } from "../severity";
import { pickFirstLine, pickText } from "../text";
import { authentikActionSeverity, authentikNotificationSeverity, describeAuthentikAction, isAuthentikAction } from "./authentik-actions";

const notificationSchema = z.looseObject({
  body: z.string(),
  severity: z.string().nullish(),
  user_email: z.string().nullish(),
  user_username: z.string().nullish(),
  event_user_email: z.string().nullish(),
  event_user_username: z.string().nullish(),
});

/**
 * The body of authentik's generic webhook transport. Its `body` is the event's summary: the
 * context's message when there is one, else "<action>: <context as a Python dict>" — so the
 * action can usually be read back from it.
 */
export function normaliseAuthentikNotification(item: unknown, context: AdapterContext): AdapterResult {
  const parsed = parseWith(notificationSchema, item);
  if (!parsed.ok) return parsed;
  const notification = parsed.data;
  const { action, details } = splitSummary(notification.body);
  const type = action ? `authentik.${action}` : "authentik.notification";
  const transportSeverity = pickText(notification.severity);
  const actor = pickActor(notification.event_user_username, details, notification.event_user_email);
  const title = action
    ? describeAuthentikAction(action, { who: actor, what: null })
    : (pickFirstLine(notification.body) ?? "authentik notification");
  return finaliseEvent({
    type,
    // The severity chosen on the notification rule wins; the action's own is the fallback.
    severity: readTransportSeverity(transportSeverity) ?? (action ? authentikActionSeverity[action] : undefined) ?? "info",
    title,
    message: notification.body,
    actor,
    clientIp: null,
    occurredAt: context.receivedAt,
    // The transport sends no event id; repeats are left to throttling by fingerprint.
    externalId: null,
    fingerprint: buildFingerprint(type, actor ?? title),
    data: dropEmpty({
      action,
      transportSeverity,
      userEmail: pickText(notification.user_email),
      userUsername: pickText(notification.user_username),
      eventUserEmail: pickText(notification.event_user_email),
      eventUserUsername: pickText(notification.event_user_username),
    }),
    raw: item,
  });
}

function readTransportSeverity(value: string | null): Severity | null {
  if (!value) return null;
  return authentikNotificationSeverity[value.toLowerCase()] ?? parseSeverity(value);
}

function splitSummary(body: string): { action: string | null; details: string | null } {
  const match = /^([a-z][a-z0-9_]*): ([\s\S]*)$/.exec(body.trim());
  if (!match || !isAuthentikAction(match[1]!)) return { action: null, details: null };
  return { action: match[1]!, details: match[2]! };
}

// A failed login happens before anyone is signed in, so the event user is AnonymousUser; the
// name that was tried appears in the summary's context as 'username': '…'.
function pickActor(username: string | null | undefined, details: string | null, email: string | null | undefined): string | null {
  const named = pickText(username);
  if (named && named !== "AnonymousUser") return named;
  const tried = details ? /'username': '([^']+)'/.exec(details)?.[1] : undefined;
  return pickText(tried, email, named);
}
