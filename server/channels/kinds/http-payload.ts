import type { ChannelForSend, SendContext } from "../channel-kind";
import type { RenderedHttpPayload, RenderedPayload } from "../notification-message";
import { safePost } from "../safe-http";
import type { SendOutcome } from "../send-outcome";
import { countUtf8Bytes } from "../truncate";

/** A JSON body as the HTTP kinds send it, with its size against the receiver's limit. */
export function buildHttpPayload(body: unknown, options: { limitBytes: number | null; limits: string; truncated: boolean }): RenderedHttpPayload {
  const text = JSON.stringify(body);
  return { kind: "http", contentType: "application/json", body: text, bytes: countUtf8Bytes(text), ...options };
}

/** The HTTP kinds send only what an HTTP kind rendered: anything else is a wiring mistake. */
export function requireHttpPayload(rendered: RenderedPayload): RenderedHttpPayload {
  if (rendered.kind !== "http") throw new Error(`An HTTP channel was handed a rendered ${rendered.kind} payload`);
  return rendered;
}

/** The chat kinds: the rendered JSON to the channel's incoming-webhook URL, nothing else. */
export async function sendToChatWebhook(channel: ChannelForSend, rendered: RenderedPayload, context: SendContext): Promise<SendOutcome> {
  const { secrets } = channel;
  if (secrets.kind !== channel.kind || !("url" in secrets)) throw new Error(`Channel ${channel.id} has no webhook URL among its secrets`);
  return safePost(secrets.url, requireHttpPayload(rendered).body, { "content-type": "application/json" }, context.http);
}
