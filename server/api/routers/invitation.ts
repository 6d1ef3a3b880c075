import { acceptInvitation, listPendingInvitationsForEmail } from "@/server/members/invitations";
import { invitationRefInput, invitationTokenInput } from "@/server/members/member-schemas";
import { createTrpcRouter, protectedProcedure } from "../trpc";

// Invitations seen from the invitee's side: not workspace procedures, since the invitee is
// not a member yet. Access rests on the signed-in email matching the invited one.
export const invitationRouter = createTrpcRouter({
  pending: protectedProcedure.query(({ ctx }) => listPendingInvitationsForEmail(ctx.db, ctx.user.email)),

  acceptByToken: protectedProcedure.input(invitationTokenInput).mutation(({ ctx, input }) => acceptInvitation(ctx.db, { ...ctx.user, ip: ctx.ip ?? null }, { token: input.token })),

  accept: protectedProcedure
    .input(invitationRefInput)
    .mutation(({ ctx, input }) => acceptInvitation(ctx.db, { ...ctx.user, ip: ctx.ip ?? null }, { invitationId: input.invitationId })),
});
