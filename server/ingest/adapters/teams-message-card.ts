import type { ChatMessage } from "../chat/chat-message";
import { parseColourSeverity } from "../chat/guess-severity";
import { convertMarkdown } from "../chat/markup";
import { pickText } from "../text";
import type { MessageCard } from "./teams-schema";

function addMarkdown(message: ChatMessage, text: string | null | undefined): void {
  if (!text?.trim()) return;
  const plain = convertMarkdown(text);
  message.links.push(...plain.links);
  message.lines.push(plain.text);
}

/** A legacy MessageCard into a chat message: title, text, sections with facts, and link actions. */
export function readMessageCard(message: ChatMessage, card: MessageCard): void {
  // Teams shows summary only where the title is missing (notifications, previews).
  const heading = pickText(card.title, card.summary);
  message.heading = heading ? convertMarkdown(heading).text : null;
  addMarkdown(message, card.text);
  for (const section of card.sections ?? []) {
    for (const text of [section.activityTitle, section.activitySubtitle, section.activityText, section.title, section.text]) {
      addMarkdown(message, text);
    }
    for (const fact of section.facts ?? []) {
      const name = convertMarkdown(pickText(fact.name) ?? "").text.replace(/:$/, "").trim();
      const value = fact.value == null ? "" : convertMarkdown(String(fact.value)).text.trim();
      if (!name && !value) continue;
      message.fields.push({ name, value });
      message.lines.push(name ? `${name}: ${value}` : value);
    }
  }
  for (const action of card.potentialAction ?? []) {
    const url = pickText(action.targets?.find((target) => pickText(target.uri))?.uri, action.target?.[0]);
    if (!url) continue;
    const label = pickText(action.name);
    message.links.push({ label, url });
    message.lines.push(label ? `${label}: ${url}` : url);
  }
  const severity = parseColourSeverity(card.themeColor);
  if (severity) message.severityHints.push(severity);
  message.details = { cardType: "MessageCard" };
}
