import { listRecentExceptions } from "@/server/exceptions/list-exceptions";
import { listExceptionsInput, updateInstanceSettingsInput } from "@/server/instance/instance-schemas";
import { getInstanceSettings, updateInstanceSettings } from "@/server/instance/instance-settings";
import { createTrpcRouter, instanceAdminProcedure } from "../trpc";

// The instance's own settings (sender address, where exception notices go) and its recent
// exceptions: for the instance administrators (TOCSIN_ADMIN_EMAILS) only, whatever their workspaces.
export const instanceRouter = createTrpcRouter({
  getSettings: instanceAdminProcedure.query(({ ctx }) => getInstanceSettings(ctx.db)),

  updateSettings: instanceAdminProcedure.input(updateInstanceSettingsInput).mutation(({ ctx, input }) => updateInstanceSettings(ctx.db, ctx.user.id, input)),

  listExceptions: instanceAdminProcedure.input(listExceptionsInput).query(({ ctx, input }) => listRecentExceptions(ctx.db, input.limit)),
});
