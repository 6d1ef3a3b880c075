"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useTRPC } from "@/components/trpc/react";

/**
 * The caller's live unread count in a workspace: the `inbox.unreadCount` query for the first
 * paint, then every value the `inbox.onUnreadCount` SSE subscription pushes (it reconnects by
 * itself). Each push also refreshes the lists that show entries (the bell's dropdown, the inbox).
 */
export function useUnreadCount(workspaceSlug: string): number | null {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const countKey = trpc.inbox.unreadCount.queryKey({ workspaceSlug });
  const count = useQuery(trpc.inbox.unreadCount.queryOptions({ workspaceSlug }, { staleTime: Infinity }));

  useSubscription(
    trpc.inbox.onUnreadCount.subscriptionOptions(
      { workspaceSlug },
      {
        onData: (pushed) => {
          const previous = queryClient.getQueryData(countKey);
          queryClient.setQueryData(countKey, pushed);
          if (previous !== pushed) {
            void queryClient.invalidateQueries({ queryKey: trpc.inbox.latest.queryKey({ workspaceSlug }) });
            void queryClient.invalidateQueries({ queryKey: trpc.inbox.list.pathKey() });
          }
        },
      },
    ),
  );

  return count.data ?? null;
}
