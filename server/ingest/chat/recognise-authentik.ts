import { authentikActionSeverity, authentikNotificationSeverity, describeAuthentikAction, isAuthentikAction } from "../adapters/authentik-actions";
import { dropEmpty } from "../json";
import { buildFingerprint } from "../keys";
import { findField, normaliseLabel, type ChatMessage, type Recognition } from "./chat-message";

const ownFields = new Set(["severity", "dispatched for user", "event user"]);

/**
 * authentik's "Webhook (Slack/Discord)" transport: one attachment titled with the event's action
 * (or the notification body), a Severity field, and the event context's strings as fields.
 */
export function recogniseAuthentikSlack(message: ChatMessage, title: string): Recognition | null {
  const transportSeverity = findField(message, "Severity");
  if (message.format !== "slack" || message.sender !== "authentik" || !transportSeverity) return null;
  const action = isAuthentikAction(title) ? title : null;
  const type = action ? `authentik.${action}` : "authentik.notification";
  // str() of a missing username is "None"; before sign-in the event user is AnonymousUser and
  // the name that was tried is among the context fields.
  const eventUser = findField(message, "Event user");
  const actor = eventUser && eventUser !== "None" && eventUser !== "AnonymousUser" ? eventUser : (findField(message, "username") ?? null);
  const context = Object.fromEntries(
    message.fields.filter((field) => !ownFields.has(normaliseLabel(field.name))).map((field) => [field.name, field.value]),
  );
  return {
    type,
    severity: authentikNotificationSeverity[transportSeverity.toLowerCase()] ?? (action ? authentikActionSeverity[action] : undefined) ?? "info",
    title: action ? describeAuthentikAction(action, { who: actor, what: null }) : title,
    actor,
    fingerprint: buildFingerprint(type, actor ?? title),
    data: dropEmpty({
      action,
      transportSeverity,
      dispatchedFor: findField(message, "Dispatched for user"),
      context: Object.keys(context).length ? context : null,
    }),
  };
}
