import type { CatalogEntry } from "./types";

// Chat-webhook bodies from tools Tocsin does not recognise (Grafana, scripts, CI) still arrive as
// events; these are their types, so a rule can route "anything posted as a Slack message".
export const genericEntries: CatalogEntry[] = [
  {
    type: "slack.message",
    family: "generic",
    label: "Slack-style message",
    description: "A tool posted a Slack-compatible webhook message (text, blocks or attachments) to this source.",
    defaultSeverity: "info",
    example: {
      title: "[FIRING:1] High 5xx rate on checkout",
      message: "checkout-api returns 5xx on 7.2% of requests over the last 5 minutes (threshold 5%).",
      severity: "info",
      actor: "Grafana",
      clientIp: null,
      data: { username: "Grafana", channel: "#alerts", attachmentCount: 1 },
    },
  },
  {
    type: "teams.message",
    family: "generic",
    label: "Teams-style message",
    description: "A tool posted a Microsoft Teams message card or Adaptive Card to this source.",
    defaultSeverity: "info",
    example: {
      title: "Nightly dependency scan finished",
      message: "3 new vulnerable packages found in web-frontend, 1 of them rated high.",
      severity: "info",
      actor: null,
      clientIp: null,
      data: { cardType: "AdaptiveCard", facts: { repository: "web-frontend", newFindings: 3 } },
    },
  },
];
