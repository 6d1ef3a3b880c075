"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { SeverityBadge } from "@/components/events/severity-badge";
import { RelativeTime } from "@/components/sources/relative-time";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cn } from "@/lib/utils";
import type { PreviewItem } from "@/server/rules/preview-rule";
import { PREVIEW_EVENT_COUNT } from "@/server/rules/rule-schemas";
import { toDefinition, type RuleDraft } from "./rule-draft";
import { useDebouncedValue } from "./use-debounced-value";

type Props = { workspaceSlug: string; draft: RuleDraft; timeZone: string; showCommunity: boolean };
type Show = "all" | "matched" | "missed";

/** What the preview is asked: the unsaved definition and its scope. */
function previewInput(workspaceSlug: string, draft: RuleDraft) {
  return {
    workspaceSlug,
    ...toDefinition(draft),
    scope: draft.scope,
    communityId: draft.communityId || undefined,
    communityIds: draft.scope === "communities" ? draft.communityIds : [],
  };
}

/** Which of the latest events in the rule's scope the rule, as typed, would match — and why not. */
export function RulePreview({ workspaceSlug, draft, timeZone, showCommunity }: Props) {
  const trpc = useTRPC();
  const [show, setShow] = useState<Show>("all");
  const input = JSON.parse(useDebouncedValue(JSON.stringify(previewInput(workspaceSlug, draft)), 500)) as ReturnType<typeof previewInput>;
  const missing = draft.triggers.length === 0 ? "trigger" : draft.scope === "communities" && draft.communityIds.length === 0 ? "communities" : null;
  // Asked only once what was typed has settled into a definition worth previewing.
  const ready = missing === null && input.triggers.length > 0 && (input.scope !== "communities" || input.communityIds.length > 0);
  const query = useQuery({
    ...trpc.rule.preview.queryOptions(input, { placeholderData: keepPreviousData, staleTime: 0, retry: false }),
    enabled: ready,
  });
  const data = query.data;
  const items = data?.items ?? [];
  const shown = items.filter((item) => show === "all" || (show === "matched") === item.matched);
  const errorCount = data ? Object.keys(data.errors).length : 0;

  return (
    <Card data-testid="rule-preview">
      <CardHeader
        title="Preview"
        description={`Which of the last ${PREVIEW_EVENT_COUNT} events in the rule’s scope it would match, as written now (unsaved).`}
        action={
          <Button size="sm" variant="secondary" disabled={!ready || query.isFetching} onClick={() => void query.refetch()}>
            {query.isFetching ? "Checking…" : "Refresh"}
          </Button>
        }
      />
      <CardBody className={cn("space-y-3", query.isFetching && "opacity-80")}>
        {missing === "trigger" ? (
          <p className="text-sm text-zinc-500">Add a trigger to see which recent events the rule would match.</p>
        ) : missing === "communities" ? (
          <p className="text-sm text-zinc-500">Choose the communities the rule listens to.</p>
        ) : query.isError ? (
          <p role="alert" className="text-sm text-red-700">
            {query.error.message}
          </p>
        ) : !data ? (
          <p className="text-sm text-zinc-500">Checking the latest events…</p>
        ) : errorCount ? (
          <div role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
            Fix the rule to preview it:
            <ul className="mt-1 list-disc pl-5">
              {Object.entries(data.errors).map(([path, messages]) => (
                <li key={path}>{messages[0]}</li>
              ))}
            </ul>
          </div>
        ) : items.length === 0 ? (
          <p className="text-sm text-zinc-500">No events in this scope yet. Post one to a source’s URL, then refresh.</p>
        ) : (
          <>
            <div className="flex flex-wrap items-center justify-between gap-3">
              <p className="text-sm font-medium text-zinc-900" data-testid="preview-summary">
                {data.matched} of {items.length} would match
              </p>
              <div className="inline-flex rounded-md border border-zinc-300 p-0.5 text-xs" role="group" aria-label="Show">
                {(["all", "matched", "missed"] as const).map((option) => (
                  <button
                    key={option}
                    type="button"
                    aria-pressed={show === option}
                    onClick={() => setShow(option)}
                    className={cn("rounded px-2 py-1 font-medium", show === option ? "bg-zinc-900 text-white" : "text-zinc-700 hover:bg-zinc-100")}
                  >
                    {option === "all" ? "All" : option === "matched" ? `Matches (${data.matched})` : `Misses (${items.length - data.matched})`}
                  </button>
                ))}
              </div>
            </div>
            <ul className="max-h-[28rem] divide-y divide-zinc-100 overflow-y-auto rounded-md border border-zinc-200">
              {shown.map((item) => (
                <PreviewRow key={item.event.id} item={item} workspaceSlug={workspaceSlug} timeZone={timeZone} showCommunity={showCommunity} />
              ))}
            </ul>
          </>
        )}
      </CardBody>
    </Card>
  );
}

function PreviewRow({ item, workspaceSlug, timeZone, showCommunity }: { item: PreviewItem; workspaceSlug: string; timeZone: string; showCommunity: boolean }) {
  const { event } = item;
  return (
    <li className="flex items-start gap-3 px-3 py-2" data-testid="preview-row" data-matched={item.matched}>
      <span
        aria-label={item.matched ? "Would match" : "Would not match"}
        className={cn("mt-0.5 inline-flex size-5 shrink-0 items-center justify-center rounded-full text-xs font-bold", item.matched ? "bg-emerald-100 text-emerald-800" : "bg-zinc-100 text-zinc-500")}
      >
        {item.matched ? "✓" : "✗"}
      </span>
      <div className="min-w-0 flex-1 text-sm">
        <p className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <SeverityBadge severity={event.severity} />
          <a href={`/w/${workspaceSlug}/events/${event.id}`} target="_blank" rel="noreferrer" className="font-medium break-words text-zinc-900 hover:underline">
            {event.title}
          </a>
        </p>
        <p className="mt-0.5 text-xs text-zinc-500">
          <code className="font-mono">{event.type}</code>
          {event.sourceName ? ` · ${event.sourceName}` : ""}
          {showCommunity && event.communityName ? ` · ${event.communityName}` : ""} · <RelativeTime date={event.receivedAt} timeZone={timeZone} past />
        </p>
        {item.reason ? (
          <p className="mt-0.5 text-xs text-amber-800" data-testid="preview-reason">
            {item.reason}
          </p>
        ) : null}
      </div>
    </li>
  );
}
