import { failWith, type AdapterContext, type AdapterResult } from "../adapter-result";
import { dropEmpty } from "../json";
import { buildFingerprint } from "../keys";
import { finaliseEvent } from "../normalised-event";
import { pickHighestSeverity } from "../severity";
import { joinLines, pickFirstLine } from "../text";
import type { ChatMessage, Recogniser } from "./chat-message";
import { guessSeverityFromWords } from "./guess-severity";
import { recogniseAuthentikSlack } from "./recognise-authentik";
import { recogniseSecObserve } from "./recognise-secobserve";

const recognisers: Recogniser[] = [recogniseSecObserve, recogniseAuthentikSlack];

/**
 * The event for a chat message: a known tool's own type when a recogniser knows the message,
 * else `<format>.message` with the title from the heading or first line and the severity from
 * colours, then from the title's words.
 */
export function buildChatEvent(message: ChatMessage, item: unknown, context: AdapterContext, emptyHint: string): AdapterResult {
  const heading = pickFirstLine(message.heading);
  const title = heading ?? pickFirstLine(message.lines.join("\n"));
  if (!title) return failWith("event", emptyHint);
  // Without a heading the first line became the title; the message need not repeat it.
  const lines = heading ? message.lines : dropFirstLine(message.lines);
  const recognised = recognisers.map((recognise) => recognise(message, title)).find((result) => result !== null) ?? null;
  const type = recognised?.type ?? `${message.format}.message`;
  const fields = Object.fromEntries(message.fields.filter((field) => field.name).map((field) => [field.name, field.value]));
  return finaliseEvent({
    type,
    severity: recognised?.severity ?? pickHighestSeverity(message.severityHints) ?? guessSeverityFromWords(title) ?? "info",
    title: recognised?.title ?? title,
    message: joinLines(lines) || null,
    // A recognised tool names its own actor; the webhook's sender name is only the tool's name.
    actor: recognised ? (recognised.actor ?? null) : message.sender,
    clientIp: null,
    occurredAt: message.occurredAt ?? context.receivedAt,
    // Chat webhooks carry no event id; repeats are left to throttling by fingerprint.
    externalId: null,
    fingerprint: recognised?.fingerprint ?? buildFingerprint(type, title),
    data:
      recognised?.data ??
      dropEmpty({
        ...message.details,
        // Named as each tool names them: Slack attachment "fields", Teams "facts".
        [message.format === "teams" ? "facts" : "fields"]: Object.keys(fields).length ? fields : null,
        links: message.links.length ? message.links : null,
      }),
    raw: item,
  });
}

function dropFirstLine(lines: string[]): string[] {
  const text = lines.join("\n").trimStart();
  const end = text.indexOf("\n");
  return end === -1 ? [] : [text.slice(end + 1)];
}
