import type { ChannelKindModule } from "../channel-kind";
import type { NotificationMessage, RenderedHttpPayload } from "../notification-message";
import { createTextFitter, renderWithinLimit } from "../truncate";
import { buildHttpPayload, sendToChatWebhook } from "./http-payload";
import {
  describeFooter,
  describeOmittedDetails,
  describeSeverityLine,
  listEventDetails,
  listMessageFacts,
  sendTestNotice,
  severityStyles,
  type TextBudget,
} from "./message-facts";
import { neutraliseMarkdown } from "./neutralise-markdown";

// Discord's embed limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
export const discordLimits = { content: 2_000, title: 256, description: 4_096, fields: 25, fieldName: 256, fieldValue: 1_024, footer: 2_048, embedTotal: 6_000 };

const factChars = 300;
/** Tocsin's own one-line texts (severity line, footer): short, but they carry names people chose. */
const lineChars = 300;
const detailLabelChars = 100;

// From generous to bare: the last one fits 6,000 characters whatever the event holds.
const budgets: readonly TextBudget[] = [
  { message: 3_000, details: 24, detailValue: 200 },
  { message: 1_500, details: 8, detailValue: 120 },
  { message: 600, details: 3, detailValue: 80 },
  { message: 300, details: 0, detailValue: 0 },
];

type EmbedField = { name: string; value: string; inline: boolean };
type Embed = { title: string; url: string; description?: string; color: number; fields: EmbedField[]; footer: { text: string }; timestamp: string };

/** What Discord counts toward an embed's 6,000 characters. */
export function countEmbedText(embed: Embed): number {
  return embed.title.length + (embed.description?.length ?? 0) + embed.footer.text.length + embed.fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0);
}

function renderEmbed(message: NotificationMessage, budget: TextBudget): { embed: Embed; content: string; truncated: boolean } {
  const { event, links } = message;
  const fit = createTextFitter({ eventLink: links.event, transform: neutraliseMarkdown });
  const fields: EmbedField[] = listMessageFacts(message).map((fact) => ({ name: fact.label, value: fit.fitShort(fact.value, factChars), inline: true }));
  const { details, omitted } = listEventDetails(event.data, Math.min(budget.details, discordLimits.fields - fields.length));
  for (const detail of details) fields.push({ name: fit.fitShort(detail.label, detailLabelChars), value: fit.fitShort(detail.value, budget.detailValue), inline: false });
  if (omitted > 0) fit.noteCut(false);
  const title = fit.fitShort(event.title, discordLimits.title);
  const footer = fit.fitShort(describeFooter(message), lineChars);
  const content = [message.test ? `**${sendTestNotice}**` : null, fit.fitShort(describeSeverityLine(message), lineChars)].filter(Boolean).join("\n");
  const description = [event.message ? fit.fitLong(event.message, budget.message) : null, omitted > 0 ? `*${describeOmittedDetails(omitted)}*` : null, fit.pendingNotice()]
    .filter(Boolean)
    .join("\n\n");
  const embed: Embed = { title, url: links.event, ...(description ? { description } : {}), color: Number.parseInt(severityStyles[event.severity].color.slice(1), 16), fields, footer: { text: footer }, timestamp: event.occurredAt };
  return { embed, content, truncated: fit.truncated };
}

function renderDiscordPayload(message: NotificationMessage): RenderedHttpPayload {
  const { embed, content, truncated } = renderWithinLimit(budgets, (budget) => renderEmbed(message, budget), (result) => countEmbedText(result.embed), discordLimits.embedTotal);
  return buildHttpPayload(
    // No parse: whatever the text says, nobody and no role is pinged.
    { content, embeds: [embed], allowed_mentions: { parse: [] } },
    { limitBytes: null, limits: "Embeds: 2,000 characters of content, 6,000 in the embed (description 4,096, 25 fields of 1,024)", truncated },
  );
}

export const discordChannelKind: ChannelKindModule = {
  kind: "discord",
  label: "Discord",
  render: async (message) => renderDiscordPayload(message),
  send: sendToChatWebhook,
};
