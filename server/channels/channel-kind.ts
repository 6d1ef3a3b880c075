import type { Db } from "@/server/db/client";
import type { ChannelSettings, DeliveryChannelKind } from "@/server/db/schema";
import type { NotificationMessage, RenderedPayload } from "./notification-message";
import type { SafeHttpOptions } from "./safe-http";
import type { SendOutcome } from "./send-outcome";

/** The chat kinds: a webhook URL and nothing else to configure. */
export type ChatChannelKind = "slack" | "teams" | "mattermost" | "discord";

/** A channel's secrets, as sealed in `channels.secrets` (server/channels/secret-box.ts). */
export type ChannelSecrets =
  | { kind: "email" }
  | { kind: ChatChannelKind; url: string }
  | {
      kind: "webhook";
      url: string;
      /** `auth: "bearer"`: the token sent as `Authorization: Bearer <token>`. */
      bearerToken: string | null;
      /** `auth: "basic"`: the password (the user name is in the settings). */
      basicPassword: string | null;
      /** Standard Webhooks secret, `whsec_<base64>`. */
      signingSecret: string;
      /** After a rotation: the previous secret, which also signs until `previousSigningSecretExpiresAt`. */
      previousSigningSecret: string | null;
    };

/** What a kind needs to send: the channel's settings and opened secrets. */
export type ChannelForSend = {
  id: string;
  workspaceId: string;
  kind: DeliveryChannelKind;
  settings: ChannelSettings;
  secrets: ChannelSecrets;
  previousSigningSecretExpiresAt: Date | null;
};

export type SendContext = {
  /** The local outbox lives in the database (email kind, embedded mode). */
  db: Db;
  /** The delivery's `msg_…` id: Standard Webhooks' `webhook-id`, stable across retries and replays. */
  messageId: string;
  /** The attempt's time: the `webhook-timestamp`, and what decides whether a previous secret still signs. */
  now: Date;
  /** Tests point the outbound client at their own resolver; production passes nothing. */
  http?: SafeHttpOptions;
};

/** One module per kind (server/channels/kinds/<kind>.ts): how it renders and how it sends. */
export type ChannelKindModule = {
  kind: DeliveryChannelKind;
  label: string;
  render(message: NotificationMessage): Promise<RenderedPayload>;
  send(channel: ChannelForSend, rendered: RenderedPayload, context: SendContext): Promise<SendOutcome>;
};
