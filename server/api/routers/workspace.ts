import { z } from "zod";
import { auditActorOf } from "@/server/audit/audit-actor";
import { listCommunities } from "@/server/communities/communities";
import { createWorkspace } from "@/server/workspaces/create-workspace";
import { deleteWorkspace } from "@/server/workspaces/delete-workspace";
import { listWorkspacesForUser } from "@/server/workspaces/find-workspace-membership";
import { updateWorkspaceSettings } from "@/server/workspaces/update-workspace-settings";
import { createWorkspaceInput, workspaceSettingsInput } from "@/server/workspaces/workspace-schemas";
import { adminProcedure, createTrpcRouter, ownerProcedure, protectedProcedure, workspaceProcedure } from "../trpc";

export const workspaceRouter = createTrpcRouter({
  list: protectedProcedure.query(({ ctx }) => listWorkspacesForUser(ctx.db, ctx.user.id)),

  create: protectedProcedure.input(createWorkspaceInput).mutation(({ ctx, input }) => createWorkspace(ctx.db, ctx.user.id, input)),

  get: workspaceProcedure.query(async ({ ctx }) => ({
    workspace: ctx.workspace,
    role: ctx.membership.role,
    communities: await listCommunities(ctx.db, ctx.workspace.id),
  })),

  updateSettings: adminProcedure
    .input(workspaceSettingsInput)
    .mutation(({ ctx, input }) => {
      const { workspaceSlug: _slug, ...settings } = input;
      return updateWorkspaceSettings(ctx.db, ctx.workspace.id, settings, auditActorOf(ctx));
    }),

  delete: ownerProcedure
    .input(z.object({ confirmSlug: z.string().trim().min(1, "Type the workspace's slug to confirm") }))
    .mutation(({ ctx, input }) => deleteWorkspace(ctx.db, ctx.workspace, input.confirmSlug)),
});
