import { describe, expect, it } from "vitest";
import { formatDateTime, formatDay, formatHour, fromDateTimeLocal, toDateTimeLocal } from "./format-time";

describe("event log times", () => {
  const date = new Date("2024-06-01T22:05:09.500Z");

  it("are shown in the workspace's timezone", () => {
    expect(formatDateTime(date, "UTC")).toBe("2024-06-01 22:05:09");
    expect(formatDateTime(date, "Europe/Paris")).toBe("2024-06-02 00:05:09");
    expect(formatDateTime(date, "America/New_York", { seconds: false })).toBe("2024-06-01 18:05");
    expect(formatHour(date, "Asia/Kolkata")).toBe("03:35");
    expect(formatDay(date, "Europe/Paris")).toBe("2 Jun");
    expect(formatDateTime(new Date("2024-06-01T00:00:00Z"), "UTC")).toBe("2024-06-01 00:00:00");
  });

  it("round-trip through a datetime-local input in that timezone", () => {
    expect(toDateTimeLocal(date, "Europe/Paris")).toBe("2024-06-02T00:05");
    expect(fromDateTimeLocal("2024-06-02T00:05", "Europe/Paris")).toEqual(new Date("2024-06-01T22:05:00Z"));
    expect(fromDateTimeLocal("2024-01-15T09:30", "America/New_York")).toEqual(new Date("2024-01-15T14:30:00Z"));
    expect(fromDateTimeLocal("2024-01-15T09:30:15", "UTC")).toEqual(new Date("2024-01-15T09:30:15Z"));
    expect(fromDateTimeLocal("yesterday", "UTC")).toBeNull();
  });

  it("resolve wall times around DST changes", () => {
    // 02:30 does not exist in Paris on 26 March 2023: the instant after the gap (03:30 CEST).
    expect(fromDateTimeLocal("2023-03-26T02:30", "Europe/Paris")).toEqual(new Date("2023-03-26T01:30:00Z"));
    // 02:30 happens twice on 29 October 2023: one of the two, consistently.
    expect(["2023-10-29T00:30:00.000Z", "2023-10-29T01:30:00.000Z"]).toContain(fromDateTimeLocal("2023-10-29T02:30", "Europe/Paris")!.toISOString());
    expect(fromDateTimeLocal("2023-07-01T12:00", "Europe/Paris")).toEqual(new Date("2023-07-01T10:00:00Z"));
  });
});
