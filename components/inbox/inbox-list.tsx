"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { useTRPC } from "@/components/trpc/react";
import { FormError } from "@/components/ui/field";
import { InboxBulkBar } from "./inbox-bulk-bar";
import { InboxRow } from "./inbox-row";
import { inboxListInput, type InboxView } from "./inbox-search-params";
import type { NotificationItem } from "./notification-types";
import { useInboxActions } from "./use-inbox-actions";
import { LoadMoreFooter } from "@/components/ui/load-more-footer";

type Page = { items: NotificationItem[]; nextCursor: string | null };

type Props = {
  slug: string;
  view: InboxView;
  /** The first page, rendered with the page. */
  firstPage: Page;
  timeZone: string;
  showCommunity: boolean;
  emptyMessage: ReactNode;
};

/** The entries of one view, page by page, with selection and the actions on it. */
export function InboxList({ slug, view, firstPage, timeZone, showCommunity, emptyMessage }: Props) {
  const trpc = useTRPC();
  const query = useInfiniteQuery(
    trpc.inbox.list.infiniteQueryOptions(
      { workspaceSlug: slug, ...inboxListInput(view) },
      {
        initialData: { pages: [firstPage], pageParams: [null] },
        getNextPageParam: (page) => page.nextCursor,
        // Just rendered by the server; every change to the inbox invalidates it.
        staleTime: 5_000,
      },
    ),
  );
  const actions = useInboxActions(slug);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  // Entries that left the view (archived, read under "unread only") leave the selection too.
  const selectedIds = items.filter((item) => selected.has(item.id)).map((item) => item.id);
  const toggle = (id: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  return (
    <div>
      <InboxBulkBar
        slug={slug}
        archivedView={view.archived}
        items={items}
        selectedIds={selectedIds}
        onSelectAll={(on) => setSelected(on ? new Set(items.map((item) => item.id)) : new Set())}
        actions={actions}
        onDone={() => setSelected(new Set())}
      />
      <FormError message={actions.error} />
      {query.isPending ? (
        <p className="px-5 py-10 text-center text-sm text-zinc-500">Loading…</p>
      ) : query.isError && items.length === 0 ? (
        <p className="px-5 py-10 text-center text-sm text-red-700">{query.error.message}</p>
      ) : items.length === 0 ? (
        <div className="px-5 py-10 text-center text-sm text-zinc-600">{emptyMessage}</div>
      ) : (
        <ul className="divide-y divide-zinc-100" aria-label={view.archived ? "Archived notifications" : "Notifications"}>
          {items.map((item) => (
            <InboxRow
              key={item.id}
              slug={slug}
              item={item}
              timeZone={timeZone}
              showCommunity={showCommunity}
              selected={selected.has(item.id)}
              onSelect={(on) => toggle(item.id, on)}
              actions={actions}
            />
          ))}
        </ul>
      )}
      <LoadMoreFooter countTestId="inbox-count" count={items.length ? `Showing ${items.length.toLocaleString("en-US")} notification${items.length === 1 ? "" : "s"}` : null} query={query} />
    </div>
  );
}
