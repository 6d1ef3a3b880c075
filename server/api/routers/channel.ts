import {
  channelRefInput,
  channelTestInput,
  createChannelInput,
  listChannelsInput,
  setChannelEnabledInput,
  updateChannelInput,
} from "@/server/channels/channel-schemas";
import {
  createChannel,
  deleteChannel,
  getChannel,
  listChannels,
  revealSigningSecret,
  rotateSigningSecret,
  setChannelEnabled,
  updateChannel,
  type ChannelActor,
} from "@/server/channels/channels";
import { previewChannelTest, sendChannelTest } from "@/server/deliveries/send-test";
import { createTrpcRouter, workspaceProcedure } from "../trpc";

// Every member may set up personal channels (only they ever see them); shared channels are set up
// by admins and owners and listed, masked, to everyone. The checks live in server/channels/channels.ts.
const actor = (ctx: { workspace: { id: string }; user: { id: string; email: string }; membership: { role: ChannelActor["role"] }; ip?: string | null }): ChannelActor => ({
  workspaceId: ctx.workspace.id,
  userId: ctx.user.id,
  role: ctx.membership.role,
  email: ctx.user.email,
  ip: ctx.ip ?? null,
});

export const channelRouter = createTrpcRouter({
  list: workspaceProcedure.input(listChannelsInput).query(({ ctx, input }) => listChannels(ctx.db, actor(ctx), { usableBy: input.usableBy })),

  get: workspaceProcedure.input(channelRefInput).query(({ ctx, input }) => getChannel(ctx.db, actor(ctx), input.channelId)),

  /** Returns the saved channel, warnings about its URL, and a webhook's signing secret (this once). */
  create: workspaceProcedure.input(createChannelInput).mutation(({ ctx, input }) => {
    const { workspaceSlug: _slug, ...values } = input;
    return createChannel(ctx.db, actor(ctx), values);
  }),

  update: workspaceProcedure.input(updateChannelInput).mutation(({ ctx, input }) => {
    const { workspaceSlug: _slug, ...values } = input;
    return updateChannel(ctx.db, actor(ctx), values);
  }),

  setEnabled: workspaceProcedure.input(setChannelEnabledInput).mutation(({ ctx, input }) => setChannelEnabled(ctx.db, actor(ctx), input.channelId, input.enabled)),

  delete: workspaceProcedure.input(channelRefInput).mutation(({ ctx, input }) => deleteChannel(ctx.db, actor(ctx), input.channelId)),

  // A mutation, not a query: a secret never travels in a GET that caches or proxies might keep.
  revealSigningSecret: workspaceProcedure.input(channelRefInput).mutation(({ ctx, input }) => revealSigningSecret(ctx.db, actor(ctx), input.channelId)),

  rotateSigningSecret: workspaceProcedure.input(channelRefInput).mutation(({ ctx, input }) => rotateSigningSecret(ctx.db, actor(ctx), input.channelId)),

  /** The exact payload the channel would receive for a sample event, and its size against the kind's limit. */
  previewTest: workspaceProcedure.input(channelTestInput).query(({ ctx, input }) => previewChannelTest(ctx.db, actor(ctx), input.channelId, { type: input.type })),

  /** Sends that sample: the receiver's status and the latency (never its body). */
  sendTest: workspaceProcedure.input(channelTestInput).mutation(({ ctx, input }) => sendChannelTest(ctx.db, actor(ctx), input.channelId, { type: input.type })),
});
