import { updatePreferencesInput } from "@/server/inbox/inbox-schemas";
import { getPreferences, updatePreferences } from "@/server/inbox/preferences";
import { createTrpcRouter, workspaceProcedure } from "../trpc";

// Each member's own channel kinds on/off in this workspace; nobody reads or sets another's.
export const preferenceRouter = createTrpcRouter({
  get: workspaceProcedure.query(({ ctx }) => getPreferences(ctx.db, { workspaceId: ctx.workspace.id, userId: ctx.user.id })),

  update: workspaceProcedure.input(updatePreferencesInput).mutation(({ ctx, input }) => {
    const { workspaceSlug: _slug, ...values } = input;
    return updatePreferences(ctx.db, { workspaceId: ctx.workspace.id, userId: ctx.user.id }, values);
  }),
});
