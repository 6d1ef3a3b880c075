import { and, count, eq, gte, isNotNull, sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { executeRows } from "@/server/db/execute-rows";
import { events } from "@/server/db/schema";
import { DomainError } from "@/server/errors";
import { eventFilterConditions } from "./event-conditions";
import { eventVolumeInput, hourlyBucketsUpToMs, maxVolumeRangeDays, type EventVolumeInput } from "./event-schemas";

const DAY_MS = 24 * 60 * 60 * 1000;
/** A bucket is a spike when above mean + 3σ of the series, and has at least this many events. */
export const spikeSigmas = 3;
export const minSpikeEvents = 5;

export type BucketSize = "hour" | "day";

export type VolumeBucket = {
  start: Date;
  end: Date;
  /** Events per series, in the order of `series`. */
  counts: number[];
  total: number;
  spike: boolean;
};

export type EventVolume = {
  bucketSize: BucketSize;
  /** Day buckets follow the workspace's timezone (midnight to midnight there); hours are UTC hours. */
  timezone: string;
  from: Date;
  to: Date;
  /** The busiest types, then (type null) every other type added up, when there are any. */
  series: { type: string | null; total: number }[];
  buckets: VolumeBucket[];
  total: number;
  /** Totals above this are spikes; null when the series is too flat or too short to tell. */
  spikeThreshold: number | null;
};

/** mean + 3σ (population) of the bucket totals, and which buckets exceed it. */
export function findSpikes(totals: number[]): { threshold: number | null; spikes: boolean[] } {
  if (totals.length < 3) return { threshold: null, spikes: totals.map(() => false) };
  const mean = totals.reduce((sum, n) => sum + n, 0) / totals.length;
  const variance = totals.reduce((sum, n) => sum + (n - mean) ** 2, 0) / totals.length;
  const sigma = Math.sqrt(variance);
  if (sigma === 0) return { threshold: null, spikes: totals.map(() => false) };
  const threshold = mean + spikeSigmas * sigma;
  return { threshold, spikes: totals.map((n) => n > threshold && n >= minSpikeEvents) };
}

/** The range a volume covers: the filters' own, or the 24 hours up to `now`. */
export function resolveVolumeRange(input: { from?: Date; to?: Date }, now: Date): { from: Date; to: Date; bucketSize: BucketSize } {
  const to = input.to ?? now;
  const from = input.from ?? new Date(to.getTime() - DAY_MS);
  if (from >= to) throw new DomainError("BAD_REQUEST", "The start of the range must be before its end", { field: "to" });
  if (to.getTime() - from.getTime() > maxVolumeRangeDays * DAY_MS) {
    throw new DomainError("BAD_REQUEST", `The volume chart covers at most ${maxVolumeRangeDays} days; choose a shorter range`, { field: "from" });
  }
  return { from, to, bucketSize: to.getTime() - from.getTime() <= hourlyBucketsUpToMs ? "hour" : "day" };
}

type VolumeRow = { start_ms: number | string; end_ms: number | string; type: string | null; n: number | string };

/**
 * Events per bucket and type over a range, with the same filters as the list. Every bucket of
 * the range is present (empty ones as 0), so the chart has no holes.
 */
export async function eventVolume(
  db: Db,
  workspace: { id: string; timezone: string },
  rawInput: EventVolumeInput,
  now: Date = new Date(),
): Promise<EventVolume> {
  const input = eventVolumeInput.parse(rawInput);
  const { from, to, bucketSize } = resolveVolumeRange(input, now);
  // Hours are cut in UTC: local hours repeat or vanish at DST changes, UTC hours never do.
  const timezone = bucketSize === "hour" ? "UTC" : workspace.timezone;
  const unit = sql.raw(`'${bucketSize}'`);
  const step = sql.raw(`interval '1 ${bucketSize}'`);
  const where = eventFilterConditions(workspace.id, { ...input, from, to });

  const rows = await executeRows<VolumeRow>(db, sql`
    with matched as (
      select date_trunc(${unit}, ${events.receivedAt} at time zone ${timezone}) as bucket, ${events.type} as type
      from ${events}
      where ${where}
    ),
    ranked as (
      select type, row_number() over (order by count(*) desc, type) as rank
      from matched
      group by type
    ),
    counts as (
      select m.bucket, case when r.rank <= ${input.topTypes} then m.type end as type, count(*) as n
      from matched m
      join ranked r on r.type = m.type
      group by 1, 2
    ),
    buckets as (
      select generate_series(
        date_trunc(${unit}, ${from.toISOString()}::timestamptz at time zone ${timezone}),
        (${to.toISOString()}::timestamptz at time zone ${timezone}) - interval '1 microsecond',
        ${step}
      ) as bucket
    )
    select
      (extract(epoch from (b.bucket at time zone ${timezone})) * 1000)::float8 as start_ms,
      (extract(epoch from ((b.bucket + ${step}) at time zone ${timezone})) * 1000)::float8 as end_ms,
      c.type,
      coalesce(c.n, 0)::int as n
    from buckets b
    left join counts c on c.bucket = b.bucket
    order by b.bucket, c.type nulls last
  `);

  // Pivot: one entry per bucket, one series per type (the busiest first, "other" last).
  const byStart = new Map<number, { start: number; end: number; counts: Map<string | null, number> }>();
  const totals = new Map<string | null, number>();
  for (const row of rows) {
    const start = Number(row.start_ms);
    let bucket = byStart.get(start);
    if (!bucket) byStart.set(start, (bucket = { start, end: Number(row.end_ms), counts: new Map() }));
    const n = Number(row.n);
    if (n > 0) {
      bucket.counts.set(row.type, n);
      totals.set(row.type, (totals.get(row.type) ?? 0) + n);
    }
  }
  const series = [...totals.entries()]
    .map(([type, total]) => ({ type, total }))
    .sort((a, b) => (a.type === null ? 1 : b.type === null ? -1 : b.total - a.total || a.type.localeCompare(b.type)));
  const ordered = [...byStart.values()];
  const bucketTotals = ordered.map((b) => [...b.counts.values()].reduce((sum, n) => sum + n, 0));
  const { threshold, spikes } = findSpikes(bucketTotals);

  return {
    bucketSize,
    timezone,
    from,
    to,
    series,
    buckets: ordered.map((b, index) => ({
      start: new Date(b.start),
      end: new Date(b.end),
      counts: series.map((s) => b.counts.get(s.type) ?? 0),
      total: bucketTotals[index]!,
      spike: spikes[index]!,
    })),
    total: bucketTotals.reduce((sum, n) => sum + n, 0),
    spikeThreshold: threshold,
  };
}

/** Events received per source since `since` (sources without any are absent), e.g. for "last 24 h". */
export async function countEventsBySource(db: Db, workspaceId: string, since: Date): Promise<Record<string, number>> {
  const rows = await db
    .select({ sourceId: events.sourceId, count: count() })
    .from(events)
    .where(and(eq(events.workspaceId, workspaceId), gte(events.receivedAt, since), isNotNull(events.sourceId)))
    .groupBy(events.sourceId);
  return Object.fromEntries(rows.map((row) => [row.sourceId!, Number(row.count)]));
}
