import type { AdapterContext, AdapterResult } from "../adapter-result";
import { buildChatEvent } from "../chat/build-chat-event";
import { createChatMessage, splitLabelledText, type ChatMessage } from "../chat/chat-message";
import { parseColourSeverity, parseEmojiSeverity } from "../chat/guess-severity";
import { convertMrkdwn } from "../chat/markup";
import { parseWith } from "../issues";
import { dropEmpty, isPlainObject } from "../json";
import { pickFirstLine, pickText } from "../text";
import { parseTimestamp } from "../timestamps";
import { slackMessageSchema, type SlackAttachment, type SlackBlock, type SlackTextObject } from "./slack-schema";

/**
 * A Slack incoming-webhook body (text, blocks, attachments), as tools post them to a chat
 * channel: SecObserve, Grafana, authentik's Slack transport, scripts.
 */
export function normaliseSlack(item: unknown, context: AdapterContext): AdapterResult {
  const parsed = parseWith(slackMessageSchema, item);
  if (!parsed.ok) return parsed;
  const body = parsed.data;
  const message = createChatMessage("slack");
  const blocks = body.blocks ?? [];
  // With blocks, Slack shows them and uses text only for the notification; so does Tocsin.
  if (blocks.length === 0 && body.text) addText(message, body.text);
  for (const block of blocks) addBlock(message, block);
  for (const attachment of body.attachments ?? []) addAttachment(message, attachment);
  if (!message.heading && blocks.length > 0 && body.text) message.heading = pickFirstLine(readMrkdwn(message, body.text));
  message.sender = pickText(body.username, body.attachments?.[0]?.author_name);
  message.details = dropEmpty({
    username: pickText(body.username),
    channel: pickText(body.channel),
    attachmentCount: body.attachments?.length || null,
  });
  return buildChatEvent(message, item, context, "The message has nothing to show: expected text, blocks or attachments with text");
}

/** mrkdwn as plain text, keeping its links and what its emoji say about severity. */
function readMrkdwn(message: ChatMessage, text: string): string {
  const plain = convertMrkdwn(text);
  message.links.push(...plain.links);
  for (const name of plain.emoji) {
    const severity = parseEmojiSeverity(name);
    if (severity) message.severityHints.push(severity);
  }
  return plain.text;
}

function addText(message: ChatMessage, text: string): void {
  const plain = readMrkdwn(message, text);
  const field = splitLabelledText(plain);
  if (field) message.fields.push(field);
  message.lines.push(field ? `${field.name}: ${field.value}` : plain);
}

function addTextObject(message: ChatMessage, object: SlackTextObject | null | undefined): void {
  if (object?.text) addText(message, object.text);
}

function addBlock(message: ChatMessage, block: SlackBlock): void {
  switch (block.type) {
    case "header": {
      const text = pickText(block.text?.text);
      if (text && !message.heading) message.heading = readMrkdwn(message, text);
      else if (text) message.lines.push(readMrkdwn(message, text));
      return;
    }
    case "section":
      addTextObject(message, block.text);
      for (const field of block.fields ?? []) addTextObject(message, field);
      return;
    case "context":
      for (const element of block.elements ?? []) {
        if (isPlainObject(element) && typeof element.text === "string") addText(message, element.text);
      }
      return;
    case "rich_text":
      message.lines.push(collectRichText(block.elements ?? []).trim());
      return;
    default:
      return;
  }
}

// rich_text nests sections, lists and quotes of text, link, user and emoji elements.
function collectRichText(elements: readonly unknown[]): string {
  return elements
    .map((element) => {
      if (!isPlainObject(element)) return "";
      if (Array.isArray(element.elements)) return `${collectRichText(element.elements)}\n`;
      if (element.type === "link" && typeof element.url === "string") {
        return typeof element.text === "string" && element.text !== element.url ? `${element.text} (${element.url})` : element.url;
      }
      if (typeof element.text === "string") return element.text;
      if (element.type === "user" && typeof element.user_id === "string") return `@${element.user_id}`;
      return "";
    })
    .join("");
}

function addAttachment(message: ChatMessage, attachment: SlackAttachment): void {
  const before = message.lines.length + message.fields.length;
  if (attachment.pretext) addText(message, attachment.pretext);
  const title = pickText(attachment.title);
  if (title) {
    const plainTitle = readMrkdwn(message, title);
    if (!message.heading) message.heading = plainTitle;
    else message.lines.push(plainTitle);
    if (attachment.title_link) message.links.push({ label: plainTitle, url: attachment.title_link });
  }
  if (attachment.text) addText(message, attachment.text);
  for (const field of attachment.fields ?? []) {
    const name = pickText(field.title) ?? "";
    const value = field.value == null ? "" : readMrkdwn(message, String(field.value));
    if (!name && !value) continue;
    message.fields.push({ name, value });
    message.lines.push(name ? `${name}: ${value}` : value);
  }
  for (const block of attachment.blocks ?? []) addBlock(message, block);
  // The fallback is the attachment in one line, for clients that cannot show the rest.
  if (message.lines.length + message.fields.length === before && !title && attachment.fallback) addText(message, attachment.fallback);
  const severity = parseColourSeverity(attachment.color);
  if (severity) message.severityHints.push(severity);
  if (!message.occurredAt && attachment.ts != null) {
    const ts = parseTimestamp(typeof attachment.ts === "string" ? Number(attachment.ts) : attachment.ts);
    if (ts.ok) message.occurredAt = ts.date;
  }
}
