// Times of the event log, shown in the workspace's timezone. Numeric parts only, so that the
// server's rendering and the browser's hydration produce exactly the same text.
import { utcOffsetAt, wallClockAt } from "@/lib/zoned-time";

type Parts = { year: number; month: number; day: number; hour: number; minute: number; second: number };

function zonedParts(date: Date, timeZone: string): Parts {
  const wall = new Date(wallClockAt(timeZone, date.getTime()));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate(), hour: wall.getUTCHours(), minute: wall.getUTCMinutes(), second: wall.getUTCSeconds() };
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");
const monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `2024-06-01 14:05:09` in `timeZone`. */
export function formatDateTime(date: Date, timeZone: string, options: { seconds?: boolean } = {}): string {
  const p = zonedParts(date, timeZone);
  const time = `${pad(p.hour)}:${pad(p.minute)}${options.seconds === false ? "" : `:${pad(p.second)}`}`;
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${time}`;
}

/** `14:00` in `timeZone`. */
export function formatHour(date: Date, timeZone: string): string {
  const p = zonedParts(date, timeZone);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

/** `1 Jun` in `timeZone`. */
export function formatDay(date: Date, timeZone: string): string {
  const p = zonedParts(date, timeZone);
  return `${p.day} ${monthNames[p.month - 1]}`;
}

/** The value of an `<input type="datetime-local">` showing `date` in `timeZone`. */
export function toDateTimeLocal(date: Date, timeZone: string): string {
  const p = zonedParts(date, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/**
 * The instant at which `timeZone`'s clock shows `value` (`YYYY-MM-DDTHH:mm`, as a
 * datetime-local input gives it); null when it is not such a value. A wall time skipped by a
 * DST change resolves to the instant after the gap.
 */
export function fromDateTimeLocal(value: string, timeZone: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, seconds] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute, seconds);
  if (Number.isNaN(wall)) return null;
  // Two passes find the offset in force at the result, also across a DST change.
  const first = wall - utcOffsetAt(timeZone, wall);
  const second = wall - utcOffsetAt(timeZone, first);
  return new Date(Math.max(first, second));
}
