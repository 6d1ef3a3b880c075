import { z } from "zod";
import { eventOrigins } from "@/server/db/schema/ingest";
import { batchReasons } from "@/server/db/schema/noise";
import { severities } from "@/server/events/severities";
import type { ChannelForSend, ChannelKindModule, SendContext } from "../channel-kind";
import type { NotificationMessage, RenderedHttpPayload, RenderedPayload } from "../notification-message";
import { safePost } from "../safe-http";
import type { SendOutcome } from "../send-outcome";
import { createTextFitter, renderWithinLimit } from "../truncate";
import { listSigningSecrets, signWebhookPayload } from "../webhook-signature";
import { buildHttpPayload, requireHttpPayload } from "./http-payload";

/** Receivers are promised bodies of at most 256 KiB. */
export const webhookLimitBytes = 262_144;

const nullableText = (description: string) => z.string().nullable().meta({ description });
const idAndName = (what: string) => z.strictObject({ id: z.string(), name: z.string() }).meta({ description: what });

/**
 * The body of every custom-webhook POST: the documentation receivers code against (published as
 * JSON Schema). Signed with Standard Webhooks headers; `id` equals `webhook-id`, so a receiver
 * that has seen it already can drop a retry.
 */
export const webhookNotificationSchema = z
  .strictObject({
    type: z.literal("tocsin.notification"),
    version: z.literal(1),
    id: z.string().meta({ description: "The delivery's message id (msg_…), also sent as webhook-id: the same on every retry and replay." }),
    timestamp: z.iso.datetime().meta({ description: "When this body was rendered (UTC)." }),
    test: z.boolean().meta({ description: "True for a channel's send test: the event is a sample and no rule matched it." }),
    event: z.strictObject({
      id: z.string(),
      type: z.string().meta({ description: "Dotted event type, e.g. authentik.login_failed." }),
      typeLabel: nullableText("The catalog's label for the type, when Tocsin knows the type."),
      severity: z.enum(severities),
      title: z.string(),
      message: nullableText("The event's text."),
      actor: nullableText("Who did it, as the source names them."),
      clientIp: nullableText("The IP address the action came from."),
      occurredAt: z.iso.datetime(),
      receivedAt: z.iso.datetime(),
      externalId: nullableText("The source's own id for the event."),
      fingerprint: nullableText("The key the rule's throttle groups events by."),
      origin: z.enum(eventOrigins).meta({ description: "ingest: sent by a source; system: raised by Tocsin; audit: a change made in Tocsin." }),
      sourceName: nullableText("The intake source's name; null for Tocsin's own events."),
      data: z.record(z.string(), z.unknown()).nullable().meta({ description: "What the source format extracted; null when the body would exceed 256 KiB." }),
    }),
    rule: idAndName("The rule that matched; null for a send test.").nullable(),
    workspace: z.strictObject({ id: z.string(), slug: z.string(), name: z.string() }),
    community: idAndName("Where the event arrived; null for workspace-level events.").nullable(),
    links: z.strictObject({ event: z.url(), inbox: z.url(), rule: z.url().nullable() }),
    suppressed: z
      .number()
      .int()
      .min(0)
      .meta({ description: "Matches of the same rule and fingerprint the rule's throttle held back since it last notified (0 for none)." }),
    summary: z
      .strictObject({
        reason: z.enum(batchReasons).meta({ description: "digest: the rule's digest window; quiet_hours: the channel owner's quiet hours ended; maintenance: the source's maintenance window ended." }),
        count: z.number().int().min(1).meta({ description: "How many notifications were held (events lists the first ones)." }),
        from: z.iso.datetime(),
        to: z.iso.datetime(),
        events: z.array(
          z.strictObject({ id: z.string(), type: z.string(), severity: z.enum(severities), title: z.string(), receivedAt: z.iso.datetime(), link: z.url() }),
        ),
      })
      .nullable()
      .meta({ description: "Held notifications sent as one; `event` then describes the summary. Null for a single event." }),
    truncated: z.boolean().meta({ description: "True when data was dropped or long strings were cut (ending in a marker with the event's link) to stay within 256 KiB." }),
  })
  .meta({ title: "Tocsin webhook notification" });
export type WebhookNotification = z.infer<typeof webhookNotificationSchema>;

// From whole to bare: data goes first, then long strings are cut ever shorter.
const budgets = [
  { keepData: true, maxString: Infinity },
  { keepData: false, maxString: Infinity },
  { keepData: false, maxString: 65_536 },
  { keepData: false, maxString: 8_192 },
  { keepData: false, maxString: 1_024 },
] as const;
type Budget = (typeof budgets)[number];

function buildBody(message: NotificationMessage, renderedAt: Date, budget: Budget): WebhookNotification {
  const fit = createTextFitter({ eventLink: message.links.event });
  const cut = (value: string) => (budget.maxString === Infinity ? value : fit.fitLong(value, budget.maxString));
  const cutNullable = (value: string | null) => (value === null ? null : cut(value));
  const { event, rule, workspace, community } = message;
  return {
    type: "tocsin.notification",
    version: 1,
    id: message.messageId,
    timestamp: renderedAt.toISOString(),
    test: message.test,
    event: {
      id: event.id,
      type: event.type,
      typeLabel: cutNullable(event.typeLabel),
      severity: event.severity,
      title: cut(event.title),
      message: cutNullable(event.message),
      actor: cutNullable(event.actor),
      clientIp: event.clientIp,
      occurredAt: event.occurredAt,
      receivedAt: event.receivedAt,
      externalId: cutNullable(event.externalId),
      fingerprint: cutNullable(event.fingerprint),
      origin: event.origin,
      sourceName: cutNullable(event.sourceName),
      data: budget.keepData ? event.data : null,
    },
    rule: rule && { id: rule.id, name: cut(rule.name) },
    workspace: { id: workspace.id, slug: workspace.slug, name: cut(workspace.name) },
    community: community && { id: community.id, name: cut(community.name) },
    links: message.links,
    suppressed: message.suppressed,
    summary: message.summary && { ...message.summary, events: message.summary.events.map((e) => ({ ...e, title: cut(e.title) })) },
    // Read last: every cut above has been made by now.
    truncated: fit.truncated || (!budget.keepData && event.data !== null),
  };
}

function renderWebhookPayload(message: NotificationMessage): RenderedHttpPayload {
  const renderedAt = new Date();
  return renderWithinLimit(
    budgets,
    (budget) => {
      const body = buildBody(message, renderedAt, budget);
      return buildHttpPayload(body, { limitBytes: webhookLimitBytes, limits: "256 KiB a body", truncated: body.truncated });
    },
    (payload) => payload.bytes,
    webhookLimitBytes,
  );
}

function buildAuthorization(channel: ChannelForSend, secrets: { bearerToken: string | null; basicPassword: string | null }): Record<string, string> {
  const { settings } = channel;
  if (settings.kind !== "webhook" || settings.auth === "none") return {};
  if (settings.auth === "bearer") {
    if (!secrets.bearerToken) throw new Error(`Webhook channel ${channel.id} uses a bearer token but has none`);
    return { authorization: `Bearer ${secrets.bearerToken}` };
  }
  if (secrets.basicPassword === null) throw new Error(`Webhook channel ${channel.id} uses basic authentication but has no password`);
  return { authorization: `Basic ${Buffer.from(`${settings.basicUsername ?? ""}:${secrets.basicPassword}`).toString("base64")}` };
}

async function sendWebhook(channel: ChannelForSend, rendered: RenderedPayload, context: SendContext): Promise<SendOutcome> {
  const { secrets } = channel;
  if (secrets.kind !== "webhook") throw new Error(`Channel ${channel.id} has no webhook secrets`);
  const { body } = requireHttpPayload(rendered);
  const signature = signWebhookPayload({
    id: context.messageId,
    timestamp: context.now,
    body,
    secrets: listSigningSecrets(secrets, channel.previousSigningSecretExpiresAt, context.now),
  });
  return safePost(secrets.url, body, { "content-type": "application/json", ...signature, ...buildAuthorization(channel, secrets) }, context.http);
}

export const webhookChannelKind: ChannelKindModule = {
  kind: "webhook",
  label: "Webhook",
  render: async (message) => renderWebhookPayload(message),
  send: sendWebhook,
};
