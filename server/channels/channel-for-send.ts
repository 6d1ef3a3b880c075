import type { channels } from "@/server/db/schema";
import type { ChannelForSend, ChannelSecrets } from "./channel-kind";
import { openSecrets } from "./secret-box";

type ChannelRow = typeof channels.$inferSelect;

/** A stored channel with its secrets opened, as a kind's `send` takes it. Never logged, never returned by the API. */
export function openChannelForSend(row: ChannelRow): ChannelForSend {
  const secrets = openSecrets<ChannelSecrets>({ secrets: row.secrets, secretsKeyId: row.secretsKeyId }, { workspaceId: row.workspaceId, channelId: row.id });
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    kind: row.kind,
    settings: row.settings,
    secrets,
    previousSigningSecretExpiresAt: row.previousSigningSecretExpiresAt,
  };
}
