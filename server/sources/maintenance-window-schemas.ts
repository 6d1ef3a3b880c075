import { z } from "zod";
import { sourceIdSchema } from "./source-schemas";

/** A window lasts at most this long: a longer "maintenance" is a source to disable. */
export const maxMaintenanceWindowDays = 30;
/** How far ahead a window can be scheduled. */
export const maxMaintenanceLeadDays = 365;
/** Upcoming windows per source, so a script gone wrong cannot fill the table. */
export const maxUpcomingMaintenanceWindows = 50;

const dayMs = 86_400_000;

export const maintenanceWindowIdSchema = z.uuid({ message: "Not a maintenance window id" });

/**
 * Times are instants (superjson carries Dates); the dialog reads its fields in the workspace's
 * timezone. The rules that depend on the clock (not over already, at most a year ahead) are
 * checked by createMaintenanceWindow against the server's.
 */
export const createMaintenanceWindowInput = z
  .object({
    sourceId: sourceIdSchema,
    startsAt: z.date({ message: "Choose when it starts" }),
    endsAt: z.date({ message: "Choose when it ends" }),
    reason: z.string().trim().max(500, "At most 500 characters").default(""),
  })
  .superRefine((window, ctx) => {
    const length = window.endsAt.getTime() - window.startsAt.getTime();
    if (length <= 0) ctx.addIssue({ code: "custom", path: ["endsAt"], message: "The end must be after the start" });
    else if (length > maxMaintenanceWindowDays * dayMs) {
      ctx.addIssue({ code: "custom", path: ["endsAt"], message: `A window lasts at most ${maxMaintenanceWindowDays} days` });
    }
  });
export type CreateMaintenanceWindowInput = z.infer<typeof createMaintenanceWindowInput>;

export const maintenanceWindowRefInput = z.object({ windowId: maintenanceWindowIdSchema });
export const listMaintenanceWindowsInput = z.object({ sourceId: sourceIdSchema });
