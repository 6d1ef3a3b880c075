// Times of the event log, shown in the workspace's timezone. Numeric parts only, so that the
// server's rendering and the browser's hydration produce exactly the same text.

type Parts = { year: number; month: number; day: number; hour: number; minute: number; second: number };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function zonedParts(date: Date, timeZone: string): Parts {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(date)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour! % 24, minute: parts.minute!, second: parts.second! };
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

/** How far `timeZone`'s wall clock is ahead of UTC at `date`, in milliseconds. */
function offsetMs(date: Date, timeZone: string): number {
  const p = zonedParts(date, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(date.getTime() / 1000) * 1000;
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
  const first = wall - offsetMs(new Date(wall), timeZone);
  const second = wall - offsetMs(new Date(first), timeZone);
  return new Date(Math.max(first, second));
}
