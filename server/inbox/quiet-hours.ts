// A member's quiet hours: the time maths (pure), the schema the API and the form share, and the
// sentence the Preferences page shows. No database here, so the browser can import it.
import { z } from "zod";
import { DAY_MS, instantOfLocalMinute, localTimeAt, utcOffsetAt, weekdayOf, type LocalDay } from "@/lib/zoned-time";
import { timezoneSchema } from "@/server/workspaces/workspace-schemas";

/**
 * From `fromMinute` to `toMinute` (minutes after local midnight, 0..1439) in `timezone`, starting on
 * each of `weekdays` (0 = Sunday … 6 = Saturday: the local day on which a period STARTS). A period
 * with `toMinute <= fromMinute` runs past midnight into the next day; `fromMinute === toMinute`
 * is a whole day, from that minute to the same minute the next day.
 */
export type QuietHours = { enabled: boolean; fromMinute: number; toMinute: number; weekdays: number[]; timezone: string };

export type QuietPeriod = { startsAt: Date; endsAt: Date };

/**
 * The quiet period containing `at` (start included, end excluded), or null. Periods start and end
 * at local times; where DST skips that time the period starts (or ends) when the clock jumps past
 * it, where DST repeats it, at its first reading (lib/zoned-time.ts). Whole-day periods on
 * consecutive days are one period, so "Saturday and Sunday, all day" ends once, on Monday —
 * unless all seven days are whole days, which would never end: then each day is its own period.
 * Throws RangeError for a timezone the runtime does not know (loadQuietHours never passes one).
 */
export function quietPeriodAt(quiet: QuietHours, at: Date): QuietPeriod | null {
  if (!quiet.enabled || quiet.weekdays.length === 0) return null;
  const days = new Set(quiet.weekdays);
  const { day: today, weekday, minuteOfDay } = localTimeAt(quiet.timezone, at);
  const t = at.getTime();
  // Most calls (the fan-out asks for every recipient) are outside quiet hours: when the clock
  // reading says so and no DST change is near, answer without computing any period.
  if (!onQuietClock(quiet, days, weekday, minuteOfDay) && offsetSteadyAround(quiet.timezone, t)) return null;
  // A period lasts at most a day (25 h when clocks go back), so only one starting yesterday or
  // today can contain `at`.
  for (const startDay of [today - DAY_MS, today]) {
    if (!days.has(weekdayOf(startDay))) continue;
    const period = periodStartingOn(quiet, startDay);
    if (period.startsAt.getTime() <= t && t < period.endsAt.getTime()) return joinWholeDays(quiet, days, startDay, period);
  }
  return null;
}

/** Whether the local clock reading falls in a period, counting in wall-clock minutes. */
function onQuietClock(quiet: QuietHours, days: Set<number>, weekday: number, minute: number): boolean {
  const { fromMinute: from, toMinute: to } = quiet;
  const overnight = to <= from;
  if (days.has(weekday) && minute >= from && (overnight || minute < to)) return true;
  return overnight && days.has((weekday + 6) % 7) && minute < to;
}

/** No offset change within the 26 h either side of `t` (a period lasts at most 25 h). */
function offsetSteadyAround(timeZone: string, t: number): boolean {
  const span = 26 * 3_600_000;
  const offset = utcOffsetAt(timeZone, t);
  return utcOffsetAt(timeZone, t - span) === offset && utcOffsetAt(timeZone, t + span) === offset;
}

function periodStartingOn(quiet: QuietHours, startDay: LocalDay): QuietPeriod {
  const endDay = quiet.toMinute <= quiet.fromMinute ? startDay + DAY_MS : startDay;
  return {
    startsAt: instantOfLocalMinute(quiet.timezone, startDay, quiet.fromMinute),
    endsAt: instantOfLocalMinute(quiet.timezone, endDay, quiet.toMinute),
  };
}

/** Whole-day periods touch the next day's: the stretch of consecutive chosen days is one period. */
function joinWholeDays(quiet: QuietHours, days: Set<number>, startDay: LocalDay, period: QuietPeriod): QuietPeriod {
  if (quiet.fromMinute !== quiet.toMinute || days.size === 7) return period;
  let first = startDay;
  while (days.has(weekdayOf(first - DAY_MS))) first -= DAY_MS;
  let end = startDay + DAY_MS;
  while (days.has(weekdayOf(end))) end += DAY_MS;
  return {
    startsAt: first === startDay ? period.startsAt : instantOfLocalMinute(quiet.timezone, first, quiet.fromMinute),
    endsAt: instantOfLocalMinute(quiet.timezone, end, quiet.fromMinute),
  };
}

export const minuteOfDaySchema = z
  .number({ message: "Choose a time" })
  .int("Whole minutes only")
  .min(0, "A time of day runs from 00:00")
  .max(1439, "A time of day runs to 23:59");

export const quietHoursSchema = z
  .object({
    enabled: z.boolean(),
    fromMinute: minuteOfDaySchema,
    toMinute: minuteOfDaySchema,
    weekdays: z
      .array(z.number().int("A day is 0 (Sunday) to 6 (Saturday)").min(0, "A day is 0 (Sunday) to 6 (Saturday)").max(6, "A day is 0 (Sunday) to 6 (Saturday)"))
      .max(7, "A week has seven days")
      .transform((weekdays) => [...new Set(weekdays)].sort((a, b) => a - b)),
    timezone: timezoneSchema,
  })
  .refine((quiet) => !quiet.enabled || quiet.weekdays.length > 0, { message: "Choose at least one day", path: ["weekdays"] });

/** What a member who never set quiet hours is offered: 22:00 to 07:00 every night. */
export const defaultQuietHours = (timezone: string): QuietHours => ({
  enabled: false,
  fromMinute: 22 * 60,
  toMinute: 7 * 60,
  weekdays: [0, 1, 2, 3, 4, 5, 6],
  timezone,
});

/** 420 → "07:00". */
export function formatMinuteOfDay(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
}

/** "07:00" → 420; null when it is not a time of day. */
export function parseMinuteOfDay(value: string): number | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(value.trim());
  if (!match) return null;
  const [hours, minutes] = [Number(match[1]), Number(match[2])];
  return hours <= 23 && minutes <= 59 ? hours * 60 + minutes : null;
}

/** Monday first, as people read a week. */
export const weekdayOrder = [1, 2, 3, 4, 5, 6, 0] as const;
export const weekdayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;

/** [1,2,3,4,5] → "Monday to Friday"; [6,0] → "Saturday and Sunday"; all seven → "every day". */
export function describeWeekdays(weekdays: readonly number[]): string {
  const positions = weekdayOrder.flatMap((day, position) => (weekdays.includes(day) ? [position] : []));
  if (positions.length === 7) return "every day";
  if (positions.length === 0) return "no day";
  // Runs of consecutive days, Monday to Sunday; three or more read "Monday to Wednesday".
  const runs: number[][] = [];
  for (const position of positions) {
    const run = runs.at(-1);
    if (run && run.at(-1) === position - 1) run.push(position);
    else runs.push([position]);
  }
  const items = runs.flatMap((run) =>
    run.length >= 3 ? [`${weekdayNames[weekdayOrder[run[0]!]!]} to ${weekdayNames[weekdayOrder[run.at(-1)!]!]}`] : run.map((p) => weekdayNames[weekdayOrder[p]!]),
  );
  return items.length === 1 ? items[0]! : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/**
 * The plain sentence of what quiet hours do, for the Preferences page: when they hold, what waits,
 * and what never does.
 */
export function describeQuietHours(quiet: QuietHours): string {
  if (!quiet.enabled) return "Off: every notification reaches your channels as it happens.";
  const from = formatMinuteOfDay(quiet.fromMinute);
  const to = formatMinuteOfDay(quiet.toMinute);
  const days = describeWeekdays(quiet.weekdays);
  const zone = `${quiet.timezone} time`;
  const held = "non-critical email and chat notifications to your own channels wait";
  const never = "critical ones and the in-app inbox are never held";
  if (quiet.fromMinute === quiet.toMinute) {
    return `Whole days from ${from} on ${days} (${zone}): ${held} until the quiet day${quiet.weekdays.length > 1 ? "s end" : " ends"} and arrive as one summary; ${never}.`;
  }
  const overnight = quiet.toMinute < quiet.fromMinute ? " the next day" : "";
  return `From ${from} to ${to}${overnight}, starting ${days === "every day" ? "every day" : `on ${days}`} (${zone}): ${held} until ${to} and arrive as one summary; ${never}.`;
}
