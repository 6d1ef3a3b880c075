import { createCommunity, deleteCommunity, listCommunities, renameCommunity } from "@/server/communities/communities";
import { createCommunityInput, deleteCommunityInput, renameCommunityInput } from "@/server/communities/community-schemas";
import { auditActorOf } from "@/server/audit/audit-actor";
import { adminProcedure, createTrpcRouter, workspaceProcedure } from "../trpc";

export const communityRouter = createTrpcRouter({
  list: workspaceProcedure.query(({ ctx }) => listCommunities(ctx.db, ctx.workspace.id)),

  create: adminProcedure.input(createCommunityInput).mutation(({ ctx, input }) => createCommunity(ctx.db, ctx.workspace, input.name, auditActorOf(ctx))),

  rename: adminProcedure
    .input(renameCommunityInput)
    .mutation(({ ctx, input }) => renameCommunity(ctx.db, ctx.workspace, input.communityId, input.name, auditActorOf(ctx))),

  delete: adminProcedure
    .input(deleteCommunityInput)
    .mutation(({ ctx, input }) => deleteCommunity(ctx.db, ctx.workspace, input.communityId, input.confirmName, auditActorOf(ctx))),
});
