import type { ChannelKindModule } from "../channel-kind";
import type { NotificationMessage, RenderedHttpPayload } from "../notification-message";
import { createTextFitter, fitText, type TextFitter } from "../truncate";
import { buildHttpPayload, sendToChatWebhook } from "./http-payload";
import {
  describeFooter,
  describeOmittedDetails,
  describeSeverityLine,
  listEventDetails,
  listMessageFacts,
  openInTocsinLabel,
  sendTestNotice,
  severityStyles,
} from "./message-facts";

// Slack's Block Kit limits (https://api.slack.com/reference/block-kit/blocks); a message uses at most
// 9 of its 50 blocks.
const headerChars = 150;
const sectionChars = 3000;
const fieldChars = 2000;
const fallbackChars = 300;
const detailCount = 60;
const detailValueChars = 300;

/**
 * Slack reads `&`, `<` and `>` as control characters: `<!channel>` pages everyone and
 * `<http://evil|Open in Tocsin>` is a disguised link. Escaped, event text shows as typed.
 */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

type Block = Record<string, unknown>;

const mrkdwn = (text: string) => ({ type: "mrkdwn", text });
const contextBlock = (text: string): Block => ({ type: "context", elements: [mrkdwn(text)] });

function renderDetails(message: NotificationMessage, fit: TextFitter): Block | null {
  const { details, omitted } = listEventDetails(message.event.data, detailCount);
  if (details.length === 0) return null;
  const values = details.map((detail) => fitText(detail.value, detailValueChars));
  if (omitted > 0 || values.some((value) => value.truncated)) fit.noteCut(false);
  const lines = details.map((detail, index) => `• ${detail.label}: ${values[index]!.text}`);
  if (omitted > 0) lines.push(`_${describeOmittedDetails(omitted)}_`);
  const heading = "*Details*\n";
  return { type: "section", text: mrkdwn(`${heading}${fit.fitLong(lines.join("\n"), sectionChars - heading.length)}`) };
}

function renderSlackPayload(message: NotificationMessage): RenderedHttpPayload {
  const { event, links } = message;
  // `<url>`: a link Slack cannot run on into the marker's closing bracket.
  const fit = createTextFitter({ eventLink: `<${escapeSlackText(links.event)}>`, transform: escapeSlackText });
  const { emoji, label } = severityStyles[event.severity];
  const blocks: Block[] = [{ type: "header", text: { type: "plain_text", text: fit.fitShort(event.title, headerChars), emoji: true } }];
  if (message.test) blocks.push({ type: "section", text: mrkdwn(`*${sendTestNotice}*`) });
  blocks.push(contextBlock(fit.fitShort(describeSeverityLine(message), sectionChars)));
  if (event.message) blocks.push({ type: "section", text: mrkdwn(fit.fitLong(event.message, sectionChars)) });
  const fields = listMessageFacts(message).map((fact) => {
    const heading = `*${fact.label}*\n`;
    return mrkdwn(`${heading}${fit.fitShort(fact.value, fieldChars - heading.length)}`);
  });
  blocks.push({ type: "section", fields });
  const details = renderDetails(message, fit);
  if (details) blocks.push(details);
  const notice = fit.pendingNotice();
  if (notice) blocks.push(contextBlock(notice));
  blocks.push(contextBlock(fit.fitShort(describeFooter(message), sectionChars)));
  blocks.push({ type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: openInTocsinLabel }, url: links.event, style: "primary" }] });
  const text = fit.fitShort(`${emoji} [${label}] ${event.title}`, fallbackChars);
  return buildHttpPayload(
    { text, blocks },
    { limitBytes: null, limits: "Block Kit: header 150 characters, 3,000 characters a section, 10 fields of 2,000, 50 blocks", truncated: fit.truncated },
  );
}

export const slackChannelKind: ChannelKindModule = {
  kind: "slack",
  label: "Slack",
  render: async (message) => renderSlackPayload(message),
  send: sendToChatWebhook,
};
