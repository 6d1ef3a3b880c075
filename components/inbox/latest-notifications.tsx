"use client";

import { useQuery } from "@tanstack/react-query";
import { DropdownMenu } from "radix-ui";
import Link from "next/link";
import { useTRPC } from "@/components/trpc/react";
import { FormError } from "@/components/ui/field";
import { cn } from "@/lib/utils";
import { NotificationSummary } from "./notification-summary";
import { useInboxActions } from "./use-inbox-actions";

type Props = { workspaceSlug: string; timeZone: string; showCommunity: boolean; unread: number; onNavigate: () => void };

/** The bell's dropdown: the latest ten, each opening its event (and marked read), and shortcuts. */
export function LatestNotifications({ workspaceSlug, timeZone, showCommunity, unread, onNavigate }: Props) {
  const trpc = useTRPC();
  const latest = useQuery(trpc.inbox.latest.queryOptions({ workspaceSlug }, { staleTime: 0 }));
  const actions = useInboxActions(workspaceSlug);
  const items = latest.data?.items ?? [];

  return (
    <div>
      <div className="flex items-center justify-between gap-3 border-b border-zinc-100 px-3 py-2">
        <p className="text-sm font-semibold text-zinc-900">
          Notifications {unread ? <span className="font-normal text-zinc-500">· {unread} unread</span> : null}
        </p>
        <button
          type="button"
          className="rounded px-2 py-1 text-xs font-medium text-zinc-700 hover:bg-zinc-100 disabled:text-zinc-400"
          disabled={unread === 0 || actions.markAllRead.isPending}
          onClick={() => actions.markAllRead.mutate({ workspaceSlug })}
        >
          Mark all read
        </button>
      </div>
      <FormError message={actions.error} />
      {latest.isPending ? (
        <p className="px-3 py-6 text-center text-sm text-zinc-500">Loading…</p>
      ) : latest.isError ? (
        <p className="px-3 py-6 text-center text-sm text-red-700">{latest.error.message}</p>
      ) : items.length === 0 ? (
        <p className="px-3 py-6 text-center text-sm text-zinc-500">Nothing yet. Your rules’ matches appear here.</p>
      ) : (
        <ul className="max-h-[min(70vh,28rem)] divide-y divide-zinc-100 overflow-y-auto" aria-label="Latest notifications">
          {items.map((item) => (
            <li key={item.id}>
              <DropdownMenu.Item asChild>
                <Link
                  href={`/w/${workspaceSlug}/events/${item.eventId}`}
                  data-testid="bell-notification"
                  onClick={() => {
                    if (!item.readAt) actions.markRead.mutate({ workspaceSlug, ids: [item.id], read: true });
                    onNavigate();
                  }}
                  className={cn("block px-3 py-2.5 outline-none data-[highlighted]:bg-zinc-100", !item.readAt && "bg-sky-50/60")}
                >
                  <NotificationSummary item={item} timeZone={timeZone} showCommunity={showCommunity} compact />
                </Link>
              </DropdownMenu.Item>
            </li>
          ))}
        </ul>
      )}
      <div className="flex items-center justify-between border-t border-zinc-100 px-3 py-2 text-sm">
        <DropdownMenu.Item asChild>
          <Link href={`/w/${workspaceSlug}/inbox`} onClick={onNavigate} className="rounded px-1 py-1 font-medium text-zinc-900 outline-none data-[highlighted]:bg-zinc-100">
            Open the inbox →
          </Link>
        </DropdownMenu.Item>
        <DropdownMenu.Item asChild>
          <Link href={`/w/${workspaceSlug}/preferences`} onClick={onNavigate} className="rounded px-1 py-1 text-zinc-600 outline-none data-[highlighted]:bg-zinc-100">
            Preferences
          </Link>
        </DropdownMenu.Item>
      </div>
    </div>
  );
}
