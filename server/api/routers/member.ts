import { inviteMember, listOpenInvitations, revokeInvitation } from "@/server/members/invitations";
import { changeMemberRole, listMembers, removeMember } from "@/server/members/members";
import { changeMemberRoleInput, invitationRefInput, inviteMemberInput, removeMemberInput } from "@/server/members/member-schemas";
import { adminProcedure, createTrpcRouter, workspaceProcedure } from "../trpc";

export const memberRouter = createTrpcRouter({
  list: workspaceProcedure.query(({ ctx }) => listMembers(ctx.db, ctx.workspace.id)),

  invite: adminProcedure.input(inviteMemberInput).mutation(({ ctx, input }) =>
    inviteMember(ctx.db, {
      workspace: ctx.workspace,
      actor: { userId: ctx.user.id, role: ctx.membership.role, email: ctx.user.email, ip: ctx.ip ?? null },
      email: input.email,
      role: input.role,
      origin: ctx.origin,
    }),
  ),

  invitations: adminProcedure.query(({ ctx }) => listOpenInvitations(ctx.db, ctx.workspace.id)),

  revokeInvitation: adminProcedure
    .input(invitationRefInput)
    .mutation(({ ctx, input }) =>
      revokeInvitation(ctx.db, { userId: ctx.user.id, role: ctx.membership.role, email: ctx.user.email, ip: ctx.ip ?? null }, ctx.workspace.id, input.invitationId),
    ),

  changeRole: adminProcedure
    .input(changeMemberRoleInput)
    .mutation(({ ctx, input }) =>
      changeMemberRole(ctx.db, { userId: ctx.user.id, role: ctx.membership.role, email: ctx.user.email, ip: ctx.ip ?? null }, ctx.workspace.id, input.membershipId, input.role),
    ),

  remove: adminProcedure
    .input(removeMemberInput)
    .mutation(({ ctx, input }) =>
      removeMember(ctx.db, { userId: ctx.user.id, role: ctx.membership.role, email: ctx.user.email, ip: ctx.ip ?? null }, ctx.workspace.id, input.membershipId),
    ),

  /** Any member may leave, except the last owner. */
  leave: workspaceProcedure.mutation(({ ctx }) =>
    removeMember(ctx.db, { userId: ctx.user.id, role: ctx.membership.role, email: ctx.user.email, ip: ctx.ip ?? null }, ctx.workspace.id, ctx.membership.id),
  ),
});
