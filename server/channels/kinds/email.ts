import { performance } from "node:perf_hooks";
import { Resend, type ErrorResponse } from "resend";
import { isMailOutboxEnabled } from "@/server/config/runtime";
import { mailOutbox } from "@/server/db/schema";
import { readMailFrom } from "@/server/mail/mail-from";
import type { ChannelForSend, ChannelKindModule, SendContext } from "../channel-kind";
import type { NotificationMessage, RenderedEmail, RenderedPayload } from "../notification-message";
import { parseRetryAfter } from "../safe-http";
import type { SendOutcome } from "../send-outcome";
import { countUtf8Bytes, createTextFitter, fitText } from "../truncate";
import { renderNotificationEmail } from "./email-template";
import {
  describeOmittedDetails,
  describeSeverityLine,
  listEventDetails,
  listMessageFacts,
  openInTocsinLabel,
  sendTestNotice,
  severityStyles,
} from "./message-facts";

const subjectChars = 200;
const messageChars = 5_000;
const titleChars = 500;
const factChars = 500;
const detailCount = 40;
const detailLabelChars = 100;
const detailValueChars = 300;

/** The reason line of the footer: which rule sent it, or that it is a test. */
function describeReason(message: NotificationMessage): string {
  const { rule, workspace, community } = message;
  const where = workspace.mode === "multi" && community ? `${workspace.name} (${community.name})` : workspace.name;
  if (message.test) return `A send test of one of your channels in ${workspace.name}.`;
  if (rule) return `You receive this because the rule “${rule.name}” matched an event in ${where}.`;
  return `Sent by Tocsin for ${where}.`;
}

async function renderEmail(message: NotificationMessage): Promise<RenderedEmail> {
  const { event, links } = message;
  const fit = createTextFitter({ eventLink: links.event });
  const { label, color } = severityStyles[event.severity];
  // One line: a subject is a header, and the title is someone else's text.
  const subject = fit.fitShort(`${message.test ? "[TEST] " : ""}[${label}] ${event.title}`.replace(/\s+/g, " ").trim(), subjectChars);
  const { details, omitted } = listEventDetails(event.data, detailCount);
  if (omitted > 0) fit.noteCut(false);
  const title = fit.fitShort(event.title, titleChars);
  const body = event.message === null ? null : fit.fitLong(event.message, messageChars);
  const facts = listMessageFacts(message).map((fact) => ({ label: fact.label, value: fit.fitShort(fact.value, factChars) }));
  const shownDetails = details.map((detail) => ({ label: fit.fitShort(detail.label, detailLabelChars), value: fit.fitShort(detail.value, detailValueChars) }));
  const { html, text } = await renderNotificationEmail({
    // The inbox's one-line preview: cut as a preview is, not as content.
    preview: fitText((event.message ?? event.title).replace(/\s+/g, " "), 140).text,
    severityLine: describeSeverityLine(message),
    severityColor: color,
    testNotice: message.test ? sendTestNotice : null,
    title,
    message: body,
    facts,
    details: shownDetails,
    omittedDetails: omitted > 0 ? describeOmittedDetails(omitted) : null,
    // Read last: every cut above has been made by now.
    truncationNotice: fit.pendingNotice(),
    eventUrl: links.event,
    actionLabel: openInTocsinLabel,
    reason: describeReason(message),
    ruleUrl: links.rule,
    inboxUrl: links.inbox,
  });
  return {
    kind: "email",
    subject,
    html,
    text,
    bytes: countUtf8Bytes(html) + countUtf8Bytes(text),
    limitBytes: null,
    limits: "Subject: 200 characters; message: 5,000 characters",
    truncated: fit.truncated,
  };
}

// Resend's documented statuses, for errors that arrive without one.
const resendErrorStatuses: Record<ErrorResponse["name"], number> = {
  invalid_idempotency_key: 400,
  validation_error: 422,
  missing_api_key: 401,
  restricted_api_key: 401,
  invalid_api_key: 403,
  invalid_access: 422,
  not_found: 404,
  method_not_allowed: 405,
  invalid_idempotent_request: 409,
  concurrent_idempotent_requests: 409,
  invalid_attachment: 422,
  invalid_from_address: 422,
  invalid_parameter: 422,
  invalid_region: 422,
  missing_required_field: 422,
  monthly_quota_exceeded: 429,
  daily_quota_exceeded: 429,
  rate_limit_exceeded: 429,
  security_error: 451,
  application_error: 500,
  internal_server_error: 500,
};

function requireEmail(rendered: RenderedPayload): RenderedEmail {
  if (rendered.kind !== "email") throw new Error(`An email channel was handed a rendered ${rendered.kind} payload`);
  return rendered;
}

async function sendEmail(channel: ChannelForSend, rendered: RenderedPayload, context: SendContext): Promise<SendOutcome> {
  const { subject, html, text } = requireEmail(rendered);
  if (channel.settings.kind !== "email") throw new Error(`Channel ${channel.id} has no email settings`);
  const { recipients } = channel.settings;
  const from = await readMailFrom(context.db);
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  if (isMailOutboxEnabled()) {
    await context.db.insert(mailOutbox).values(recipients.map((to) => ({ to, from, subject, text, html })));
    return { kind: "answered", status: 202, latencyMs: latency(), retryAfterMs: null };
  }
  try {
    const resend = new Resend(process.env.RESEND_API_KEY);
    const { error, headers } = await resend.emails.send(
      { from, to: recipients, subject, html, text, headers: { "X-Entity-Ref-ID": context.messageId } },
      // A retry of the same delivery is the same email to Resend: sent once.
      { idempotencyKey: context.messageId },
    );
    if (!error) return { kind: "answered", status: 200, latencyMs: latency(), retryAfterMs: null };
    // The SDK reports a request that never got an answer as an application_error without a status.
    if (error.statusCode === null && error.name === "application_error") {
      return { kind: "failed", errorClass: "email_provider_error", message: "Could not reach the email provider", latencyMs: latency() };
    }
    const status = error.statusCode ?? resendErrorStatuses[error.name] ?? 500;
    return { kind: "answered", status, latencyMs: latency(), retryAfterMs: parseRetryAfter(headers?.["retry-after"], context.now.getTime()) };
  } catch {
    return { kind: "failed", errorClass: "email_provider_error", message: "The email provider could not be reached", latencyMs: latency() };
  }
}

export const emailChannelKind: ChannelKindModule = {
  kind: "email",
  label: "Email",
  render: renderEmail,
  send: sendEmail,
};
