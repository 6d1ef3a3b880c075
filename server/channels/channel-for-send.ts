import type { channels } from "@/server/db/schema";
import { BoundedCache } from "@/server/rules/bounded-cache";
import type { ChannelForSend, ChannelSecrets } from "./channel-kind";
import { openSecrets } from "./secret-box";

type ChannelRow = typeof channels.$inferSelect;

/*
 * Busy channels are sent to hundreds of times a second: their opened secrets are kept, keyed by
 * the sealed value itself, so a change (which seals anew, with a fresh nonce) is never served
 * stale. The process holds the key anyway; the cache is bounded and never leaves memory.
 */
const opened = new BoundedCache<string, ChannelSecrets>(1_000);

/** A stored channel with its secrets opened, as a kind's `send` takes it. Never logged, never returned by the API. */
export function openChannelForSend(row: ChannelRow): ChannelForSend {
  const cacheKey = `${row.workspaceId}/${row.id}/${row.secretsKeyId}/${row.secrets}`;
  let secrets = opened.get(cacheKey);
  if (!secrets) {
    secrets = openSecrets<ChannelSecrets>({ secrets: row.secrets, secretsKeyId: row.secretsKeyId }, { workspaceId: row.workspaceId, channelId: row.id });
    opened.set(cacheKey, secrets);
  }
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    kind: row.kind,
    settings: row.settings,
    secrets,
    previousSigningSecretExpiresAt: row.previousSigningSecretExpiresAt,
  };
}
