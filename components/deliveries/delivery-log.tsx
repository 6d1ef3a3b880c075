"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "@/components/trpc/react";
import { cn } from "@/lib/utils";
import { deliveryStatuses, type DeliveryStatus } from "@/server/db/schema/channels";
import { DeliveryRow } from "./delivery-row";
import type { DeliveryPage } from "./delivery-types";
import { deliveryStatusLabels } from "./describe-delivery";
import { pollWhilePending } from "./delivery-log-polling";
import { LoadMoreFooter } from "@/components/ui/load-more-footer";

type Props = {
  workspaceSlug: string;
  timeZone: string;
  channel: { id: string; canEdit: boolean; enabled: boolean };
  /** The first page of every status, rendered with the page. */
  firstPage: DeliveryPage;
  /** Called each time the log fetched anew (the channel's own state may have changed too). */
  onRefetched: () => void;
};

const filters: (DeliveryStatus | "all")[] = ["all", ...deliveryStatuses];

/** A channel's deliveries, newest first, by status, page by page; follows pending ones by itself. */
export function DeliveryLog({ workspaceSlug, timeZone, channel, firstPage, onRefetched }: Props) {
  const trpc = useTRPC();
  const [status, setStatus] = useState<DeliveryStatus | "all">("all");
  const query = useInfiniteQuery(
    trpc.delivery.list.infiniteQueryOptions(
      { workspaceSlug, channelId: channel.id, status: status === "all" ? undefined : status },
      {
        initialData: status === "all" ? { pages: [firstPage], pageParams: [null] } : undefined,
        getNextPageParam: (page) => page.nextCursor,
        staleTime: 2_000,
        refetchInterval: (q) => pollWhilePending(q.state.data),
      },
    ),
  );
  useOnRefetch(query.dataUpdatedAt, onRefetched);
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <div>
      <div className="flex flex-wrap items-center gap-1 border-b border-zinc-100 px-5 py-3" role="group" aria-label="Show deliveries">
        {filters.map((filter) => (
          <button
            key={filter}
            type="button"
            aria-pressed={status === filter}
            onClick={() => setStatus(filter)}
            className={cn(
              "rounded-md px-3 py-1 text-sm font-medium",
              status === filter ? "bg-zinc-900 text-white" : "text-zinc-700 hover:bg-zinc-100",
            )}
          >
            {filter === "all" ? "All" : deliveryStatusLabels[filter]}
          </button>
        ))}
      </div>
      {channel.canEdit && !channel.enabled ? (
        <p className="border-b border-zinc-100 px-5 py-2 text-sm text-amber-800" data-testid="replay-disabled-note">
          The channel is switched off: switch it on to replay its deliveries.
        </p>
      ) : null}
      {query.isPending ? (
        <p className="px-5 py-10 text-center text-sm text-zinc-500">Loading…</p>
      ) : query.isError && items.length === 0 ? (
        <p className="px-5 py-10 text-center text-sm text-red-700">{query.error.message}</p>
      ) : items.length === 0 ? (
        <p className="px-5 py-10 text-center text-sm text-zinc-600">
          {status === "all" ? "Nothing delivered yet. When a rule that uses this channel matches an event, the delivery appears here." : `No ${status} deliveries.`}
        </p>
      ) : (
        <ul className="divide-y divide-zinc-100 px-5" aria-label="Deliveries">
          {items.map((delivery) => (
            <DeliveryRow
              key={delivery.id}
              workspaceSlug={workspaceSlug}
              timeZone={timeZone}
              delivery={delivery}
              canReplay={channel.canEdit}
              channelEnabled={channel.enabled}
            />
          ))}
        </ul>
      )}
      <LoadMoreFooter countTestId="delivery-count" count={items.length ? `Showing ${items.length.toLocaleString("en-US")} deliver${items.length === 1 ? "y" : "ies"}` : null} query={query} />
    </div>
  );
}

/** Calls `callback` after each fetch that follows the first render's data. */
function useOnRefetch(updatedAt: number, callback: () => void) {
  const first = useRef(updatedAt);
  const latest = useRef(callback);
  useEffect(() => {
    latest.current = callback;
  });
  useEffect(() => {
    if (updatedAt !== first.current) latest.current();
  }, [updatedAt]);
}
