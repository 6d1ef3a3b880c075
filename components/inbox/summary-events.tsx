"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { SeverityBadge } from "@/components/events/severity-badge";
import { RelativeTime } from "@/components/sources/relative-time";
import { useTRPC } from "@/components/trpc/react";

type Props = { slug: string; notificationId: string; count: number; timeZone: string };

/** A summary entry's events, listed under it on demand, each opening its event. */
export function SummaryEvents({ slug, notificationId, count, timeZone }: Props) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const events = useQuery({ ...trpc.inbox.summaryEvents.queryOptions({ workspaceSlug: slug, notificationId }), enabled: open });
  return (
    <div className="relative z-10 mt-1 pl-4">
      <button type="button" className="text-xs font-medium text-sky-700 hover:underline" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? "Hide the events" : `Show the ${count} event${count === 1 ? "" : "s"}`}
      </button>
      {open ? (
        events.isPending ? (
          <p className="mt-1 text-xs text-zinc-500">Loading…</p>
        ) : events.isError ? (
          <p role="alert" className="mt-1 text-xs text-red-700">
            {events.error.message}
          </p>
        ) : (
          <ul className="mt-1 space-y-1" data-testid="summary-events">
            {events.data.map((event) => (
              <li key={event.id} className="flex flex-wrap items-center gap-2 text-xs">
                <SeverityBadge severity={event.severity} />
                <Link href={`/w/${slug}/events/${event.id}`} className="text-zinc-800 hover:underline">
                  {event.title}
                </Link>
                <RelativeTime date={event.receivedAt} timeZone={timeZone} past />
              </li>
            ))}
            {count > events.data.length ? <li className="text-xs text-zinc-500">…and {count - events.data.length} more</li> : null}
          </ul>
        )
      ) : null}
    </div>
  );
}
