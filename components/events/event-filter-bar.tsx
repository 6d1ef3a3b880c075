"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { cn } from "@/lib/utils";
import type { EventOrigin } from "@/server/db/schema/ingest";
import { eventOriginValues, typeFilterSchema } from "@/server/events/event-schemas";
import { severities, type Severity } from "@/server/events/severities";
import { eventsHref, hasFilters, rangeOptions, type EventView, type RangeKey } from "./event-search-params";
import { fromDateTimeLocal, toDateTimeLocal } from "./format-time";
import { severityLabels } from "./severity-badge";

const originLabels: Record<EventOrigin, string> = { ingest: "Ingested", system: "System", audit: "Audit" };

type Props = {
  slug: string;
  view: EventView;
  timeZone: string;
  sources: { id: string; name: string; communityName: string }[];
  /** Null in a single-mode workspace, where communities are not shown. */
  communities: { id: string; name: string }[] | null;
};

/**
 * The filters of the event log. Every change becomes the page's URL (so a view can be shared);
 * choices apply at once, typed text on Enter or Apply.
 */
export function EventFilterBar({ slug, view, timeZone, sources, communities }: Props) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  // Choices are held here too, so a select shows the new value while its page loads.
  const [choices, setChoices] = useState<Pick<EventView, "severity" | "source" | "community" | "origin">>(view);
  const [q, setQ] = useState(view.q);
  const [types, setTypes] = useState(view.types.join(", "));
  const [range, setRange] = useState<RangeKey>(view.range);
  const [from, setFrom] = useState(() => (view.from ? toDateTimeLocal(new Date(view.from), timeZone) : ""));
  const [to, setTo] = useState(() => (view.to ? toDateTimeLocal(new Date(view.to), timeZone) : ""));
  const [errors, setErrors] = useState<Partial<Record<"types" | "from" | "to", string>>>({});

  const go = (next: EventView) => startTransition(() => router.push(eventsHref(slug, next), { scroll: false }));

  /** The typed fields, checked; null (with messages beside the fields) when one is not valid. */
  function readTypedFields(nextRange: RangeKey): Pick<EventView, "q" | "types" | "range" | "from" | "to"> | null {
    const found: typeof errors = {};
    const parsedTypes: string[] = [];
    for (const type of types.split(",").map((t) => t.trim()).filter(Boolean)) {
      const parsed = typeFilterSchema.safeParse(type);
      if (parsed.success) parsedTypes.push(parsed.data);
      else found.types = `"${type}" is not a type: use one such as auth.login_failed, or a prefix such as alert.*`;
    }
    let fromIso = "";
    let toIso = "";
    if (nextRange === "custom") {
      const fromDate = from ? fromDateTimeLocal(from, timeZone) : null;
      const toDate = to ? fromDateTimeLocal(to, timeZone) : null;
      if (!fromDate) found.from = "Choose when the range starts";
      if (to && !toDate) found.to = "Not a date";
      if (fromDate && toDate && fromDate >= toDate) found.to = "The end must be after the start";
      fromIso = fromDate?.toISOString() ?? "";
      toIso = toDate?.toISOString() ?? "";
    }
    setErrors(found);
    if (Object.keys(found).length > 0) return null;
    return { q: q.trim(), types: [...new Set(parsedTypes)], range: nextRange, from: fromIso, to: toIso };
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const typed = readTypedFields(range);
    if (typed) go({ ...view, ...choices, ...typed });
  }

  /** A choice applies at once, together with whatever was typed. */
  function choose(change: Partial<typeof choices>) {
    setChoices({ ...choices, ...change });
    const typed = readTypedFields(range);
    if (typed) go({ ...view, ...choices, ...typed, ...change });
  }

  function chooseRange(next: RangeKey) {
    setRange(next);
    if (next !== "custom") {
      setErrors({});
      const typed = readTypedFields(next);
      if (typed) go({ ...view, ...choices, ...typed, range: next, from: "", to: "" });
      return;
    }
    // Custom starts from the range shown so far, to be adjusted and applied.
    const now = new Date();
    const shown = rangeOptions.find((option) => option.key === view.range);
    if (!from) setFrom(toDateTimeLocal(new Date(now.getTime() - (shown?.ms ?? 24 * 60 * 60 * 1000)), timeZone));
    if (!to) setTo(toDateTimeLocal(now, timeZone));
  }

  return (
    <form onSubmit={onSubmit} className="space-y-3" role="search" aria-label="Filter events" noValidate>
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[2fr_1.5fr_1.2fr_auto] lg:items-end">
        <Field id="event-search" label="Search">
          <Input id="event-search" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Words in the title, message or actor" maxLength={200} />
        </Field>
        <Field id="event-types" label="Type" errors={errors.types ? [errors.types] : undefined}>
          <Input
            id="event-types"
            value={types}
            onChange={(e) => setTypes(e.target.value)}
            placeholder="auth.login_failed, alert.*"
            aria-invalid={errors.types ? true : undefined}
            aria-describedby={errors.types ? "event-types-error" : undefined}
            spellCheck={false}
            autoCapitalize="off"
          />
        </Field>
        <Field id="event-range" label="Time range">
          <Select id="event-range" value={range} onChange={(e) => chooseRange(e.target.value as RangeKey)}>
            {rangeOptions.map((option) => (
              <option key={option.key} value={option.key}>
                {option.label}
              </option>
            ))}
            <option value="custom">Custom range…</option>
          </Select>
        </Field>
        <Button type="submit" variant="secondary" disabled={pending}>
          Apply
        </Button>
      </div>

      <div className={cn("grid gap-3 sm:grid-cols-2", communities ? "lg:grid-cols-4" : "lg:grid-cols-3")}>
        <Field id="event-severity" label="Severity">
          <Select id="event-severity" value={choices.severity} onChange={(e) => choose({ severity: e.target.value as Severity | "" })}>
            <option value="">Any severity</option>
            {severities.slice(1).map((severity) => (
              <option key={severity} value={severity}>
                {severity === "critical" ? "Critical only" : `${severityLabels[severity]} and above`}
              </option>
            ))}
          </Select>
        </Field>
        <Field id="event-source" label="Source">
          <Select id="event-source" value={choices.source} onChange={(e) => choose({ source: e.target.value })}>
            <option value="">All sources</option>
            {sources.map((source) => (
              <option key={source.id} value={source.id}>
                {communities ? `${source.name} (${source.communityName})` : source.name}
              </option>
            ))}
            {view.source && !sources.some((s) => s.id === view.source) ? <option value={view.source}>A deleted source</option> : null}
          </Select>
        </Field>
        {communities ? (
          <Field id="event-community" label="Community">
            <Select id="event-community" value={choices.community} onChange={(e) => choose({ community: e.target.value })}>
              <option value="">All communities</option>
              {communities.map((community) => (
                <option key={community.id} value={community.id}>
                  {community.name}
                </option>
              ))}
              {view.community && !communities.some((c) => c.id === view.community) ? <option value={view.community}>A deleted community</option> : null}
            </Select>
          </Field>
        ) : null}
        <Field id="event-origin" label="Origin">
          <Select id="event-origin" value={choices.origin} onChange={(e) => choose({ origin: e.target.value as EventOrigin | "" })}>
            <option value="">Any origin</option>
            {eventOriginValues.map((origin) => (
              <option key={origin} value={origin}>
                {originLabels[origin]}
              </option>
            ))}
          </Select>
        </Field>
      </div>

      {range === "custom" ? (
        <div className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-start">
          <Field id="event-from" label={`From (${timeZone})`} errors={errors.from ? [errors.from] : undefined}>
            <Input id="event-from" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} aria-invalid={errors.from ? true : undefined} />
          </Field>
          <Field id="event-to" label={`To (${timeZone})`} hint="Leave empty for “until now”." errors={errors.to ? [errors.to] : undefined}>
            <Input id="event-to" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} aria-invalid={errors.to ? true : undefined} />
          </Field>
          <Button type="submit" className="sm:mt-6.5" disabled={pending}>
            Apply range
          </Button>
        </div>
      ) : null}

      <span role="status" aria-live="polite" className="sr-only">
        {pending ? "Updating the events…" : ""}
      </span>
      {pending || hasFilters(view) ? (
        <div className="flex items-center justify-between text-sm">
          <span className="text-zinc-500">{pending ? "Updating…" : ""}</span>
          {hasFilters(view) ? (
            <Link href={eventsHref(slug, {})} className="font-medium text-zinc-700 underline-offset-2 hover:underline">
              Clear filters
            </Link>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
