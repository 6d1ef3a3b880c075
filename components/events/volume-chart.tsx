import Link from "next/link";
import { minSpikeEvents, type EventVolume } from "@/server/events/event-volume";
import { eventsHref, type EventView } from "./event-search-params";
import { formatDateTime, formatDay, formatHour } from "./format-time";

// Stacked bars per bucket, one colour per type (no red: red is for spikes), drawn as plain SVG.
const palette = ["#2563eb", "#f59e0b", "#10b981", "#8b5cf6", "#ec4899", "#06b6d4", "#84cc16", "#f97316", "#6366f1", "#14b8a6", "#a855f7", "#eab308"];
const otherColour = "#a1a1aa";
const spikeColour = "#dc2626";

const width = 960;
const height = 200;
const pad = { left: 44, right: 8, top: 20, bottom: 24 };
const plotWidth = width - pad.left - pad.right;
const plotHeight = height - pad.top - pad.bottom;

export const seriesColour = (index: number, type: string | null) => (type === null ? otherColour : palette[index % palette.length]!);

/** A round step (1, 2 or 5 × 10ⁿ) giving about four grid lines up to `max`. */
function gridStep(max: number): number {
  const raw = Math.max(max, 1) / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  return Math.max(1, step);
}

const format = (n: number) => n.toLocaleString("en-US");

type Props = { volume: EventVolume; slug: string; view: EventView; timeZone: string };

export function VolumeChart({ volume, slug, view, timeZone }: Props) {
  const { buckets, series } = volume;
  const maxTotal = Math.max(0, ...buckets.map((b) => b.total));
  const step = gridStep(maxTotal);
  const yMax = Math.max(step, Math.ceil(maxTotal / step) * step);
  const y = (n: number) => pad.top + plotHeight - (n / yMax) * plotHeight;
  const slot = plotWidth / Math.max(buckets.length, 1);
  const barWidth = slot >= 4 ? slot * 0.78 : slot;
  const labelEvery = Math.max(1, Math.ceil(buckets.length / 8));
  const hourly = volume.bucketSize === "hour";
  const unit = hourly ? "hour" : "day";
  const spikes = buckets.filter((b) => b.spike);

  const bucketLabel = (start: Date) => {
    if (!hourly) return formatDay(start, timeZone);
    const hour = formatHour(start, timeZone);
    return hour === "00:00" ? formatDay(start, timeZone) : hour;
  };
  const bucketTitle = (start: Date, end: Date) =>
    hourly ? `${formatDateTime(start, timeZone, { seconds: false })}–${formatHour(end, timeZone)}` : formatDateTime(start, timeZone, { seconds: false }).slice(0, 10);

  const summary =
    `Events per ${unit} by type: ${format(volume.total)} in total` +
    (spikes.length ? `; spikes at ${spikes.map((b) => bucketTitle(b.start, b.end)).join(", ")}` : "; no spikes");

  return (
    <figure className="space-y-3" data-testid="volume-chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary} className="h-auto w-full select-none">
        <title>{summary}</title>
        {/* Grid and y axis. */}
        {Array.from({ length: Math.round(yMax / step) + 1 }, (_, i) => i * step).map((tick) => (
          <g key={tick}>
            <line x1={pad.left} x2={width - pad.right} y1={y(tick)} y2={y(tick)} stroke={tick === 0 ? "#a1a1aa" : "#e4e4e7"} strokeWidth={1} />
            <text x={pad.left - 6} y={y(tick)} dy="0.32em" textAnchor="end" fontSize={11} fill="#71717a">
              {format(tick)}
            </text>
          </g>
        ))}

        {buckets.map((bucket, index) => {
          const x = pad.left + index * slot + (slot - barWidth) / 2;
          let top = pad.top + plotHeight;
          const title = [
            `${bucketTitle(bucket.start, bucket.end)} · ${format(bucket.total)} event${bucket.total === 1 ? "" : "s"}${bucket.spike ? " — spike" : ""}`,
            ...series.flatMap((s, i) => (bucket.counts[i] ? [`${s.type ?? "other types"}: ${format(bucket.counts[i]!)}`] : [])),
          ].join("\n");
          return (
            <Link
              key={bucket.start.getTime()}
              href={eventsHref(slug, { ...view, range: "custom", from: bucket.start.toISOString(), to: bucket.end.toISOString() })}
              prefetch={false}
              aria-label={title.replace(/\n/g, "; ")}
              data-spike={bucket.spike ? "true" : undefined}
            >
              <title>{title}</title>
              {/* The whole column is the click target; a spike's column is tinted red. */}
              <rect x={pad.left + index * slot} y={pad.top} width={slot} height={plotHeight} fill={bucket.spike ? "#fee2e2" : "transparent"} />
              {series.map((s, i) => {
                const count = bucket.counts[i] ?? 0;
                if (!count) return null;
                const h = (count / yMax) * plotHeight;
                top -= h;
                return <rect key={s.type ?? "(other)"} x={x} y={top} width={barWidth} height={h} fill={seriesColour(i, s.type)} />;
              })}
              {bucket.spike ? (
                <>
                  <rect x={x} y={top} width={barWidth} height={pad.top + plotHeight - top} fill="none" stroke={spikeColour} strokeWidth={1.5} />
                  <path d={`M ${x + barWidth / 2 - 5} ${pad.top - 12} h 10 l -5 7 z`} fill={spikeColour} />
                </>
              ) : null}
              {index % labelEvery === 0 ? (
                <text x={pad.left + index * slot + slot / 2} y={height - 6} textAnchor="middle" fontSize={11} fill="#71717a">
                  {bucketLabel(bucket.start)}
                </text>
              ) : null}
            </Link>
          );
        })}
        {volume.total === 0 ? (
          <text x={pad.left + plotWidth / 2} y={pad.top + plotHeight / 2} textAnchor="middle" fontSize={13} fill="#71717a">
            No events in this range
          </text>
        ) : null}
      </svg>

      <figcaption>
        <ul className="flex flex-wrap gap-x-4 gap-y-1.5 text-xs text-zinc-700" aria-label="Legend">
          {series.map((s, i) => {
            const swatch = <span className="inline-block size-2.5 shrink-0 rounded-sm" style={{ backgroundColor: seriesColour(i, s.type) }} />;
            const label = (
              <>
                {swatch}
                <span className={s.type ? "font-mono" : undefined}>{s.type ?? "Other types"}</span>
                <span className="text-zinc-500">{format(s.total)}</span>
              </>
            );
            return (
              <li key={s.type ?? "(other)"} data-testid="volume-legend-item">
                {s.type ? (
                  <Link href={eventsHref(slug, { ...view, types: [s.type] })} prefetch={false} className="inline-flex items-center gap-1.5 hover:underline" title={`Show only ${s.type}`}>
                    {label}
                  </Link>
                ) : (
                  <span className="inline-flex items-center gap-1.5">{label}</span>
                )}
              </li>
            );
          })}
          {spikes.length ? (
            <li className="inline-flex items-center gap-1.5 font-medium text-red-700" data-testid="volume-spike-note">
              <span className="inline-block size-2.5 rounded-sm border-[1.5px] border-red-600 bg-red-100" />
              {spikes.length === 1 ? "1 spike" : `${spikes.length} spikes`}: above mean + 3σ ({format(Math.max(minSpikeEvents, Math.floor(volume.spikeThreshold ?? 0) + 1))}+ events per {unit})
            </li>
          ) : null}
        </ul>
      </figcaption>
    </figure>
  );
}
