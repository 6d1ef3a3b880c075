import type { JsonObject } from "../json";
import type { Severity } from "../severity";

export type ChatField = { name: string; value: string };
export type ChatLink = { label: string | null; url: string };

/**
 * A Slack or Teams message reduced to what Tocsin needs, so titles, severity and recognition
 * of known tools are worked out once for both formats.
 */
export type ChatMessage = {
  format: "slack" | "teams";
  /** An explicit title: a header block, an attachment or card title. */
  heading: string | null;
  /** The rest as plain text, in reading order. */
  lines: string[];
  /** Label/value pairs: attachment fields, facts, "*Label:*\nvalue" sections. */
  fields: ChatField[];
  links: ChatLink[];
  /** Severity suggested by colours (attachment colour, theme colour, text colour). */
  severityHints: Severity[];
  /** Who posted: the webhook username or author name. */
  sender: string | null;
  occurredAt: Date | null;
  /** Format-specific details kept in `data`: channel, attachment count, card type. */
  details: JsonObject;
};

/** What a recogniser knows about a message from a tool it knows. */
export type Recognition = {
  type: string;
  severity: Severity;
  title?: string;
  actor?: string | null;
  fingerprint: string;
  data: JsonObject;
};

export type Recogniser = (message: ChatMessage, title: string) => Recognition | null;

export function createChatMessage(format: ChatMessage["format"]): ChatMessage {
  return { format, heading: null, lines: [], fields: [], links: [], severityHints: [], sender: null, occurredAt: null, details: {} };
}

/** A field's value by label, ignoring case and a trailing colon ("Exception message:"). */
export function findField(message: ChatMessage, name: string): string | null {
  const wanted = normaliseLabel(name);
  return message.fields.find((field) => normaliseLabel(field.name) === wanted)?.value ?? null;
}

export function normaliseLabel(label: string): string {
  return label.replace(/[*_:\s]+$/g, "").replace(/^[*_\s]+/, "").trim().toLowerCase();
}

/** "*Exception class:*\nValueError" (a label on its own line, then the value) as a field. */
export function splitLabelledText(text: string): ChatField | null {
  const match = /^([^\n]{1,80}):[ \t]*\n([\s\S]+)$/.exec(text.trim());
  if (!match || !match[2]!.trim()) return null;
  return { name: match[1]!.trim(), value: match[2]!.trim() };
}
