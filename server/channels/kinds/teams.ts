import type { Severity } from "@/server/db/schema";
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
  openInTocsinLabel,
  roomyTextBudgets,
  sendTestNotice,
  type TextBudget,
} from "./message-facts";
import { neutraliseMarkdown } from "./neutralise-markdown";

/** Teams refuses a Workflows webhook body over 28 KB. */
export const teamsLimitBytes = 28_000;

const titleChars = 300;
const factChars = 300;
const detailLabelChars = 100;

// Adaptive Card text colours: https://adaptivecards.io/explorer/TextBlock.html
const severityColors: Record<Severity, string> = { info: "Accent", low: "Good", medium: "Warning", high: "Attention", critical: "Attention" };

type Element = Record<string, unknown>;

const textBlock = (text: string, style: Element = {}): Element => ({ type: "TextBlock", text, wrap: true, ...style });

/** `<at>` only mentions with an entity Tocsin never sends, but broken it cannot even look like one. */
function neutraliseTeamsText(text: string): string {
  return neutraliseMarkdown(text).replace(/<(\/?at)\b/gi, "<\u200b$1");
}

function renderCard(message: NotificationMessage, budget: TextBudget): RenderedHttpPayload {
  const { event, links } = message;
  const fit = createTextFitter({ eventLink: links.event, transform: neutraliseTeamsText });
  const body: Element[] = [];
  if (message.test) body.push(textBlock(sendTestNotice, { weight: "Bolder", color: "Accent" }));
  body.push(textBlock(fit.fitShort(describeSeverityLine(message), titleChars), { weight: "Bolder", color: severityColors[event.severity] }));
  body.push(textBlock(fit.fitShort(event.title, titleChars), { size: "Large", weight: "Bolder" }));
  if (event.message) body.push(textBlock(fit.fitLong(event.message, budget.message)));
  body.push({ type: "FactSet", facts: listMessageFacts(message).map((fact) => ({ title: fact.label, value: fit.fitShort(fact.value, factChars) })) });
  const { details, omitted } = listEventDetails(event.data, budget.details);
  if (details.length > 0) {
    body.push(textBlock("Details", { weight: "Bolder", spacing: "Medium" }));
    body.push({ type: "FactSet", facts: details.map((detail) => ({ title: fit.fitShort(detail.label, detailLabelChars), value: fit.fitShort(detail.value, budget.detailValue) })) });
  }
  if (omitted > 0) {
    fit.noteCut(false);
    body.push(textBlock(describeOmittedDetails(omitted), { isSubtle: true }));
  }
  const notice = fit.pendingNotice();
  if (notice) body.push(textBlock(notice, { isSubtle: true }));
  body.push(textBlock(fit.fitShort(describeFooter(message), titleChars), { isSubtle: true, size: "Small", spacing: "Medium" }));
  const card = {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: "1.4",
    body,
    actions: [{ type: "Action.OpenUrl", title: openInTocsinLabel, url: links.event }],
  };
  return buildHttpPayload(
    { type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: card }] },
    { limitBytes: teamsLimitBytes, limits: "Adaptive Card in a Workflows webhook: 28 KB a message", truncated: fit.truncated },
  );
}

export const teamsChannelKind: ChannelKindModule = {
  kind: "teams",
  label: "Microsoft Teams",
  render: async (message) => renderWithinLimit(roomyTextBudgets, (budget) => renderCard(message, budget), (payload) => payload.bytes, teamsLimitBytes),
  send: sendToChatWebhook,
};
