import type { Adapter } from "./adapter-result";
import { normaliseAuthentik } from "./adapters/authentik";
import { normaliseCloudEvent } from "./adapters/cloudevents";
import { normaliseDataTheorem } from "./adapters/datatheorem";
import { normaliseGeneric } from "./adapters/generic";
import { normaliseSlack } from "./adapters/slack";
import { normaliseTeams } from "./adapters/teams";

export const ingestFormatIds = ["generic", "cloudevents", "authentik", "datatheorem", "slack", "teams"] as const;
export type IngestFormatId = (typeof ingestFormatIds)[number];

export type IngestFormat = {
  id: IngestFormatId;
  label: string;
  description: string;
  adapter: Adapter;
  /** One paragraph for the sources page: where to paste the ingest URL in that tool. */
  setupHint: string;
  /**
   * Whether a JSON array or NDJSON body is split into several events. Chat webhooks and Data
   * Theorem post one message per request, so for them an array is malformed, not a batch.
   */
  acceptsBatch: boolean;
};

export const ingestFormats: Record<IngestFormatId, IngestFormat> = {
  generic: {
    id: "generic",
    label: "Generic JSON",
    description: "Tocsin's own event format, for scripts and tools you control.",
    adapter: normaliseGeneric,
    setupHint:
      "POST JSON to the URL with the token as a Bearer token (or use the URL that contains the token). A body is one event, a JSON array of up to 1,000 events, or NDJSON with one event per line; type and title are required, and the JSON Schema lists every field. Set externalId so a retried request is counted as a duplicate instead of a second event.",
    acceptsBatch: true,
  },
  cloudevents: {
    id: "cloudevents",
    label: "CloudEvents 1.0",
    description: "CloudEvents in structured JSON mode, one event or a batch.",
    adapter: normaliseCloudEvent,
    setupHint:
      "Configure the producer (Knative, Argo Events, Azure Event Grid, a CloudEvents SDK) to deliver in structured mode to this URL: Content-Type application/cloudevents+json for a single event, application/cloudevents-batch+json for a batch. Binary mode, with attributes in ce-* headers, is not read. The event type becomes the Tocsin type in lowercase, and id plus source deduplicate redeliveries; a severity extension attribute sets the severity.",
    acceptsBatch: true,
  },
  authentik: {
    id: "authentik",
    label: "authentik",
    description: "authentik events: the generic webhook transport's notifications, or full events.",
    adapter: normaliseAuthentik,
    setupHint:
      "In authentik's admin interface go to Events → Notification Transports and create a transport with mode Webhook (generic); paste the URL that contains the token as Webhook URL, since the transport sends no Authorization header unless you add a header mapping. Turn on Send once, or the notification is posted once per member of the rule's group. Then create a notification rule that uses this transport and bind an Event Matcher policy for the actions to forward (login_failed, suspicious_request, …). For the full event with user, client IP and context, add a webhook body mapping that returns the event's fields (pk, action, app, user, context, client_ip, created).",
    acceptsBatch: true,
  },
  datatheorem: {
    id: "datatheorem",
    label: "Data Theorem",
    description: "Data Theorem webhook events: policy violations and discovered network services.",
    adapter: normaliseDataTheorem,
    setupHint:
      "In the Data Theorem portal open the DevSecOps section and add a webhook integration. Use this source's URL with HTTP bearer token authentication and paste the token as the bearer token, or use the URL that contains the token with no authentication. Policy violations opened, resolved and closed as won't fix, and discovered network services, arrive as datatheorem.* events.",
    acceptsBatch: false,
  },
  slack: {
    id: "slack",
    label: "Slack-compatible webhook",
    description: "Messages that tools send to a Slack incoming webhook (text, blocks, attachments).",
    adapter: normaliseSlack,
    setupHint:
      "Wherever the tool asks for a Slack incoming-webhook URL, paste the URL that contains the token. Examples: SecObserve's Slack webhook setting (per product, product group, or for exceptions in Settings); a Grafana contact point of type Slack with the URL as Webhook URL; an authentik notification transport in mode Webhook (Slack/Discord). SecObserve security-gate and exception notices and authentik notifications are recognised and get their own types; anything else arrives as slack.message.",
    acceptsBatch: false,
  },
  teams: {
    id: "teams",
    label: "Microsoft Teams-compatible webhook",
    description: "Messages that tools send to a Teams webhook: MessageCards and Workflows Adaptive Cards.",
    adapter: normaliseTeams,
    setupHint:
      "Wherever the tool asks for a Microsoft Teams webhook URL (an incoming-webhook connector or a Workflows URL), paste the URL that contains the token. Examples: SecObserve's MS Teams webhook setting, a Grafana contact point of type Microsoft Teams. Both legacy MessageCards and Workflows messages with Adaptive Cards are read; SecObserve notices get their own types, anything else arrives as teams.message.",
    acceptsBatch: false,
  },
};

export function isIngestFormatId(value: string): value is IngestFormatId {
  return (ingestFormatIds as readonly string[]).includes(value);
}

/** The format registered under a known id (a source's stored format). */
export function getFormat(id: IngestFormatId): IngestFormat {
  return ingestFormats[id];
}

/** The format registered under `id`, or null for an unknown id. */
export function findIngestFormat(id: string): IngestFormat | null {
  return isIngestFormatId(id) ? ingestFormats[id] : null;
}
