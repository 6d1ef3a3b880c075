import { randomBytes } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { findEditableChannel, type ChannelActor } from "@/server/channels/channels";
import { openChannelForSend } from "@/server/channels/channel-for-send";
import { getChannelKindModule } from "@/server/channels/kinds";
import type { RenderedPayload } from "@/server/channels/notification-message";
import type { SafeHttpOptions } from "@/server/channels/safe-http";
import { buildSampleMessage } from "@/server/channels/sample-message";
import { getConfiguredOrigin } from "@/server/config/runtime";
import type { Db } from "@/server/db/client";
import { communities, workspaces } from "@/server/db/schema";
import { classifySendOutcome } from "./classify-send-outcome";

/*
 * A channel's send test: the exact payload the channel would receive for a sample event (a
 * catalog example, marked as a test), its size against the kind's limit, and — when sent —
 * the receiver's status and the latency. Whoever may change the channel may test it. Nothing is
 * logged as a delivery: a test is not a notification.
 */

export type TestOptions = { type?: string; http?: SafeHttpOptions };

async function renderTest(db: Db, actor: ChannelActor, channelId: string, type: string | undefined) {
  const channel = await findEditableChannel(db, actor, channelId);
  const [workspace] = await db
    .select({ id: workspaces.id, slug: workspaces.slug, name: workspaces.name, mode: workspaces.mode })
    .from(workspaces)
    .where(eq(workspaces.id, actor.workspaceId));
  const [community] = await db
    .select({ id: communities.id, name: communities.name })
    .from(communities)
    .where(eq(communities.workspaceId, actor.workspaceId))
    .orderBy(asc(communities.createdAt))
    .limit(1);
  const messageId = `msg_test_${randomBytes(12).toString("hex")}`;
  const message = buildSampleMessage({ workspace: workspace!, community: community ?? null, appUrl: getConfiguredOrigin(), messageId, now: new Date(), type });
  const kind = getChannelKindModule(channel.kind);
  return { channel, messageId, kind, rendered: await kind.render(message) };
}

/** What the channel would receive, and how big it is against the kind's limit. */
export async function previewChannelTest(db: Db, actor: ChannelActor, channelId: string, options: TestOptions = {}): Promise<RenderedPayload> {
  return (await renderTest(db, actor, channelId, options.type)).rendered;
}

/** Renders and sends the sample, answering with what the receiver said (status and latency, never its body). */
export async function sendChannelTest(db: Db, actor: ChannelActor, channelId: string, options: TestOptions = {}) {
  const { channel, messageId, kind, rendered } = await renderTest(db, actor, channelId, options.type);
  const outcome = await kind.send(openChannelForSend(channel), rendered, { db, messageId, now: new Date(), http: options.http });
  const verdict = classifySendOutcome(outcome);
  return {
    rendered,
    result: {
      outcome: verdict.result,
      statusCode: verdict.statusCode,
      latencyMs: outcome.latencyMs,
      errorClass: verdict.result === "delivered" ? null : verdict.errorClass,
      error: verdict.result === "delivered" ? null : verdict.error,
    },
  };
}
