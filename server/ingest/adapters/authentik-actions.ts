import type { Severity } from "../severity";
import { listCatalog } from "@/server/rules/catalog";
import { humaniseIdentifier } from "../text";

// authentik's event actions (authentik/events/models.py, EventAction) and how much each one
// warrants attention. The severities are decided once, in the event catalog; the two routine
// actions authentik logs that the catalog does not list are info, as are unknown and custom_* ones.
export const authentikActionSeverity: Record<string, Severity> = {
  flow_execution: "info",
  system_task_execution: "info",
  ...Object.fromEntries(
    listCatalog({ family: "authentik" })
      .filter((entry) => entry.type !== "authentik.notification")
      .map((entry) => [entry.type.slice("authentik.".length), entry.defaultSeverity]),
  ),
};

/** authentik's notification severities (NotificationSeverity) in Tocsin's terms. */
export const authentikNotificationSeverity: Record<string, Severity> = {
  notice: "info",
  warning: "medium",
  alert: "high",
};

export function isAuthentikAction(value: string): boolean {
  return value in authentikActionSeverity || /^custom_[a-z0-9_]+$/.test(value);
}

type TitleParts = { who: string | null; what: string | null };

const titles: Record<string, (parts: TitleParts) => string> = {
  login: ({ who }) => `${who ?? "A user"} logged in`,
  login_failed: ({ who }) => (who ? `Failed login for ${who}` : "Failed login"),
  logout: ({ who }) => `${who ?? "A user"} logged out`,
  password_set: ({ who }) => (who ? `Password set for ${who}` : "Password set"),
  impersonation_started: ({ who, what }) => `${who ?? "An admin"} started impersonating ${what ?? "a user"}`,
  impersonation_ended: ({ who, what }) => `${who ?? "An admin"} stopped impersonating ${what ?? "a user"}`,
  update_available: ({ what }) => (what ? `authentik ${what} is available` : "authentik update available"),
};

/**
 * A one-line title for an action: its own phrasing for the common ones, else the action in
 * words followed by what it concerns ("Model updated: group admins") or who did it.
 */
export function describeAuthentikAction(action: string, parts: TitleParts): string {
  const title = titles[action];
  if (title) return title(parts);
  const base = humaniseIdentifier(action.startsWith("custom_") ? action.slice("custom_".length) : action);
  const detail = parts.what ?? parts.who;
  return detail ? `${base}: ${detail}` : base;
}
