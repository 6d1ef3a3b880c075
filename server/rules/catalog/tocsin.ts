import type { CatalogEntry } from "./types";

// Events Tocsin raises about itself (origin `system`): its intake watcher and its own health.
// They go through the same rules as ingested events, so people choose how they hear about them.
export const tocsinEntries: CatalogEntry[] = [
  {
    type: "intake.silent",
    family: "tocsin",
    alsoIn: ["sekoia"],
    label: "No events received",
    description: "A source that usually sends events has been quiet for longer than its silence threshold.",
    defaultSeverity: "medium",
    example: {
      title: "No events from \"authentik production\" for 2 h",
      message: "The last event arrived on 4 Mar 2025 at 08:15 UTC; this source is expected to send something at least every 2 h.",
      severity: "medium",
      actor: null,
      clientIp: null,
      data: {
        sourceId: "0195a3c2-7f4e-7b21-9c3d-5e8f0a1b2c3d",
        sourceName: "authentik production",
        silenceAfterSeconds: 7200,
        lastEventAt: "2025-03-04T08:15:00.000Z",
        silentSince: "2025-03-04T10:15:42.000Z",
      },
    },
  },
  {
    type: "intake.resumed",
    family: "tocsin",
    label: "Events received again",
    description: "A source that had gone silent past its threshold is sending events again, which ends its silent period.",
    defaultSeverity: "info",
    example: {
      title: "Events from \"authentik production\" are arriving again",
      message: "An event arrived on 4 Mar 2025 at 11:02 UTC after being silent since 4 Mar 2025 at 10:15 UTC.",
      severity: "info",
      actor: null,
      clientIp: null,
      data: {
        sourceId: "0195a3c2-7f4e-7b21-9c3d-5e8f0a1b2c3d",
        sourceName: "authentik production",
        silenceAfterSeconds: 7200,
        lastEventAt: "2025-03-04T11:02:07.000Z",
        silentSince: "2025-03-04T10:15:42.000Z",
      },
    },
  },
  {
    type: "channel.disabled",
    family: "tocsin",
    label: "Channel disabled",
    description: "Tocsin switched a notification channel off after it kept failing, so nothing is sent there until it is fixed.",
    defaultSeverity: "high",
    example: {
      title: "Slack channel \"#secops\" disabled",
      message: "The last 10 deliveries failed with HTTP 404 (no_service); the webhook URL has probably been revoked.",
      severity: "high",
      actor: null,
      clientIp: null,
      data: { channelName: "#secops", channelKind: "slack", consecutiveFailures: 10, reason: "HTTP 404 no_service" },
    },
  },
  {
    type: "delivery.failed",
    family: "tocsin",
    label: "Delivery failed",
    description: "A notification could not be delivered to a channel, even after every retry.",
    defaultSeverity: "medium",
    example: {
      title: "Could not deliver to webhook \"SOAR intake\"",
      message: "5 attempts over 31 minutes timed out; the notification for \"New alert: PowerShell download cradle\" was not delivered.",
      severity: "medium",
      actor: null,
      clientIp: null,
      data: { channelName: "SOAR intake", channelKind: "webhook", attempts: 5, lastError: "timeout after 10000 ms", eventType: "alert.created" },
    },
  },
  {
    type: "system.exception",
    family: "tocsin",
    label: "Tocsin error",
    description: "Tocsin hit an unexpected error in a background job or request and logged it.",
    defaultSeverity: "high",
    example: {
      title: "Error in job \"retention purge\"",
      message: "The daily retention purge stopped: canceling statement due to statement timeout.",
      severity: "high",
      actor: null,
      clientIp: null,
      data: { job: "retention-purge", error: "canceling statement due to statement timeout" },
    },
  },
];
