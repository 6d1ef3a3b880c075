import { updatePreferencesInput } from "@/server/inbox/inbox-schemas";
import { getPreferences, updatePreferences, updateQuietHours } from "@/server/inbox/preferences";
import { quietHoursSchema } from "@/server/inbox/quiet-hours";
import { createTrpcRouter, workspaceProcedure } from "../trpc";

// Each member's own channel kinds on/off and quiet hours in this workspace; nobody reads or sets another's.
export const preferenceRouter = createTrpcRouter({
  get: workspaceProcedure.query(({ ctx }) => getPreferences(ctx.db, { workspaceId: ctx.workspace.id, userId: ctx.user.id }, ctx.workspace.timezone)),

  update: workspaceProcedure.input(updatePreferencesInput).mutation(({ ctx, input }) => {
    const { workspaceSlug: _slug, ...values } = input;
    return updatePreferences(ctx.db, { workspaceId: ctx.workspace.id, userId: ctx.user.id }, values, ctx.workspace.timezone);
  }),

  /** Replaces the caller's quiet hours as a whole (the form sends every field). */
  updateQuietHours: workspaceProcedure.input(quietHoursSchema).mutation(({ ctx, input }) => {
    const { workspaceSlug: _slug, ...quiet } = input;
    return updateQuietHours(ctx.db, { workspaceId: ctx.workspace.id, userId: ctx.user.id }, quiet, ctx.workspace.timezone);
  }),
});
