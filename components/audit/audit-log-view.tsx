"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/react";
import { Input, Select } from "@/components/ui/input";
import { LoadMoreFooter } from "@/components/ui/load-more-footer";
import { auditObjectTypeLabels } from "@/server/audit/audit-schemas";
import { auditObjectTypes, type AuditObjectType } from "@/server/db/schema/audit";
import { AuditEntryRow } from "./audit-entry-row";
import type { AuditPage } from "./audit-types";

type Props = {
  workspaceSlug: string;
  timeZone: string;
  /** Members the trail can be filtered on (current ones; former ones still show in entries). */
  members: { userId: string; email: string }[];
  /** The first page without filters, rendered with the page. */
  firstPage: AuditPage;
};

type Filters = { objectType: AuditObjectType | ""; actor: string; from: string; to: string };
const noFilters: Filters = { objectType: "", actor: "", from: "", to: "" };

/** A `yyyy-mm-dd` day of a date input, as the instant it starts (UTC), or undefined. */
function dayStart(value: string, offsetDays = 0): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const date = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? undefined : new Date(date.getTime() + offsetDays * 86_400_000);
}

/** The workspace's audit trail, newest first, filtered, page by page. */
export function AuditLogView({ workspaceSlug, timeZone, members, firstPage }: Props) {
  const trpc = useTRPC();
  const [filters, setFilters] = useState<Filters>(noFilters);
  const unfiltered = filters.objectType === "" && filters.actor === "" && filters.from === "" && filters.to === "";
  const from = dayStart(filters.from);
  // "To" names a whole day: entries of that day are included.
  const to = dayStart(filters.to, 1);
  const rangeError = from && to && from >= to ? "The start of the range must be before its end" : null;
  const query = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      {
        workspaceSlug,
        objectTypes: filters.objectType ? [filters.objectType] : undefined,
        actor: filters.actor || undefined,
        from,
        to: rangeError ? undefined : to,
      },
      {
        initialData: unfiltered ? { pages: [firstPage], pageParams: [null] } : undefined,
        getNextPageParam: (page) => page.nextCursor,
        staleTime: 5_000,
      },
    ),
  );
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  const update = (changes: Partial<Filters>) => setFilters((current) => ({ ...current, ...changes }));

  return (
    <div>
      <form className="grid gap-3 border-b border-zinc-100 px-5 py-3 sm:grid-cols-4" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
        <label className="text-xs font-medium text-zinc-600">
          Object
          <Select className="mt-1" value={filters.objectType} onChange={(e) => update({ objectType: e.target.value as AuditObjectType | "" })}>
            <option value="">All objects</option>
            {auditObjectTypes.map((type) => (
              <option key={type} value={type}>
                {auditObjectTypeLabels[type]}
              </option>
            ))}
          </Select>
        </label>
        <label className="text-xs font-medium text-zinc-600">
          Actor
          <Select className="mt-1" value={filters.actor} onChange={(e) => update({ actor: e.target.value })}>
            <option value="">Anyone</option>
            <option value="tocsin">Tocsin (automatic changes)</option>
            {members.map((member) => (
              <option key={member.userId} value={member.userId}>
                {member.email}
              </option>
            ))}
          </Select>
        </label>
        <label className="text-xs font-medium text-zinc-600">
          From (UTC day)
          <Input className="mt-1" type="date" value={filters.from} onChange={(e) => update({ from: e.target.value })} />
        </label>
        <label className="text-xs font-medium text-zinc-600">
          To (UTC day, included)
          <Input className="mt-1" type="date" value={filters.to} onChange={(e) => update({ to: e.target.value })} aria-invalid={rangeError ? true : undefined} />
          {rangeError ? <span className="mt-1 block text-xs text-red-700">{rangeError}</span> : null}
        </label>
      </form>
      {query.isPending ? (
        <p className="px-5 py-10 text-center text-sm text-zinc-500">Loading…</p>
      ) : query.isError && items.length === 0 ? (
        <p className="px-5 py-10 text-center text-sm text-red-700">{query.error.message}</p>
      ) : items.length === 0 ? (
        <p className="px-5 py-10 text-center text-sm text-zinc-600">
          {unfiltered ? "Nothing recorded yet. Changes to rules, channels, sources, members, communities and settings appear here." : "No entry matches these filters."}
        </p>
      ) : (
        <ul className="divide-y divide-zinc-100 px-5" aria-label="Audit entries">
          {items.map((entry) => (
            <AuditEntryRow key={entry.id} entry={entry} timeZone={timeZone} />
          ))}
        </ul>
      )}
      <LoadMoreFooter countTestId="audit-count" count={items.length ? `Showing ${items.length.toLocaleString("en-US")} entr${items.length === 1 ? "y" : "ies"}` : null} query={query} />
    </div>
  );
}
