"use client";

import Link from "next/link";
import { cn } from "@/lib/utils";
import { NotificationSummary } from "./notification-summary";
import { SummaryEvents } from "./summary-events";
import type { NotificationItem } from "./notification-types";
import type { useInboxActions } from "./use-inbox-actions";

type Props = {
  slug: string;
  item: NotificationItem;
  timeZone: string;
  showCommunity: boolean;
  selected: boolean;
  onSelect: (on: boolean) => void;
  actions: ReturnType<typeof useInboxActions>;
};

/** One entry: select it, open its event (which marks it read), or act on it alone. */
export function InboxRow({ slug, item, timeZone, showCommunity, selected, onSelect, actions }: Props) {
  const read = Boolean(item.readAt);
  const archived = Boolean(item.archivedAt);
  const ids = [item.id];
  return (
    <li className={cn("group relative flex items-start gap-3 px-5 py-3 hover:bg-zinc-50", !read && "bg-sky-50/50")} data-testid="inbox-row" data-read={read}>
      <input
        type="checkbox"
        className="relative z-10 mt-1 size-4 accent-zinc-900"
        aria-label={`Select “${item.event.title}”`}
        checked={selected}
        onChange={(e) => onSelect(e.target.checked)}
      />
      <div className="min-w-0 flex-1">
        <Link
          href={`/w/${slug}/events/${item.eventId}`}
          className="block after:absolute after:inset-0"
          onClick={() => {
            if (!read) actions.markRead.mutate({ workspaceSlug: slug, ids, read: true });
          }}
        >
          <NotificationSummary item={item} timeZone={timeZone} showCommunity={showCommunity} />
        </Link>
        {item.batchReason ? <SummaryEvents slug={slug} notificationId={item.id} count={item.batchCount ?? 0} timeZone={timeZone} /> : null}
      </div>
      <div className="relative z-10 flex shrink-0 gap-1 opacity-70 group-hover:opacity-100">
        <RowButton
          label={read ? "Mark unread" : "Mark read"}
          disabled={actions.isPending}
          onClick={() => actions.markRead.mutate({ workspaceSlug: slug, ids, read: !read })}
        />
        <RowButton
          label={archived ? "Unarchive" : "Archive"}
          disabled={actions.isPending}
          onClick={() => actions.archive.mutate({ workspaceSlug: slug, ids, archived: !archived })}
        />
      </div>
    </li>
  );
}

function RowButton({ label, onClick, disabled }: { label: string; onClick: () => void; disabled: boolean }) {
  return (
    <button type="button" onClick={onClick} disabled={disabled} className="rounded px-2 py-1 text-xs font-medium text-zinc-600 hover:bg-zinc-200 hover:text-zinc-900 disabled:opacity-50">
      {label}
    </button>
  );
}
