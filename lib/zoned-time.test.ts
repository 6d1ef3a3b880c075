import { describe, expect, it } from "vitest";
import { formatLocalDateTime, instantOfWallClock, localTimeAt, parseLocalDateTime, utcOffsetAt, wallClockAt } from "./zoned-time";

const wall = (iso: string) => Date.parse(`${iso}Z`);
const hours = (h: number) => h * 3_600_000;

describe("wall clock ↔ instant", () => {
  it.each([
    // zone, instant, wall clock there, offset (h)
    ["UTC", "2024-06-01T12:00:00Z", "2024-06-01T12:00:00", 0],
    ["Europe/Paris", "2024-01-10T12:00:00Z", "2024-01-10T13:00:00", 1],
    ["Europe/Paris", "2024-07-10T12:00:00Z", "2024-07-10T14:00:00", 2],
    ["Pacific/Auckland", "2024-01-15T16:00:00Z", "2024-01-16T05:00:00", 13],
    ["America/Los_Angeles", "2024-01-13T03:00:00Z", "2024-01-12T19:00:00", -8],
    ["Asia/Kathmandu", "2024-01-01T00:00:00Z", "2024-01-01T05:45:00", 5.75],
    ["America/St_Johns", "2024-01-01T12:00:00Z", "2024-01-01T08:30:00", -3.5],
  ])("%s at %s reads %s (UTC%s)", (zone, instant, expected, offset) => {
    expect(wallClockAt(zone, Date.parse(instant))).toBe(wall(expected));
    expect(utcOffsetAt(zone, Date.parse(instant))).toBe(hours(offset));
    expect(instantOfWallClock(zone, wall(expected)).toISOString()).toBe(new Date(instant).toISOString());
  });

  it.each([
    // A skipped time is the instant the clock jumps past it.
    ["Europe/Paris, spring forward (02:00 → 03:00)", "Europe/Paris", "2024-03-31T02:30:00", "2024-03-31T01:00:00.000Z"],
    ["Europe/Paris, the skipped hour's first minute", "Europe/Paris", "2024-03-31T02:00:00", "2024-03-31T01:00:00.000Z"],
    ["Europe/Paris, the first minute after the jump", "Europe/Paris", "2024-03-31T03:00:00", "2024-03-31T01:00:00.000Z"],
    ["America/New_York, spring forward", "America/New_York", "2024-03-10T02:30:00", "2024-03-10T07:00:00.000Z"],
    ["Australia/Lord_Howe, a half-hour change", "Australia/Lord_Howe", "2024-10-06T02:15:00", "2024-10-05T15:30:00.000Z"],
    ["Pacific/Apia, a skipped day (30 Dec 2011)", "Pacific/Apia", "2011-12-30T10:00:00", "2011-12-30T10:00:00.000Z"],
    // A repeated time is its first reading.
    ["Europe/Paris, fall back (03:00 → 02:00)", "Europe/Paris", "2024-10-27T02:30:00", "2024-10-27T00:30:00.000Z"],
    ["America/New_York, fall back (02:00 → 01:00)", "America/New_York", "2024-11-03T01:30:00", "2024-11-03T05:30:00.000Z"],
    ["America/New_York, just before the repeated hour", "America/New_York", "2024-11-03T00:59:00", "2024-11-03T04:59:00.000Z"],
    ["America/New_York, just after it", "America/New_York", "2024-11-03T02:00:00", "2024-11-03T07:00:00.000Z"],
  ])("%s", (_label, zone, local, expected) => {
    expect(instantOfWallClock(zone, wall(local)).toISOString()).toBe(expected);
  });

  it("throws RangeError for an unknown timezone", () => {
    expect(() => wallClockAt("Mars/Olympus_Mons", Date.now())).toThrow(RangeError);
  });

  it("gives the local day, weekday and minute, not UTC's", () => {
    // Monday 21:00 UTC is Tuesday 10:00 in Auckland and Monday 13:00 in Los Angeles.
    const at = new Date("2024-01-15T21:00:00Z");
    expect(localTimeAt("Pacific/Auckland", at)).toEqual({ day: Date.UTC(2024, 0, 16), weekday: 2, minuteOfDay: 600 });
    expect(localTimeAt("America/Los_Angeles", at)).toEqual({ day: Date.UTC(2024, 0, 15), weekday: 1, minuteOfDay: 780 });
  });
});

describe("datetime-local values", () => {
  it.each([
    ["2024-07-01T14:00", "Europe/Paris", "2024-07-01T12:00:00.000Z"],
    ["2024-07-01T14:00:59", "Europe/Paris", "2024-07-01T12:00:00.000Z"],
    ["2024-01-01T09:30", "Pacific/Auckland", "2023-12-31T20:30:00.000Z"],
    ["2024-03-31T02:30", "Europe/Paris", "2024-03-31T01:00:00.000Z"],
  ])("reads %s in %s", (value, zone, expected) => {
    expect(parseLocalDateTime(value, zone)?.toISOString()).toBe(expected);
  });

  it.each(["", "2024-07-01", "2024-02-30T10:00", "2024-07-01T24:00", "2024-07-01T10:60", "tomorrow"])("refuses %j", (value) => {
    expect(parseLocalDateTime(value, "UTC")).toBeNull();
  });

  it("writes an instant back as the zone's wall clock", () => {
    expect(formatLocalDateTime(new Date("2024-07-01T12:00:30Z"), "Europe/Paris")).toBe("2024-07-01T14:00");
    expect(formatLocalDateTime(new Date("2023-12-31T20:30:00Z"), "Pacific/Auckland")).toBe("2024-01-01T09:30");
  });
});
