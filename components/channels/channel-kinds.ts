import type { DeliveryChannelKind } from "@/server/db/schema/channels";

/** What the channel pages say about each kind: its name, its badge, and where its URL comes from. */
export type ChannelKindInfo = {
  label: string;
  /** One or two letters for the badge. */
  letter: string;
  badgeClass: string;
  /** One line on where to get the URL (or, for email, what it does). */
  setupHint: string;
};

export const channelKindInfo: Record<DeliveryChannelKind, ChannelKindInfo> = {
  email: {
    label: "Email",
    letter: "@",
    badgeClass: "bg-zinc-700 text-white",
    setupHint: "A message to chosen addresses, with the event and a link back to it.",
  },
  slack: {
    label: "Slack",
    letter: "S",
    badgeClass: "bg-[#4A154B] text-white",
    setupHint: "An incoming webhook of a Slack app: api.slack.com/apps → your app → Incoming Webhooks → Add New Webhook.",
  },
  teams: {
    label: "Microsoft Teams",
    letter: "T",
    badgeClass: "bg-[#4B53BC] text-white",
    setupHint:
      "A Workflows webhook: in the channel, Workflows → “Post to a channel when a webhook request is received”. Not an Office 365 connector, which Microsoft retired.",
  },
  mattermost: {
    label: "Mattermost",
    letter: "M",
    badgeClass: "bg-[#1E325C] text-white",
    setupHint: "Integrations → Incoming webhooks → Add incoming webhook, then copy its URL.",
  },
  discord: {
    label: "Discord",
    letter: "D",
    badgeClass: "bg-[#5865F2] text-white",
    setupHint: "Channel settings → Integrations → Webhooks → New Webhook → Copy Webhook URL.",
  },
  webhook: {
    label: "Webhook",
    letter: "{}",
    badgeClass: "bg-emerald-700 text-white",
    setupHint: "Any HTTPS endpoint of yours: a documented JSON body, signed with Standard Webhooks, optionally with an Authorization header.",
  },
};
