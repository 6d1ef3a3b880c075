import { archiveNotificationsInput, listNotificationsInput, markNotificationsReadInput, summaryEventsInput } from "@/server/inbox/inbox-schemas";
import {
  archiveAllReadNotifications,
  archiveNotifications,
  countUnread,
  listLatestNotifications,
  listNotifications,
  listSummaryEvents,
  markAllNotificationsRead,
  markNotificationsRead,
} from "@/server/inbox/notifications";
import { watchUnreadCount } from "@/server/inbox/watch-unread-count";
import { createTrpcRouter, workspaceProcedure } from "../trpc";

// The caller's own inbox in this workspace: every procedure reads and changes only their entries.
const owner = (ctx: { workspace: { id: string }; user: { id: string } }) => ({ workspaceId: ctx.workspace.id, userId: ctx.user.id });

export const inboxRouter = createTrpcRouter({
  list: workspaceProcedure.input(listNotificationsInput).query(({ ctx, input }) => {
    const { workspaceSlug: _slug, ...filters } = input;
    return listNotifications(ctx.db, owner(ctx), filters);
  }),

  /** The bell's dropdown: the latest ten entries and the unread count. */
  latest: workspaceProcedure.query(({ ctx }) => listLatestNotifications(ctx.db, owner(ctx))),

  /** The events a summary entry (digest, maintenance window) sums up. */
  summaryEvents: workspaceProcedure.input(summaryEventsInput).query(({ ctx, input }) => listSummaryEvents(ctx.db, owner(ctx), input.notificationId)),

  unreadCount: workspaceProcedure.query(({ ctx }) => countUnread(ctx.db, owner(ctx))),

  /**
   * Server-Sent Events: the unread count now, then again whenever it changes (LISTEN/NOTIFY).
   * The client reconnects by itself and gets the current count first.
   */
  onUnreadCount: workspaceProcedure.subscription(({ ctx, signal }) => watchUnreadCount(ctx.db, owner(ctx), signal)),

  markRead: workspaceProcedure
    .input(markNotificationsReadInput)
    .mutation(({ ctx, input }) => markNotificationsRead(ctx.db, owner(ctx), input.ids, input.read)),

  markAllRead: workspaceProcedure.mutation(({ ctx }) => markAllNotificationsRead(ctx.db, owner(ctx))),

  archive: workspaceProcedure
    .input(archiveNotificationsInput)
    .mutation(({ ctx, input }) => archiveNotifications(ctx.db, owner(ctx), input.ids, input.archived)),

  archiveAllRead: workspaceProcedure.mutation(({ ctx }) => archiveAllReadNotifications(ctx.db, owner(ctx))),
});
