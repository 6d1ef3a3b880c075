import type { ChatMessage } from "../chat/chat-message";
import { parseColourSeverity } from "../chat/guess-severity";
import { convertMarkdown } from "../chat/markup";
import { isPlainObject, type JsonObject } from "../json";
import { pickText } from "../text";
import type { AdaptiveCard } from "./teams-schema";

// A TextBlock styled like this is the card's title.
function isHeading(block: JsonObject): boolean {
  const size = typeof block.size === "string" ? block.size.toLowerCase() : "";
  return block.style === "heading" || size === "large" || size === "extralarge" || block.weight === "bolder" || block.weight === "Bolder";
}

function addText(message: ChatMessage, text: string, asHeading: boolean): void {
  const plain = convertMarkdown(text);
  message.links.push(...plain.links);
  if (asHeading && !message.heading) message.heading = plain.text.trim();
  else message.lines.push(plain.text);
}

function addAction(message: ChatMessage, action: unknown): void {
  if (!isPlainObject(action) || typeof action.url !== "string") return;
  const label = pickText(action.title);
  message.links.push({ label, url: action.url });
  message.lines.push(label ? `${label}: ${action.url}` : action.url);
}

function addElements(message: ChatMessage, elements: unknown): void {
  if (!Array.isArray(elements)) return;
  for (const element of elements) addElement(message, element);
}

// Unknown element types (Image, Input.*, …) carry no text worth keeping; they are skipped.
function addElement(message: ChatMessage, element: unknown): void {
  if (!isPlainObject(element)) return;
  const colour = parseColourSeverity(element.color ?? element.style);
  if (colour) message.severityHints.push(colour);
  switch (element.type) {
    case "TextBlock":
      if (typeof element.text === "string" && element.text.trim()) addText(message, element.text, isHeading(element));
      return;
    case "RichTextBlock": {
      const inlines = Array.isArray(element.inlines) ? element.inlines : [];
      const text = inlines.map((inline) => (typeof inline === "string" ? inline : isPlainObject(inline) && typeof inline.text === "string" ? inline.text : "")).join("");
      if (text.trim()) addText(message, text, false);
      return;
    }
    case "FactSet":
      for (const fact of Array.isArray(element.facts) ? element.facts : []) {
        if (!isPlainObject(fact)) continue;
        const name = convertMarkdown(pickText(fact.title) ?? "").text.replace(/:$/, "").trim();
        const value = fact.value == null ? "" : convertMarkdown(String(fact.value)).text.trim();
        if (!name && !value) continue;
        message.fields.push({ name, value });
        message.lines.push(name ? `${name}: ${value}` : value);
      }
      return;
    case "Container":
    case "Column":
      addElements(message, element.items);
      return;
    case "ColumnSet":
      addElements(message, element.columns);
      return;
    case "Table":
      for (const row of Array.isArray(element.rows) ? element.rows : []) {
        const cells = isPlainObject(row) && Array.isArray(row.cells) ? row.cells : [];
        for (const cell of cells) if (isPlainObject(cell)) addElements(message, cell.items);
      }
      return;
    case "ActionSet":
      for (const action of Array.isArray(element.actions) ? element.actions : []) addAction(message, action);
      return;
    default:
      return;
  }
}

/** An Adaptive Card into a chat message: text blocks, fact sets, containers, open-URL actions. */
export function readAdaptiveCard(message: ChatMessage, card: AdaptiveCard): void {
  addElements(message, card.body);
  for (const action of card.actions ?? []) addAction(message, action);
  message.details = { cardType: "AdaptiveCard" };
}
