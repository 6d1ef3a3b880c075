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
  roomyTextBudgets,
  sendTestNotice,
  severityStyles,
  type TextBudget,
} from "./message-facts";
import { neutraliseMarkdown } from "./neutralise-markdown";

/** Mattermost's post limit, counted over every text of the message and its attachment. */
export const mattermostTextLimit = 16_383;

const titleChars = 250;
const factChars = 300;
const detailLabelChars = 100;

type Field = { title: string; value: string; short: boolean };
type MattermostPayload = {
  text?: string;
  attachments: [{ fallback: string; color: string; pretext: string; title: string; title_link: string; text: string; fields: Field[]; footer: string }];
};

function countText(payload: MattermostPayload): number {
  const [attachment] = payload.attachments;
  const fieldChars = attachment.fields.reduce((sum, field) => sum + field.title.length + field.value.length, 0);
  return (payload.text?.length ?? 0) + attachment.fallback.length + attachment.pretext.length + attachment.title.length + attachment.text.length + fieldChars + attachment.footer.length;
}

function renderAttachment(message: NotificationMessage, budget: TextBudget): { payload: MattermostPayload; truncated: boolean } {
  const { event, links } = message;
  const fit = createTextFitter({ eventLink: links.event, transform: neutraliseMarkdown });
  const { label, color } = severityStyles[event.severity];
  const fields: Field[] = listMessageFacts(message).map((fact) => ({ title: fact.label, value: fit.fitShort(fact.value, factChars), short: true }));
  const { details, omitted } = listEventDetails(event.data, budget.details);
  for (const detail of details) fields.push({ title: fit.fitShort(detail.label, detailLabelChars), value: fit.fitShort(detail.value, budget.detailValue), short: true });
  if (omitted > 0) fit.noteCut(false);
  const fallback = fit.fitShort(`[${label}] ${event.title}`, titleChars);
  const pretext = fit.fitShort(describeSeverityLine(message), titleChars);
  const title = fit.fitShort(event.title, titleChars);
  const footer = fit.fitShort(describeFooter(message), titleChars);
  const messageText = event.message ? fit.fitLong(event.message, budget.message) : null;
  // Last: the notice is needed only if nothing above showed the marker.
  const text = [messageText, omitted > 0 ? `_${describeOmittedDetails(omitted)}_` : null, fit.pendingNotice()].filter(Boolean).join("\n\n");
  const attachment = { fallback, color, pretext, title, title_link: links.event, text, fields, footer };
  return { payload: { ...(message.test ? { text: `**${sendTestNotice}**` } : {}), attachments: [attachment] }, truncated: fit.truncated };
}

function renderMattermostPayload(message: NotificationMessage): RenderedHttpPayload {
  const { payload, truncated } = renderWithinLimit(roomyTextBudgets, (budget) => renderAttachment(message, budget), (result) => countText(result.payload), mattermostTextLimit);
  return buildHttpPayload(payload, { limitBytes: null, limits: "Attachments: 16,383 characters a message", truncated });
}

export const mattermostChannelKind: ChannelKindModule = {
  kind: "mattermost",
  label: "Mattermost",
  render: async (message) => renderMattermostPayload(message),
  send: sendToChatWebhook,
};
