import { localTimeAt } from "@/lib/zoned-time";

function format(date: Date, timeZone: string, options: Intl.DateTimeFormatOptions): string {
  const base: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit", hourCycle: "h23", ...options };
  try {
    return new Intl.DateTimeFormat("en-GB", { ...base, timeZone }).format(date);
  } catch {
    return new Intl.DateTimeFormat("en-GB", { ...base, timeZone: "UTC" }).format(date);
  }
}

const sameLocalDay = (a: Date, b: Date, timeZone: string) => {
  try {
    return localTimeAt(timeZone, a).day === localTimeAt(timeZone, b).day;
  } catch {
    return false;
  }
};

/** "14:00" today, "Tue 13 May, 14:00" another day, "13 May 2026, 14:00" another year — in the workspace's timezone. */
export function formatWindowTime(date: Date, timeZone: string, now: Date): string {
  if (sameLocalDay(date, now, timeZone)) return format(date, timeZone, {});
  const otherYear = format(date, timeZone, { year: "numeric", hour: undefined, minute: undefined }) !== format(now, timeZone, { year: "numeric", hour: undefined, minute: undefined });
  return format(date, timeZone, otherYear ? { day: "numeric", month: "short", year: "numeric" } : { weekday: "short", day: "numeric", month: "short" });
}

/** "Tue 13 May, 14:00 – 16:00", or with both dates when it spans days. */
export function formatWindowSpan(startsAt: Date, endsAt: Date, timeZone: string, now: Date): string {
  const start = formatWindowTime(startsAt, timeZone, now);
  const end = sameLocalDay(startsAt, endsAt, timeZone) ? format(endsAt, timeZone, {}) : formatWindowTime(endsAt, timeZone, now);
  return `${start} – ${end}`;
}
