// Wall-clock times in an IANA timezone ↔ instants, with Intl alone: Node 20 has no Temporal, and
// one rule for the times a DST change skips or repeats keeps quiet hours and the maintenance
// dialog agreeing. Shared by the server (quiet hours) and the browser (dialogs), so no imports.

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

// Building a DateTimeFormat costs far more than using one; a process sees a few hundred zones at most.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      hourCycle: "h23",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * What the wall clock in `timeZone` reads at `instantMs`, written as the UTC instant with the same
 * digits (`Date.UTC(year, month - 1, day, hour, minute, second)`). Throws RangeError for an
 * unknown timezone.
 */
export function wallClockAt(timeZone: string, instantMs: number): number {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instantMs)) {
    if (part.type !== "literal") fields[part.type] = Number(part.value);
  }
  // Some engines once wrote midnight as 24 even with h23.
  const hour = fields.hour === 24 ? 0 : fields.hour!;
  return Date.UTC(fields.year!, fields.month! - 1, fields.day!, hour, fields.minute!, fields.second!);
}

/** The zone's offset from UTC at `instantMs`, in milliseconds (east positive: Paris in winter is +3,600,000). */
export function utcOffsetAt(timeZone: string, instantMs: number): number {
  return wallClockAt(timeZone, instantMs) - (instantMs - mod(instantMs, 1000));
}

/**
 * The instant at which the wall clock in `timeZone` first reads `wallMs` (as from `wallClockAt`).
 * A time read twice (the hour repeated when clocks go back) is its first reading; a time never
 * read (the hour skipped when clocks go forward) is the instant the clock jumps past it, so a
 * period "from 02:30" on a night that skips 02:00–03:00 begins at 03:00, the first moment the
 * clock shows 02:30 or later.
 */
export function instantOfWallClock(timeZone: string, wallMs: number): Date {
  // Offsets lie within ±14 h, so the instant is within a day of `wallMs`; the offsets in force a
  // day either side cover it (zones do not change offset twice within two days).
  const before = utcOffsetAt(timeZone, wallMs - DAY_MS);
  const after = utcOffsetAt(timeZone, wallMs + DAY_MS);
  const readings = [...new Set([before, after])]
    .map((offset) => wallMs - offset)
    .filter((instant) => utcOffsetAt(timeZone, instant) === wallMs - instant)
    .sort((a, b) => a - b);
  if (readings.length > 0) return new Date(readings[0]!);

  // Skipped: the clock jumps at some instant T in (wallMs - after, wallMs - before]; find T,
  // the first whole second at which the new offset is in force.
  let lo = wallMs - after; // still the old offset
  let hi = wallMs - before; // already the new one
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (utcOffsetAt(timeZone, mid) === before) lo = mid;
    else hi = mid;
  }
  return new Date(hi);
}

/** A calendar day in some timezone, as `Date.UTC(year, month - 1, day)`: adding DAY_MS is the next day. */
export type LocalDay = number;

/** The local day, weekday (0 = Sunday) and minute of the day at `instant` in `timeZone`. */
export function localTimeAt(timeZone: string, instant: Date): { day: LocalDay; weekday: number; minuteOfDay: number } {
  const wall = wallClockAt(timeZone, instant.getTime());
  const day = wall - mod(wall, DAY_MS);
  return { day, weekday: weekdayOf(day), minuteOfDay: Math.floor(mod(wall, DAY_MS) / MINUTE_MS) };
}

export function weekdayOf(day: LocalDay): number {
  return new Date(day).getUTCDay();
}

/** The instant of `minuteOfDay` on local `day` in `timeZone`, by the rule of `instantOfWallClock`. */
export function instantOfLocalMinute(timeZone: string, day: LocalDay, minuteOfDay: number): Date {
  return instantOfWallClock(timeZone, day + minuteOfDay * MINUTE_MS);
}

/**
 * "2025-03-30T02:30" (an `<input type="datetime-local">` value) in `timeZone` → the instant; null
 * when it is not such a value. Seconds are ignored.
 */
export function parseLocalDateTime(value: string, timeZone: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(value.trim());
  if (!match) return null;
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const check = new Date(wall);
  // Date.UTC rolls 31 February over into March; a form value that does so is not a date.
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59) return null;
  return instantOfWallClock(timeZone, wall);
}

/** The instant as an `<input type="datetime-local">` value in `timeZone`: "2025-03-30T03:30". */
export function formatLocalDateTime(instant: Date, timeZone: string): string {
  return new Date(wallClockAt(timeZone, instant.getTime())).toISOString().slice(0, 16);
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}
