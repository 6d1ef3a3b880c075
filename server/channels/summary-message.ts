import type { BatchReason, Severity, WorkspaceMode } from "@/server/db/schema";
import { severities } from "@/server/events/severities";
import type { NotificationMessage, NotificationSummary } from "./notification-message";

/** Held events a summary lists one by one; the rest are counted ("…and 12 more in Tocsin"). */
export const SUMMARY_LISTED_EVENTS = 50;

export type SummaryInput = {
  messageId: string;
  reason: BatchReason;
  /** Every held event's count; `events` holds the first of them, oldest first. */
  count: number;
  events: { id: string; type: string; severity: Severity; title: string; receivedAt: Date }[];
  rule: { id: string; name: string } | null;
  /** Maintenance: the source that was in maintenance. */
  sourceName: string | null;
  workspace: { id: string; slug: string; name: string; mode: WorkspaceMode };
  community: { id: string; name: string } | null;
  appUrl: string;
};

const typeLabels: Record<BatchReason, string> = {
  digest: "Digest",
  quiet_hours: "Quiet hours summary",
  maintenance: "Maintenance summary",
};

/** "2026-11-27 10:01 UTC" */
function formatUtc(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** The title of a summary, in a message and in the inbox: "Digest of “Failed logins”: 12 matches". */
export function describeSummaryTitle(input: { reason: BatchReason; count: number; ruleName: string | null; sourceName: string | null }): string {
  const held = plural(input.count, "notification");
  if (input.reason === "digest") return `Digest of “${input.ruleName ?? "a deleted rule"}”: ${input.count} ${input.count === 1 ? "match" : "matches"}`;
  if (input.reason === "quiet_hours") return `${held} held during your quiet hours`;
  return `${held} held while “${input.sourceName ?? "a source"}” was in maintenance`;
}

/**
 * Several held notifications as one message every channel kind renders as it renders an event:
 * the title says what was held and why, the message lists the events (severity, title, time),
 * the link opens the inbox; `summary` carries the list for receivers that read JSON.
 */
export function buildSummaryMessage(input: SummaryInput): NotificationMessage {
  const base = `${input.appUrl}/w/${encodeURIComponent(input.workspace.slug)}`;
  const listed = input.events.slice(0, SUMMARY_LISTED_EVENTS);
  const first = listed[0];
  const last = listed[listed.length - 1];
  if (!first || !last) throw new Error("A summary needs at least one event");
  const severity = listed.reduce<Severity>((top, e) => (severities.indexOf(e.severity) > severities.indexOf(top) ? e.severity : top), "info");
  const lines = listed.map((e) => `• ${e.severity.toUpperCase()} · ${e.title} (${formatUtc(e.receivedAt)})`);
  if (input.count > listed.length) lines.push(`…and ${input.count - listed.length} more in Tocsin`);
  const summary: NotificationSummary = {
    reason: input.reason,
    count: input.count,
    from: first.receivedAt.toISOString(),
    to: last.receivedAt.toISOString(),
    events: listed.map((e) => ({ id: e.id, type: e.type, severity: e.severity, title: e.title, receivedAt: e.receivedAt.toISOString(), link: `${base}/events/${e.id}` })),
  };
  return {
    messageId: input.messageId,
    event: {
      id: first.id,
      type: "tocsin.summary",
      typeLabel: typeLabels[input.reason],
      severity,
      title: describeSummaryTitle({ reason: input.reason, count: input.count, ruleName: input.rule?.name ?? null, sourceName: input.sourceName }),
      message: `From ${formatUtc(first.receivedAt)} to ${formatUtc(last.receivedAt)}:\n${lines.join("\n")}`,
      actor: null,
      clientIp: null,
      occurredAt: summary.to,
      receivedAt: summary.to,
      externalId: null,
      fingerprint: null,
      origin: "system",
      sourceName: input.sourceName,
      data: null,
    },
    rule: input.rule,
    workspace: input.workspace,
    community: input.community,
    // Every "open in Tocsin" and truncation marker of a summary leads to the inbox, where each entry is.
    links: { event: `${base}/inbox`, inbox: `${base}/inbox`, rule: input.rule ? `${base}/rules/${input.rule.id}` : null },
    test: false,
    suppressed: 0,
    summary,
  };
}
