"use client";

import { useDeferredValue, useMemo, useState } from "react";
import { SeverityBadge } from "@/components/events/severity-badge";
import { Input } from "@/components/ui/input";
import { catalogFamilies, catalogFamilyLabels, type CatalogEntry, type CatalogFamily } from "@/server/rules/catalog/types";

type Props = {
  catalog: readonly CatalogEntry[];
  selected: readonly string[];
  onToggle: (type: string, on: boolean) => void;
  disabled?: boolean;
};

/** Every word of the search must appear in the type, its label or its description. */
function matchesSearch(entry: CatalogEntry, words: string[]): boolean {
  const haystack = `${entry.type} ${entry.label} ${entry.description}`.toLowerCase();
  return words.every((word) => haystack.includes(word));
}

function groupByFamily(catalog: readonly CatalogEntry[], words: string[]) {
  const groups: { family: CatalogFamily; entries: CatalogEntry[] }[] = [];
  for (const family of catalogFamilies) {
    // A type another tool also emits is listed under it too (Sekoia's "no events received").
    const entries = catalog.filter((entry) => (entry.family === family || entry.alsoIn?.includes(family)) && matchesSearch(entry, words));
    if (entries.length) groups.push({ family, entries });
  }
  return groups;
}

/** The event catalog, searchable and grouped by the tool that emits each type. */
export function CatalogPicker({ catalog, selected, onToggle, disabled }: Props) {
  const [search, setSearch] = useState("");
  const deferred = useDeferredValue(search);
  const groups = useMemo(() => groupByFamily(catalog, deferred.toLowerCase().split(/\s+/).filter(Boolean)), [catalog, deferred]);

  return (
    <div className="rounded-md border border-zinc-200">
      <div className="border-b border-zinc-100 p-2">
        <Input type="search" aria-label="Search the event catalog" placeholder="Search types, e.g. login failed" value={search} onChange={(e) => setSearch(e.target.value)} />
      </div>
      <div className="max-h-80 overflow-y-auto" data-testid="catalog-picker">
        {groups.length === 0 ? <p className="px-3 py-4 text-sm text-zinc-500">No known type matches “{search}”. You can still type it as a trigger above.</p> : null}
        {groups.map(({ family, entries }) => (
          <section key={family} aria-label={catalogFamilyLabels[family]}>
            <h4 className="sticky top-0 z-10 border-b border-zinc-100 bg-zinc-50 px-3 py-1.5 text-xs font-semibold tracking-wide text-zinc-600 uppercase">
              {catalogFamilyLabels[family]}
            </h4>
            <ul className="divide-y divide-zinc-100">
              {entries.map((entry) => (
                <CatalogItem key={entry.type} entry={entry} checked={selected.includes(entry.type)} onToggle={onToggle} disabled={disabled} />
              ))}
            </ul>
          </section>
        ))}
      </div>
    </div>
  );
}

function CatalogItem({ entry, checked, onToggle, disabled }: { entry: CatalogEntry; checked: boolean; onToggle: Props["onToggle"]; disabled?: boolean }) {
  const id = `catalog-${entry.family}-${entry.type}`;
  return (
    <li className="px-3 py-2" data-testid="catalog-entry">
      <div className="flex items-start gap-3">
        <input
          id={id}
          type="checkbox"
          className="mt-1 size-4 accent-zinc-900"
          aria-label={entry.type}
          checked={checked}
          disabled={disabled}
          onChange={(e) => onToggle(entry.type, e.target.checked)}
        />
        <div className="min-w-0 flex-1">
          <label htmlFor={id} className="flex flex-wrap items-baseline gap-x-2 text-sm">
            <span className="font-medium text-zinc-900">{entry.label}</span>
            <code className="font-mono text-xs text-zinc-600">{entry.type}</code>
          </label>
          <p className="text-xs text-zinc-600">{entry.description}</p>
          <details className="mt-1 text-xs">
            <summary className="cursor-pointer text-zinc-500 hover:text-zinc-900">Example</summary>
            <CatalogExampleView entry={entry} />
          </details>
        </div>
      </div>
    </li>
  );
}

function CatalogExampleView({ entry }: { entry: CatalogEntry }) {
  const { example } = entry;
  return (
    <div className="mt-1 space-y-1 rounded border border-zinc-100 bg-zinc-50 p-2">
      <p className="flex flex-wrap items-center gap-2">
        <SeverityBadge severity={example.severity} />
        <span className="font-medium text-zinc-900">{example.title}</span>
      </p>
      <p className="text-zinc-700">{example.message}</p>
      {example.actor || example.clientIp ? (
        <p className="text-zinc-600">
          {example.actor ? <>actor <code className="font-mono">{example.actor}</code> </> : null}
          {example.clientIp ? <>· clientIp <code className="font-mono">{example.clientIp}</code></> : null}
        </p>
      ) : null}
      {Object.keys(example.data).length ? (
        <pre className="max-h-40 overflow-auto rounded bg-white p-2 font-mono text-[11px] text-zinc-700">{JSON.stringify(example.data, null, 2)}</pre>
      ) : null}
    </div>
  );
}
