"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc/react";

/**
 * The inbox's writes. Each one refreshes the count, the bell's dropdown and the inbox list at
 * once (the SSE push that follows confirms the count).
 */
export function useInboxActions(workspaceSlug: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const onSuccess = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.inbox.unreadCount.queryKey({ workspaceSlug }) }),
      queryClient.invalidateQueries({ queryKey: trpc.inbox.latest.queryKey({ workspaceSlug }) }),
      queryClient.invalidateQueries({ queryKey: trpc.inbox.list.pathKey() }),
    ]);
  const markRead = useMutation(trpc.inbox.markRead.mutationOptions({ onSuccess }));
  const markAllRead = useMutation(trpc.inbox.markAllRead.mutationOptions({ onSuccess }));
  const archive = useMutation(trpc.inbox.archive.mutationOptions({ onSuccess }));
  const archiveAllRead = useMutation(trpc.inbox.archiveAllRead.mutationOptions({ onSuccess }));
  const all = [markRead, markAllRead, archive, archiveAllRead];
  return {
    markRead,
    markAllRead,
    archive,
    archiveAllRead,
    isPending: all.some((mutation) => mutation.isPending),
    error: all.find((mutation) => mutation.error)?.error?.message ?? null,
  };
}
