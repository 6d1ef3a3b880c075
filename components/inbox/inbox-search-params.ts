// The inbox keeps its filters in the URL, so a view can be bookmarked or shared:
//   ?unread=1&severity=high&rule=<id>&community=<id>&archived=1
// Parsing is lenient: a value that makes no sense is dropped, never a crash.
import { z } from "zod";
import { severities, type Severity } from "@/server/events/severities";

export type InboxView = {
  unread: boolean;
  /** Only entries of this severity. */
  severity: Severity | "";
  rule: string;
  community: string;
  /** Show the archive instead of the inbox. */
  archived: boolean;
};

export const emptyInboxView: InboxView = { unread: false, severity: "", rule: "", community: "", archived: false };

type RawSearchParams = Record<string, string | string[] | undefined> | URLSearchParams;

function first(params: RawSearchParams, key: string): string {
  const value = params instanceof URLSearchParams ? params.get(key) : [params[key] ?? []].flat()[0];
  return (value ?? "").trim();
}

const uuid = z.uuid();
const flag = (value: string) => value === "1" || value === "true";

export function parseInboxSearchParams(params: RawSearchParams): InboxView {
  const severity = first(params, "severity");
  const rule = first(params, "rule");
  const community = first(params, "community");
  return {
    unread: flag(first(params, "unread")),
    severity: (severities as readonly string[]).includes(severity) ? (severity as Severity) : "",
    rule: uuid.safeParse(rule).success ? rule : "",
    community: uuid.safeParse(community).success ? community : "",
    archived: flag(first(params, "archived")),
  };
}

export function inboxHref(slug: string, view: InboxView): string {
  const params = new URLSearchParams();
  if (view.unread) params.set("unread", "1");
  if (view.severity) params.set("severity", view.severity);
  if (view.rule) params.set("rule", view.rule);
  if (view.community) params.set("community", view.community);
  if (view.archived) params.set("archived", "1");
  const query = params.toString();
  return `/w/${slug}/inbox${query ? `?${query}` : ""}`;
}

export function hasInboxFilters(view: InboxView): boolean {
  return view.unread || view.severity !== "" || view.rule !== "" || view.community !== "" || view.archived;
}

export const inboxPageSize = 50;

/** What `inbox.list` is asked for a view of the URL (without the workspace and the cursor). */
export function inboxListInput(view: InboxView) {
  return {
    archived: view.archived,
    ...(view.unread ? { unread: true } : {}),
    ...(view.severity ? { severities: [view.severity] } : {}),
    ...(view.rule ? { ruleIds: [view.rule] } : {}),
    ...(view.community ? { communityIds: [view.community] } : {}),
    limit: inboxPageSize,
  };
}
