import { eventVolumeInput, getEventInput, listEventsInput } from "@/server/events/event-schemas";
import { eventVolume } from "@/server/events/event-volume";
import { getEvent } from "@/server/events/get-event";
import { listEvents } from "@/server/events/list-events";
import { createTrpcRouter, workspaceProcedure } from "../trpc";

// The event log is read by every member; nothing here writes. Each call is scoped to the
// workspace of the caller's membership: ids of other workspaces' events, sources or communities
// find nothing (an event: NOT_FOUND; a filter: no rows).
export const eventRouter = createTrpcRouter({
  list: workspaceProcedure.input(listEventsInput).query(({ ctx, input }) => {
    const { workspaceSlug: _slug, ...filters } = input;
    return listEvents(ctx.db, ctx.workspace.id, filters);
  }),

  get: workspaceProcedure.input(getEventInput).query(({ ctx, input }) => getEvent(ctx.db, ctx.workspace.id, input.eventId)),

  volume: workspaceProcedure.input(eventVolumeInput).query(({ ctx, input }) => {
    const { workspaceSlug: _slug, ...filters } = input;
    return eventVolume(ctx.db, ctx.workspace, filters);
  }),
});
