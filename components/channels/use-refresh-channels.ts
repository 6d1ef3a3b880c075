"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { useTRPC } from "@/components/trpc/react";

/**
 * After a channel changed: the server-rendered lists render again, and the channel and delivery
 * queries of the log page fetch again. `refreshing` is true until the new render arrives.
 */
export function useRefreshChannels() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [refreshing, startRefresh] = useTransition();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.channel.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.delivery.pathKey() });
    startRefresh(() => router.refresh());
  };
  return { refresh, refreshing };
}
