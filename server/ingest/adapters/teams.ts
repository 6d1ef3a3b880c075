import { failWith, type AdapterContext, type AdapterResult } from "../adapter-result";
import { buildChatEvent } from "../chat/build-chat-event";
import { createChatMessage, type ChatMessage } from "../chat/chat-message";
import { parseWith, type ParseResult } from "../issues";
import { describeJsonValue, isPlainObject } from "../json";
import { readAdaptiveCard } from "./teams-adaptive-card";
import { readMessageCard } from "./teams-message-card";
import { adaptiveCardContentType, adaptiveCardSchema, messageCardSchema, workflowsMessageSchema } from "./teams-schema";

const emptyHint = "The card has nothing to show: expected a title, text, sections or text blocks";

/**
 * A Microsoft Teams webhook body: a legacy MessageCard, a Workflows message carrying Adaptive
 * Cards, or a bare Adaptive Card.
 */
export function normaliseTeams(item: unknown, context: AdapterContext): AdapterResult {
  if (!isPlainObject(item)) return failWith("event", `Expected a JSON object, got ${describeJsonValue(item)}`);
  const message = createChatMessage("teams");
  const read = readTeamsBody(item, message);
  if (!read.ok) return read;
  return buildChatEvent(message, item, context, emptyHint);
}

function readTeamsBody(item: Record<string, unknown>, message: ChatMessage): ParseResult<null> {
  if (typeof item["@type"] === "string" && item["@type"].toLowerCase() === "messagecard") {
    const card = parseWith(messageCardSchema, item);
    if (!card.ok) return card;
    readMessageCard(message, card.data);
    return { ok: true, data: null };
  }
  if (item.type === "AdaptiveCard") return readAdaptiveCards(message, [{ card: item, path: [] }]);
  if (item.type === "message") {
    const body = parseWith(workflowsMessageSchema, item);
    if (!body.ok) return body;
    const cards = body.data.attachments
      .map((attachment, index) => ({ attachment, index }))
      .filter(({ attachment }) => attachment.contentType.toLowerCase() === adaptiveCardContentType)
      .map(({ attachment, index }) => ({ card: attachment.content, path: ["attachments", index, "content"] }));
    if (cards.length === 0) {
      return { ok: false, issues: [{ path: "event.attachments", message: `No attachment has contentType ${adaptiveCardContentType}` }] };
    }
    return readAdaptiveCards(message, cards);
  }
  return {
    ok: false,
    issues: [
      {
        path: "event",
        message: 'Expected a Teams MessageCard ("@type": "MessageCard"), a Workflows message ("type": "message") with Adaptive Card attachments, or an Adaptive Card',
      },
    ],
  };
}

function readAdaptiveCards(message: ChatMessage, cards: { card: unknown; path: (string | number)[] }[]): ParseResult<null> {
  for (const { card, path } of cards) {
    const parsed = parseWith(adaptiveCardSchema, card, { prefix: path });
    if (!parsed.ok) return parsed;
    readAdaptiveCard(message, parsed.data);
  }
  return { ok: true, data: null };
}
