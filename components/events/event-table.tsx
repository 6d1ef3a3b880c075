"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { useTRPC } from "@/components/trpc/react";
import { cn } from "@/lib/utils";
import type { EventFilters } from "@/server/events/event-schemas";
import type { EventSummary } from "@/server/events/list-events";
import { formatDateTime } from "./format-time";
import { SeverityBadge } from "./severity-badge";
import { LoadMoreFooter } from "@/components/ui/load-more-footer";

type Page = { items: EventSummary[]; nextCursor: string | null };

type Props = {
  slug: string;
  filters: EventFilters;
  pageSize: number;
  /** The first page, rendered by the server with the page. */
  firstPage: Page;
  timeZone: string;
  showCommunity: boolean;
  /** The list's query string, carried to the detail page for its "back" link. */
  backQuery: string;
  emptyMessage: ReactNode;
};

export function EventTable({ slug, filters, pageSize, firstPage, timeZone, showCommunity, backQuery, emptyMessage }: Props) {
  const trpc = useTRPC();
  const query = useInfiniteQuery(
    trpc.event.list.infiniteQueryOptions(
      { workspaceSlug: slug, ...filters, limit: pageSize },
      {
        initialData: { pages: [firstPage], pageParams: [null] },
        getNextPageParam: (page) => page.nextCursor,
        // The server just rendered this page; refetching it on mount would only repeat it.
        staleTime: 30_000,
      },
    ),
  );
  const events = query.data?.pages.flatMap((page) => page.items) ?? [];
  const detailHref = (id: string) => `/w/${slug}/events/${id}${backQuery ? `?back=${encodeURIComponent(backQuery)}` : ""}`;

  if (events.length === 0) {
    return <div className="px-5 py-10 text-center text-sm text-zinc-600">{emptyMessage}</div>;
  }

  return (
    <div>
      <div className="overflow-x-auto">
        <table className="w-full table-fixed text-left text-sm">
          <thead className="border-b border-zinc-100 text-xs text-zinc-500 uppercase">
            <tr>
              <th className="w-28 py-2 pr-3 pl-5 font-medium">Received</th>
              <th className="w-22 py-2 pr-3 font-medium">Severity</th>
              <th className="w-44 py-2 pr-3 font-medium">Type</th>
              <th className="py-2 pr-3 font-medium">Title</th>
              <th className={cn("w-34 py-2 font-medium", showCommunity ? "pr-3" : "pr-5")}>Source</th>
              {showCommunity ? <th className="w-30 py-2 pr-5 font-medium">Community</th> : null}
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {events.map((event) => (
              <EventRow key={event.id} event={event} href={detailHref(event.id)} timeZone={timeZone} showCommunity={showCommunity} />
            ))}
          </tbody>
        </table>
      </div>
      <LoadMoreFooter countTestId="event-count" count={`Showing ${events.length.toLocaleString("en-US")} event${events.length === 1 ? "" : "s"}${query.hasNextPage ? "" : events.length > pageSize ? " — that is all of them" : ""}`} query={query} />
    </div>
  );
}

function EventRow({ event, href, timeZone, showCommunity }: { event: EventSummary; href: string; timeZone: string; showCommunity: boolean }) {
  const [date, time] = formatDateTime(event.receivedAt, timeZone).split(" ");
  return (
    <tr data-testid="event-row" className="relative align-top hover:bg-zinc-50">
      <td className="py-2.5 pr-3 pl-5 whitespace-nowrap tabular-nums">
        <time dateTime={event.receivedAt.toISOString()} title={`${date} ${time} (${timeZone})`}>
          <span className="block font-mono text-xs text-zinc-900">{time}</span>
          <span className="block font-mono text-xs text-zinc-500">{date}</span>
        </time>
      </td>
      <td className="py-2.5 pr-3">
        <SeverityBadge severity={event.severity} />
      </td>
      <td className="py-2.5 pr-3 font-mono text-xs break-words text-zinc-700" data-testid="event-type">
        {/* Long dotted types wrap after a dot rather than anywhere. */}
        {event.type.split(".").map((part, i) => (
          <span key={i}>
            {i > 0 ? "." : ""}
            {i > 0 ? <wbr /> : null}
            {part}
          </span>
        ))}
      </td>
      <td className="py-2.5 pr-3">
        <Link href={href} className="line-clamp-2 font-medium text-zinc-900 after:absolute after:inset-0 hover:underline">
          {event.title}
        </Link>
        {event.actor ? <span className="block truncate text-xs text-zinc-500">{event.actor}</span> : null}
      </td>
      <td className={cn("truncate py-2.5 text-zinc-700", showCommunity ? "pr-3" : "pr-5")} title={event.sourceName ?? undefined}>
        {event.sourceName ?? <span className="text-zinc-400">{event.origin === "ingest" ? "deleted source" : event.origin}</span>}
      </td>
      {showCommunity ? (
        <td className="truncate py-2.5 pr-5 text-zinc-700" title={event.communityName ?? undefined}>
          {event.communityName ?? <span className="text-zinc-400">—</span>}
        </td>
      ) : null}
    </tr>
  );
}
