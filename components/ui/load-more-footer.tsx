"use client";

import type { ReactNode } from "react";
import { Button } from "./button";
import { FormError } from "./field";

/** What the footer needs of a TanStack infinite query. */
type PagedQuery = {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  isFetchNextPageError: boolean;
  error: { message: string } | null;
  fetchNextPage: () => Promise<unknown>;
};

/** A paged list's footer: how many are shown, and "Load more" while there are more. */
export function LoadMoreFooter({ count, countTestId, query }: { count: ReactNode; countTestId: string; query: PagedQuery }) {
  return (
    <div className="flex items-center justify-between gap-4 border-t border-zinc-100 px-5 py-3 text-sm text-zinc-500">
      <span data-testid={countTestId}>{count}</span>
      <div className="flex items-center gap-3">
        <FormError message={query.isFetchNextPageError ? (query.error?.message ?? "Could not load more") : null} />
        {query.hasNextPage ? (
          <Button variant="secondary" size="sm" disabled={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
            {query.isFetchingNextPage ? "Loading…" : "Load more"}
          </Button>
        ) : null}
      </div>
    </div>
  );
}
