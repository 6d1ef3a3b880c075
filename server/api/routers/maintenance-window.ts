import { auditActorOf } from "@/server/audit/audit-actor";
import { createMaintenanceWindowInput, listMaintenanceWindowsInput, maintenanceWindowRefInput } from "@/server/sources/maintenance-window-schemas";
import {
  createMaintenanceWindow,
  deleteMaintenanceWindow,
  endMaintenanceWindow,
  listMaintenanceWindows,
  summariseMaintenance,
} from "@/server/sources/maintenance-windows";
import { adminProcedure, createTrpcRouter, workspaceProcedure } from "../trpc";

// Sources' maintenance windows: every member sees them, admins (who manage sources) change them.
export const maintenanceWindowRouter = createTrpcRouter({
  /** The running and next window of each source that has one: the Sources page's badges. */
  summary: workspaceProcedure.query(({ ctx }) => summariseMaintenance(ctx.db, ctx.workspace.id)),

  list: workspaceProcedure.input(listMaintenanceWindowsInput).query(({ ctx, input }) => listMaintenanceWindows(ctx.db, ctx.workspace.id, input.sourceId)),

  create: adminProcedure.input(createMaintenanceWindowInput).mutation(({ ctx, input }) => {
    const { workspaceSlug: _slug, ...values } = input;
    return createMaintenanceWindow(ctx.db, { ...auditActorOf(ctx), workspaceId: ctx.workspace.id, userId: ctx.user.id }, values, { timeZone: ctx.workspace.timezone });
  }),

  /** Ends a running window now; what it held is summarised at once. */
  endNow: adminProcedure.input(maintenanceWindowRefInput).mutation(({ ctx, input }) => endMaintenanceWindow(ctx.db, ctx.workspace.id, input.windowId, auditActorOf(ctx))),

  /** Upcoming windows only. */
  delete: adminProcedure.input(maintenanceWindowRefInput).mutation(({ ctx, input }) => deleteMaintenanceWindow(ctx.db, ctx.workspace.id, input.windowId, auditActorOf(ctx))),
});
