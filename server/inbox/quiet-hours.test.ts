import { describe, expect, it } from "vitest";
import { utcOffsetAt, wallClockAt } from "@/lib/zoned-time";
import { describeQuietHours, describeWeekdays, formatMinuteOfDay, parseMinuteOfDay, quietHoursSchema, quietPeriodAt, type QuietHours } from "./quiet-hours";

const everyDay = [0, 1, 2, 3, 4, 5, 6];
const hm = (time: string) => parseMinuteOfDay(time)!;
const quiet = (timezone: string, from: string, to: string, weekdays = everyDay, enabled = true): QuietHours => ({
  enabled,
  fromMinute: hm(from),
  toMinute: hm(to),
  weekdays,
  timezone,
});
const period = (startsAt: string, endsAt: string) => ({ startsAt: new Date(startsAt), endsAt: new Date(endsAt) });

describe("quietPeriodAt", () => {
  // [label, quiet hours, instant, the period containing it or null]
  const cases: [string, QuietHours, string, ReturnType<typeof period> | null][] = [
    // Plain nights, Paris in winter (UTC+1).
    ["inside a night, before midnight", quiet("Europe/Paris", "22:00", "07:00"), "2024-01-10T22:30:00Z", period("2024-01-10T21:00:00Z", "2024-01-11T06:00:00Z")],
    ["inside a night, after midnight", quiet("Europe/Paris", "22:00", "07:00"), "2024-01-11T03:00:00Z", period("2024-01-10T21:00:00Z", "2024-01-11T06:00:00Z")],
    ["at the start: included", quiet("Europe/Paris", "22:00", "07:00"), "2024-01-10T21:00:00Z", period("2024-01-10T21:00:00Z", "2024-01-11T06:00:00Z")],
    ["a millisecond before the end", quiet("Europe/Paris", "22:00", "07:00"), "2024-01-11T05:59:59.999Z", period("2024-01-10T21:00:00Z", "2024-01-11T06:00:00Z")],
    ["at the end: excluded", quiet("Europe/Paris", "22:00", "07:00"), "2024-01-11T06:00:00Z", null],
    ["a millisecond before the start", quiet("Europe/Paris", "22:00", "07:00"), "2024-01-10T20:59:59.999Z", null],
    ["in the afternoon", quiet("Europe/Paris", "22:00", "07:00"), "2024-01-10T14:00:00Z", null],
    ["off", quiet("Europe/Paris", "22:00", "07:00", everyDay, false), "2024-01-10T22:30:00Z", null],
    ["no day chosen", quiet("Europe/Paris", "22:00", "07:00", []), "2024-01-10T22:30:00Z", null],

    // The weekday is the one a period starts on, locally: Friday night runs into Saturday morning.
    ["Friday night, on Saturday morning", quiet("Europe/Paris", "22:00", "07:00", [5]), "2024-01-13T02:00:00Z", period("2024-01-12T21:00:00Z", "2024-01-13T06:00:00Z")],
    ["Friday only: not Saturday night", quiet("Europe/Paris", "22:00", "07:00", [5]), "2024-01-13T22:00:00Z", null],
    ["Friday only: not Friday morning (Thursday's night)", quiet("Europe/Paris", "22:00", "07:00", [5]), "2024-01-12T02:00:00Z", null],
    ["Sunday night runs into Monday", quiet("Europe/Paris", "20:00", "08:00", [0]), "2024-01-15T06:00:00Z", period("2024-01-14T19:00:00Z", "2024-01-15T07:00:00Z")],
    ["Saturday night only: not Sunday night (wraps 6 → 0)", quiet("Europe/Paris", "20:00", "08:00", [6]), "2024-01-15T06:00:00Z", null],

    // Same-day periods (office hours).
    ["office hours, New York (UTC−5)", quiet("America/New_York", "09:00", "17:00", [1, 2, 3, 4, 5]), "2024-01-15T17:00:00Z", period("2024-01-15T14:00:00Z", "2024-01-15T22:00:00Z")],
    ["office hours, on Saturday", quiet("America/New_York", "09:00", "17:00", [1, 2, 3, 4, 5]), "2024-01-13T17:00:00Z", null],
    ["office hours, after 17:00", quiet("America/New_York", "09:00", "17:00", [1, 2, 3, 4, 5]), "2024-01-15T22:00:00Z", null],

    // Where the UTC date differs from the member's.
    // Monday 21:00 UTC is Tuesday 10:00 in Auckland (UTC+13 in January).
    ["Auckland, Tuesday mornings, on UTC's Monday", quiet("Pacific/Auckland", "09:00", "17:00", [2]), "2024-01-15T21:00:00Z", period("2024-01-15T20:00:00Z", "2024-01-16T04:00:00Z")],
    ["Auckland, Monday mornings only: not UTC's Monday", quiet("Pacific/Auckland", "09:00", "17:00", [1]), "2024-01-15T21:00:00Z", null],
    ["Auckland, Monday night on UTC's Monday afternoon", quiet("Pacific/Auckland", "22:00", "07:00", [1]), "2024-01-15T16:00:00Z", period("2024-01-15T09:00:00Z", "2024-01-15T18:00:00Z")],
    // Saturday 03:00 UTC is Friday 19:00 in Los Angeles (UTC−8).
    ["Los Angeles, Friday evening on UTC's Saturday", quiet("America/Los_Angeles", "18:00", "08:00", [5]), "2024-01-13T03:00:00Z", period("2024-01-13T02:00:00Z", "2024-01-13T16:00:00Z")],
    ["Los Angeles, Saturday only: not on UTC's Saturday", quiet("America/Los_Angeles", "18:00", "08:00", [6]), "2024-01-13T03:00:00Z", null],
    ["Kathmandu (UTC+5:45)", quiet("Asia/Kathmandu", "22:00", "06:30"), "2024-01-10T18:00:00Z", period("2024-01-10T16:15:00Z", "2024-01-11T00:45:00Z")],

    // DST, spring forward: Paris skips 02:00–03:00 on 31 March 2024 (01:00 UTC); the night is 8 h.
    ["Paris, the short night", quiet("Europe/Paris", "22:00", "07:00"), "2024-03-31T03:00:00Z", period("2024-03-30T21:00:00Z", "2024-03-31T05:00:00Z")],
    ["Paris, a period from a skipped time starts at the jump", quiet("Europe/Paris", "02:30", "06:00", [0]), "2024-03-31T01:00:00Z", period("2024-03-31T01:00:00Z", "2024-03-31T04:00:00Z")],
    ["Paris, … and not before it", quiet("Europe/Paris", "02:30", "06:00", [0]), "2024-03-31T00:59:59Z", null],
    ["Paris, a period to a skipped time ends at the jump", quiet("Europe/Paris", "23:00", "02:30"), "2024-03-31T00:59:00Z", period("2024-03-30T22:00:00Z", "2024-03-31T01:00:00Z")],
    ["Paris, … and not after it", quiet("Europe/Paris", "23:00", "02:30"), "2024-03-31T01:00:00Z", null],
    ["Paris, the day after: summer time", quiet("Europe/Paris", "22:00", "07:00"), "2024-03-31T21:00:00Z", period("2024-03-31T20:00:00Z", "2024-04-01T05:00:00Z")],
    // New York skips 02:00–03:00 on 10 March 2024 (07:00 UTC).
    ["New York, the short night", quiet("America/New_York", "22:00", "07:00"), "2024-03-10T06:30:00Z", period("2024-03-10T03:00:00Z", "2024-03-10T11:00:00Z")],
    ["New York, a period from a skipped time", quiet("America/New_York", "02:15", "04:00", [0]), "2024-03-10T07:30:00Z", period("2024-03-10T07:00:00Z", "2024-03-10T08:00:00Z")],

    // DST, fall back: Paris repeats 02:00–03:00 on 27 October 2024 (00:00–01:00 UTC, then again to 02:00); the night is 10 h.
    ["Paris, the long night", quiet("Europe/Paris", "22:00", "07:00"), "2024-10-27T01:30:00Z", period("2024-10-26T20:00:00Z", "2024-10-27T06:00:00Z")],
    ["Paris, a period from a repeated time starts at its first reading", quiet("Europe/Paris", "02:30", "04:00", [0]), "2024-10-27T00:30:00Z", period("2024-10-27T00:30:00Z", "2024-10-27T03:00:00Z")],
    ["Paris, … and covers the second reading", quiet("Europe/Paris", "02:30", "04:00", [0]), "2024-10-27T01:45:00Z", period("2024-10-27T00:30:00Z", "2024-10-27T03:00:00Z")],
    // New York repeats 01:00–02:00 on 3 November 2024 (05:00–06:00 UTC, then again to 07:00).
    ["New York, the long night", quiet("America/New_York", "22:00", "07:00"), "2024-11-03T06:30:00Z", period("2024-11-03T02:00:00Z", "2024-11-03T12:00:00Z")],
    ["New York, a period to a repeated time ends at its first reading", quiet("America/New_York", "22:00", "01:30"), "2024-11-03T05:29:00Z", period("2024-11-03T02:00:00Z", "2024-11-03T05:30:00Z")],
    ["New York, … so the second 01:15 is not quiet", quiet("America/New_York", "22:00", "01:30"), "2024-11-03T06:15:00Z", null],
    ["New York, a period from a repeated time", quiet("America/New_York", "01:30", "05:00", [0]), "2024-11-03T06:45:00Z", period("2024-11-03T05:30:00Z", "2024-11-03T10:00:00Z")],

    // Whole days (from = to).
    ["a whole Wednesday from 08:00", quiet("Europe/Paris", "08:00", "08:00", [3]), "2024-01-11T06:00:00Z", period("2024-01-10T07:00:00Z", "2024-01-11T07:00:00Z")],
    ["… not Thursday from 08:00", quiet("Europe/Paris", "08:00", "08:00", [3]), "2024-01-11T07:00:00Z", null],
    ["a weekend is one period, Saturday", quiet("Europe/Paris", "00:00", "00:00", [6, 0]), "2024-01-13T11:00:00Z", period("2024-01-12T23:00:00Z", "2024-01-14T23:00:00Z")],
    ["a weekend is one period, Sunday", quiet("Europe/Paris", "00:00", "00:00", [6, 0]), "2024-01-14T22:59:00Z", period("2024-01-12T23:00:00Z", "2024-01-14T23:00:00Z")],
    ["a weekend, then Monday", quiet("Europe/Paris", "00:00", "00:00", [6, 0]), "2024-01-14T23:00:00Z", null],
    ["Friday to Monday joined, with DST in between", quiet("Europe/Paris", "00:00", "00:00", [5, 6, 0, 1]), "2024-03-31T12:00:00Z", period("2024-03-28T23:00:00Z", "2024-04-01T22:00:00Z")],
    ["every day, all day: each day its own period", quiet("Europe/Paris", "00:00", "00:00"), "2024-01-10T12:00:00Z", period("2024-01-09T23:00:00Z", "2024-01-10T23:00:00Z")],
    ["every day, all day, on the 23-hour day", quiet("Europe/Paris", "00:00", "00:00"), "2024-03-31T12:00:00Z", period("2024-03-30T23:00:00Z", "2024-03-31T22:00:00Z")],
    ["every day, all day, on the 25-hour day", quiet("Europe/Paris", "00:00", "00:00"), "2024-10-27T12:00:00Z", period("2024-10-26T22:00:00Z", "2024-10-27T23:00:00Z")],
  ];

  it.each(cases)("%s", (_label, settings, at, expected) => {
    expect(quietPeriodAt(settings, new Date(at))).toEqual(expected);
  });

  it("throws RangeError for a timezone the runtime does not know", () => {
    expect(() => quietPeriodAt(quiet("Mars/Olympus_Mons", "22:00", "07:00"), new Date())).toThrow(RangeError);
  });

  // Every 10 minutes over weeks around both DST changes, in zones east and west of UTC: the
  // answer agrees with reading the wall clock (where no change is near: there the table above
  // rules), and the period returned contains the instant and is the same from each of its instants.
  const settingsToSweep: QuietHours[] = [
    quiet("Europe/Paris", "22:00", "07:00", [1, 2, 3, 4, 5]),
    quiet("America/New_York", "09:00", "17:30", [0, 3, 6]),
    quiet("Pacific/Auckland", "23:45", "00:15", [2, 4]),
    quiet("America/Los_Angeles", "00:00", "00:00", [6, 0]),
    quiet("Australia/Lord_Howe", "01:30", "02:45", everyDay),
  ];
  const windows = [
    ["2024-03-05T00:00:00Z", "2024-04-10T00:00:00Z"],
    ["2024-09-25T00:00:00Z", "2024-11-08T00:00:00Z"],
  ] as const;

  it.each(settingsToSweep.map((s) => [`${s.timezone} ${formatMinuteOfDay(s.fromMinute)}–${formatMinuteOfDay(s.toMinute)} on ${s.weekdays.join(",")}`, s] as const))(
    "agrees with the wall clock every 10 minutes around DST: %s",
    (_label, settings) => {
      const step = 10 * 60_000;
      let quietCount = 0;
      const checked = new Set<number>();
      for (const [from, to] of windows) {
        for (let t = Date.parse(from); t < Date.parse(to); t += step) {
          const at = new Date(t);
          const found = quietPeriodAt(settings, at);
          if (found) {
            quietCount++;
            expect(found.startsAt.getTime()).toBeLessThanOrEqual(t);
            expect(found.endsAt.getTime()).toBeGreaterThan(t);
            if (!checked.has(found.startsAt.getTime())) {
              checked.add(found.startsAt.getTime());
              expect(found.endsAt.getTime() - found.startsAt.getTime()).toBeLessThanOrEqual(3 * 25 * 3_600_000);
              expect(quietPeriodAt(settings, found.startsAt)).toEqual(found);
              expect(quietPeriodAt(settings, new Date(found.endsAt.getTime() - 1))).toEqual(found);
              expect(quietPeriodAt(settings, found.endsAt)).not.toEqual(found);
            }
          }
          const offset = utcOffsetAt(settings.timezone, t);
          const steady = utcOffsetAt(settings.timezone, t - 7_200_000) === offset && utcOffsetAt(settings.timezone, t + 7_200_000) === offset;
          if (steady) expect(found !== null, at.toISOString()).toBe(onWallClock(settings, at));
        }
      }
      expect(quietCount).toBeGreaterThan(0);
    },
  );
});

/** The reference: the wall clock says Monday 23:10 — is that inside a period that started on a chosen day? */
function onWallClock(settings: QuietHours, at: Date): boolean {
  const wall = new Date(wallClockAt(settings.timezone, at.getTime()));
  const minute = wall.getUTCHours() * 60 + wall.getUTCMinutes();
  const weekday = wall.getUTCDay();
  const yesterday = (weekday + 6) % 7;
  const { fromMinute: from, toMinute: to, weekdays } = settings;
  if (to > from) return weekdays.includes(weekday) && minute >= from && minute < to;
  return (weekdays.includes(weekday) && minute >= from) || (weekdays.includes(yesterday) && minute < to);
}

describe("quietHoursSchema", () => {
  const valid = { enabled: true, fromMinute: 1320, toMinute: 420, weekdays: [5, 1, 1, 3], timezone: "europe/paris" };

  it("keeps the days once each, in order, and the timezone as the runtime spells it", () => {
    expect(quietHoursSchema.parse(valid)).toEqual({ ...valid, weekdays: [1, 3, 5], timezone: "Europe/Paris" });
  });

  it.each([
    ["an unknown timezone", { timezone: "Mars/Olympus_Mons" }, "timezone", "Unknown timezone"],
    ["an offset instead of a zone", { timezone: "+01:00" }, "timezone", "Unknown timezone"],
    ["an empty timezone", { timezone: " " }, "timezone", "Choose a timezone"],
    ["a minute past the day", { fromMinute: 1440 }, "fromMinute", "A time of day runs to 23:59"],
    ["a negative minute", { toMinute: -1 }, "toMinute", "A time of day runs from 00:00"],
    ["a fraction of a minute", { toMinute: 1.5 }, "toMinute", "Whole minutes only"],
    ["a day 7", { weekdays: [7] }, "weekdays", "A day is 0 (Sunday) to 6 (Saturday)"],
    ["no day while on", { weekdays: [] }, "weekdays", "Choose at least one day"],
  ])("refuses %s", (_label, change, field, message) => {
    const parsed = quietHoursSchema.safeParse({ ...valid, ...change });
    expect(parsed.success).toBe(false);
    const issue = parsed.error!.issues.find((i) => i.path[0] === field);
    expect(issue?.message).toContain(message);
  });

  it("accepts no day while off", () => {
    expect(quietHoursSchema.parse({ ...valid, enabled: false, weekdays: [] }).weekdays).toEqual([]);
  });
});

describe("the sentences", () => {
  it.each([
    [[1, 2, 3, 4, 5], "Monday to Friday"],
    [[6, 0], "Saturday and Sunday"],
    [[0, 1, 2, 3, 4, 5, 6], "every day"],
    [[1, 3, 5], "Monday, Wednesday and Friday"],
    [[0, 1, 2, 3, 5], "Monday to Wednesday, Friday and Sunday"],
    [[2], "Tuesday"],
  ])("describes days %j as %s", (days, expected) => {
    expect(describeWeekdays(days)).toBe(expected);
  });

  it("says what waits, until when, and what never does", () => {
    expect(describeQuietHours(quiet("Europe/Paris", "22:00", "07:00", [1, 2, 3, 4, 5]))).toBe(
      "From 22:00 to 07:00 the next day, starting on Monday to Friday (Europe/Paris time): non-critical email and chat notifications to your own channels wait until 07:00 and arrive as one summary; critical ones and the in-app inbox are never held.",
    );
    expect(describeQuietHours(quiet("UTC", "12:00", "14:00"))).toContain("From 12:00 to 14:00, starting every day (UTC time)");
    expect(describeQuietHours(quiet("UTC", "00:00", "00:00", [6, 0]))).toBe(
      "Whole days from 00:00 on Saturday and Sunday (UTC time): non-critical email and chat notifications to your own channels wait until the quiet days end and arrive as one summary; critical ones and the in-app inbox are never held.",
    );
    expect(describeQuietHours(quiet("UTC", "22:00", "07:00", everyDay, false))).toBe("Off: every notification reaches your channels as it happens.");
  });

  it("reads and writes times of day", () => {
    expect(formatMinuteOfDay(0)).toBe("00:00");
    expect(formatMinuteOfDay(1439)).toBe("23:59");
    expect(parseMinuteOfDay("7:05")).toBe(425);
    expect(parseMinuteOfDay("24:00")).toBeNull();
    expect(parseMinuteOfDay("")).toBeNull();
  });
});
