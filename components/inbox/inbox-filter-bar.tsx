"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition, type ReactNode } from "react";
import { severityLabels } from "@/components/events/severity-badge";
import { Select } from "@/components/ui/input";
import { cn } from "@/lib/utils";
import { severities, type Severity } from "@/server/events/severities";
import { hasInboxFilters, inboxHref, type InboxView } from "./inbox-search-params";

type Option = { id: string; name: string };

type Props = {
  slug: string;
  view: InboxView;
  rules: Option[];
  /** Null in single mode. */
  communities: Option[] | null;
};

/**
 * Inbox or archive, unread only, severity, rule, community: each choice is the page's URL. The
 * choices are held here too, so a control shows its new value while the page loads (the page
 * keys this bar by its URL, so it starts afresh from each one).
 */
export function InboxFilterBar({ slug, view: current, rules, communities }: Props) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [view, setView] = useState(current);
  const go = (change: Partial<InboxView>) => {
    const next = { ...view, ...change };
    setView(next);
    startTransition(() => router.push(inboxHref(slug, next), { scroll: false }));
  };

  return (
    <div className={cn("flex flex-wrap items-end gap-3", pending && "opacity-70")} aria-busy={pending}>
      <div role="tablist" aria-label="Inbox or archive" className="inline-flex rounded-md border border-zinc-300 p-0.5">
        {[
          { archived: false, label: "Inbox" },
          { archived: true, label: "Archive" },
        ].map((tab) => (
          <button
            key={tab.label}
            type="button"
            role="tab"
            aria-selected={view.archived === tab.archived}
            onClick={() => go({ archived: tab.archived })}
            className={cn("rounded px-3 py-1.5 text-sm font-medium", view.archived === tab.archived ? "bg-zinc-900 text-white" : "text-zinc-700 hover:bg-zinc-100")}
          >
            {tab.label}
          </button>
        ))}
      </div>

      <label className="flex h-10 items-center gap-2 text-sm text-zinc-800">
        <input type="checkbox" className="size-4 accent-zinc-900" checked={view.unread} onChange={(e) => go({ unread: e.target.checked })} />
        Unread only
      </label>

      <FilterSelect id="inbox-severity" label="Severity" value={view.severity} onChange={(severity) => go({ severity: severity as Severity | "" })}>
        <option value="">Any</option>
        {severities.map((severity) => (
          <option key={severity} value={severity}>
            {severityLabels[severity]}
          </option>
        ))}
      </FilterSelect>

      <FilterSelect id="inbox-rule" label="Rule" value={view.rule} onChange={(rule) => go({ rule })}>
        <option value="">Any rule</option>
        {rules.map((rule) => (
          <option key={rule.id} value={rule.id}>
            {rule.name}
          </option>
        ))}
      </FilterSelect>

      {communities ? (
        <FilterSelect id="inbox-community" label="Community" value={view.community} onChange={(community) => go({ community })}>
          <option value="">Any community</option>
          {communities.map((community) => (
            <option key={community.id} value={community.id}>
              {community.name}
            </option>
          ))}
        </FilterSelect>
      ) : null}

      {hasInboxFilters(view) ? (
        <Link href={inboxHref(slug, { unread: false, severity: "", rule: "", community: "", archived: false })} className="h-10 py-2 text-sm font-medium text-zinc-600 underline hover:text-zinc-900">
          Clear filters
        </Link>
      ) : null}
    </div>
  );
}

function FilterSelect(props: { id: string; label: string; value: string; onChange: (value: string) => void; children: ReactNode }) {
  return (
    <div className="space-y-1">
      <label htmlFor={props.id} className="block text-xs font-medium text-zinc-600">
        {props.label}
      </label>
      <Select id={props.id} className="w-44" value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.children}
      </Select>
    </div>
  );
}
