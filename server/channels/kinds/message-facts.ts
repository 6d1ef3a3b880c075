import type { Severity } from "@/server/db/schema";
import type { NotificationMessage } from "../notification-message";

/*
 * What every kind shows, in the same words: the severity line, the facts an analyst reads first,
 * the event's details flattened to `path: value`, and the notices. Each kind lays them out and
 * makes them inert in its own markup.
 */

export type Fact = { label: string; value: string };

export const severityStyles: Record<Severity, { label: string; emoji: string; color: string }> = {
  info: { label: "INFO", emoji: "🔵", color: "#2563eb" },
  low: { label: "LOW", emoji: "🟢", color: "#16a34a" },
  medium: { label: "MEDIUM", emoji: "🟡", color: "#ca8a04" },
  high: { label: "HIGH", emoji: "🟠", color: "#ea580c" },
  critical: { label: "CRITICAL", emoji: "🔴", color: "#dc2626" },
};

export const sendTestNotice = "🧪 Test notification: sent from Tocsin to check this channel. The event below is a sample; no rule matched it.";

export const openInTocsinLabel = "Open in Tocsin";

/** How much of the message and of the details a rendering shows; kinds try budgets from generous to bare. */
export type TextBudget = { message: number; details: number; detailValue: number };

/** The ladder of the kinds whose limit is large (Teams' 28 KB, Mattermost's 16,383 characters). */
export const roomyTextBudgets: readonly TextBudget[] = [
  { message: 8_000, details: 40, detailValue: 300 },
  { message: 4_000, details: 20, detailValue: 200 },
  { message: 1_500, details: 8, detailValue: 100 },
  { message: 500, details: 0, detailValue: 0 },
];

/** "🟠 HIGH · Login failed" (the type itself when the catalog does not know it). */
export function describeSeverityLine(message: NotificationMessage): string {
  const { emoji, label } = severityStyles[message.event.severity];
  return `${emoji} ${label} · ${message.event.typeLabel ?? message.event.type}`;
}

const originSourceNames = { ingest: null, system: "Tocsin", audit: "Tocsin audit log" } as const;

/** The facts under the title, in reading order; absent ones are left out. */
export function listMessageFacts(message: NotificationMessage): Fact[] {
  const { event, rule, workspace, community } = message;
  const facts: [string, string | null][] = [
    ["Type", event.type],
    ["Actor", event.actor],
    ["Client IP", event.clientIp],
    ["Source", event.sourceName ?? originSourceNames[event.origin]],
    // A single-mode workspace has one community, never shown.
    ["Community", workspace.mode === "multi" ? (community?.name ?? null) : null],
    ["Occurred", event.occurredAt],
    ["Rule", rule?.name ?? (message.test ? "None (send test)" : null)],
    ["Suppressed", describeSuppressed(message.suppressed)],
  ];
  return facts.filter((fact): fact is [string, string] => fact[1] !== null && fact[1] !== "").map(([label, value]) => ({ label, value }));
}

/** "+7 similar suppressed since the last notification"; null for none. */
export function describeSuppressed(count: number): string | null {
  return count > 0 ? `+${count} similar suppressed since the last notification` : null;
}

/** "Tocsin · Acme · rule Failed logins" */
export function describeFooter(message: NotificationMessage): string {
  const parts = ["Tocsin", message.workspace.name];
  if (message.rule) parts.push(`rule ${message.rule.name}`);
  if (message.test) parts.push("send test");
  return parts.join(" · ");
}

const maxDetailDepth = 6;

function describeScalar(value: unknown): string {
  if (typeof value === "string") return value === "" ? "(empty)" : value;
  if (value === null || value === undefined) return "null";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== "object";
}

function collectDetails(value: unknown, path: string, depth: number, into: Fact[]): void {
  const isArray = Array.isArray(value);
  if (isScalar(value) || depth >= maxDetailDepth || (isArray && value.every(isScalar))) {
    into.push({ label: path, value: isArray && depth < maxDetailDepth ? value.map(describeScalar).join(", ") : describeScalar(value) });
    return;
  }
  const entries = isArray ? value.map((item, index) => [`[${index}]`, item] as const) : Object.entries(value as object).map(([key, item]) => [`.${key}`, item] as const);
  if (entries.length === 0 && path) into.push({ label: path, value: isArray ? "[]" : "{}" });
  for (const [key, item] of entries) collectDetails(item, path ? `${path}${key}` : key.replace(/^\./, ""), depth + 1, into);
}

/** The event's data as `path: value` facts (`context.http_request.method: POST`), the first `limit` of them. */
export function listEventDetails(data: Record<string, unknown> | null, limit: number): { details: Fact[]; omitted: number } {
  const all: Fact[] = [];
  if (data) collectDetails(data, "", 0, all);
  return { details: all.slice(0, Math.max(0, limit)), omitted: Math.max(0, all.length - Math.max(0, limit)) };
}

/** "12 more details are in Tocsin" */
export function describeOmittedDetails(omitted: number): string {
  return `${omitted} more detail${omitted === 1 ? " is" : "s are"} in Tocsin`;
}
