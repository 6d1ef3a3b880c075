const relative = new Intl.RelativeTimeFormat("en", { numeric: "always" });

// Each unit is used while its rounded count stays under its limit: up to 59 minutes, then
// 1–23 hours, 1–13 days, 2–4 weeks, 1–11 months, then years.
const units: [Intl.RelativeTimeFormatUnit, number, number][] = [
  ["minute", 60, 60],
  ["hour", 3600, 24],
  ["day", 86_400, 14],
  ["week", 7 * 86_400, 5],
  ["month", 30 * 86_400, 12],
];

/** "3 minutes ago", "in 1 hour", "just now". */
export function formatRelative(date: Date, now: number): string {
  const seconds = (date.getTime() - now) / 1000;
  if (Math.abs(seconds) < 45) return seconds > 0 ? "in a moment" : "just now";
  for (const [unit, size, limit] of units) {
    const count = Math.round(seconds / size);
    if (Math.abs(count) < limit) return relative.format(count, unit);
  }
  return relative.format(Math.round(seconds / (365 * 86_400)), "year");
}

/** The full date and time in the workspace's timezone, e.g. "12 May 2025, 14:03:09 UTC". */
export function formatAbsolute(date: Date, timeZone: string): string {
  const options: Intl.DateTimeFormatOptions = {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  };
  try {
    return new Intl.DateTimeFormat("en-GB", { ...options, timeZone }).format(date);
  } catch {
    // A timezone this runtime does not know: UTC is still unambiguous.
    return new Intl.DateTimeFormat("en-GB", { ...options, timeZone: "UTC" }).format(date);
  }
}
