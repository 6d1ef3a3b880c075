import type { ChannelActor } from "@/server/channels/channels";
import type { Role } from "@/server/db/schema";
import { deliveryRefInput, listDeliveriesInput, replayFailedDeliveriesInput } from "@/server/deliveries/delivery-schemas";
import { getDelivery, listDeliveries, replayDelivery, replayFailedDeliveries } from "@/server/deliveries/deliveries";
import { createTrpcRouter, workspaceProcedure } from "../trpc";

// The delivery log: whoever sees a channel sees its deliveries; whoever may change it replays
// them. The checks live in server/deliveries/deliveries.ts.
const actor = (ctx: { workspace: { id: string }; user: { id: string }; membership: { role: Role } }): ChannelActor => ({
  workspaceId: ctx.workspace.id,
  userId: ctx.user.id,
  role: ctx.membership.role,
});

export const deliveryRouter = createTrpcRouter({
  /** Newest first, by channel, event or status; `nextCursor` fetches the next page. */
  list: workspaceProcedure.input(listDeliveriesInput).query(({ ctx, input }) => {
    const { workspaceSlug: _slug, ...filters } = input;
    return listDeliveries(ctx.db, actor(ctx), filters);
  }),

  /** One delivery with each of its attempts. */
  get: workspaceProcedure.input(deliveryRefInput).query(({ ctx, input }) => getDelivery(ctx.db, actor(ctx), input.deliveryId)),

  replay: workspaceProcedure.input(deliveryRefInput).mutation(({ ctx, input }) => replayDelivery(ctx.db, actor(ctx), input.deliveryId)),

  replayFailed: workspaceProcedure
    .input(replayFailedDeliveriesInput)
    .mutation(({ ctx, input }) => replayFailedDeliveries(ctx.db, actor(ctx), input.channelId, input.since)),
});
