"use client";

import { Button } from "@/components/ui/button";
import type { NotificationItem } from "./notification-types";
import type { useInboxActions } from "./use-inbox-actions";

type Props = {
  slug: string;
  archivedView: boolean;
  items: NotificationItem[];
  selectedIds: string[];
  onSelectAll: (on: boolean) => void;
  actions: ReturnType<typeof useInboxActions>;
  onDone: () => void;
};

/** Select all; act on the selection; or on everything at once (mark all read, archive all read). */
export function InboxBulkBar({ slug, archivedView, items, selectedIds, onSelectAll, actions, onDone }: Props) {
  const count = selectedIds.length;
  const allSelected = items.length > 0 && count === items.length;
  const workspaceSlug = slug;
  const ids = selectedIds;
  const after = { onSuccess: onDone };

  return (
    <div className="flex flex-wrap items-center justify-between gap-3 border-b border-zinc-100 px-5 py-2.5">
      <div className="flex flex-wrap items-center gap-2">
        <label className="flex items-center gap-2 text-sm text-zinc-700">
          <input
            type="checkbox"
            className="size-4 accent-zinc-900"
            aria-label="Select all shown"
            checked={allSelected}
            ref={(input) => {
              if (input) input.indeterminate = count > 0 && !allSelected;
            }}
            disabled={items.length === 0}
            onChange={(e) => onSelectAll(e.target.checked)}
          />
          {count ? `${count} selected` : "Select"}
        </label>
        {count ? (
          <>
            <Button size="sm" variant="secondary" disabled={actions.isPending} onClick={() => actions.markRead.mutate({ workspaceSlug, ids, read: true }, after)}>
              Mark read
            </Button>
            <Button size="sm" variant="secondary" disabled={actions.isPending} onClick={() => actions.markRead.mutate({ workspaceSlug, ids, read: false }, after)}>
              Mark unread
            </Button>
            <Button
              size="sm"
              variant="secondary"
              disabled={actions.isPending}
              onClick={() => actions.archive.mutate({ workspaceSlug, ids, archived: !archivedView }, after)}
            >
              {archivedView ? "Unarchive" : "Archive"}
            </Button>
          </>
        ) : null}
      </div>
      {archivedView ? null : (
        <div className="flex gap-2">
          <Button size="sm" variant="ghost" disabled={actions.isPending} onClick={() => actions.markAllRead.mutate({ workspaceSlug }, after)}>
            Mark all read
          </Button>
          <Button size="sm" variant="ghost" disabled={actions.isPending} onClick={() => actions.archiveAllRead.mutate({ workspaceSlug }, after)}>
            Archive all read
          </Button>
        </div>
      )}
    </div>
  );
}
