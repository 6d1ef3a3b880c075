import { describe, expect, it } from "vitest";
import { toEventType } from "./event-type";
import { formatPath } from "./issues";
import { boundKey, buildFingerprint } from "./keys";
import { parseSeverity, pickHighestSeverity } from "./severity";
import { parseTimestamp } from "./timestamps";

describe("parseTimestamp", () => {
  it("reads ISO 8601 with Z or an offset, keeping milliseconds", () => {
    const cases: [string, string][] = [
      ["2023-02-15T15:33:42.771091Z", "2023-02-15T15:33:42.771Z"],
      ["2024-05-01T02:00:13+02:00", "2024-05-01T00:00:13.000Z"],
      ["2024-05-01T02:00:13-0130", "2024-05-01T03:30:13.000Z"],
      ["2024-05-01 02:00Z", "2024-05-01T02:00:00.000Z"],
      ["2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000Z"],
    ];
    for (const [input, expected] of cases) {
      const parsed = parseTimestamp(input);
      expect(parsed.ok && parsed.date.toISOString()).toBe(expected);
    }
  });

  it("tells epoch seconds from epoch milliseconds", () => {
    const seconds = parseTimestamp(1611733052);
    const milliseconds = parseTimestamp(1611733052123);
    expect(seconds.ok && seconds.date.toISOString()).toBe("2021-01-27T07:37:32.000Z");
    expect(milliseconds.ok && milliseconds.date.toISOString()).toBe("2021-01-27T07:37:32.123Z");
  });

  it("rejects dates without a timezone, impossible dates and other text", () => {
    for (const input of ["2024-05-01T02:00:13", "2024-05-01", "2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-05-01T24:00:00Z", "yesterday", "", "1611733052"]) {
      expect(parseTimestamp(input).ok).toBe(false);
    }
    expect(parseTimestamp(1e20).ok).toBe(false);
    expect(parseTimestamp(Number.NaN).ok).toBe(false);
    expect(parseTimestamp(null).ok).toBe(false);
  });
});

describe("toEventType", () => {
  it("lowercases and replaces characters outside [a-z0-9_]", () => {
    expect(toEventType("com.github.pull_request.opened")).toBe("com.github.pull_request.opened");
    expect(toEventType("Alert.Created")).toBe("alert.created");
    expect(toEventType("com.example.Object-Created v2")).toBe("com.example.object_created_v2");
    expect(toEventType("..a..b..")).toBe("a.b");
  });

  it("cuts to 120 characters without leaving a trailing dot, and gives up on nothing usable", () => {
    const type = toEventType(`${"a".repeat(119)}.bbbb`)!;
    expect(type).toBe("a".repeat(119));
    expect(toEventType("...")).toBeNull();
    expect(toEventType("--")).toBeNull();
  });
});

describe("severity", () => {
  it("maps other tools' level names to the five severities", () => {
    const cases: [string, string | null][] = [
      ["warning", "medium"],
      ["ERROR", "high"],
      ["fatal", "critical"],
      ["emergency", "critical"],
      ["informational", "info"],
      ["notice", "info"],
      ["Critical", "critical"],
      ["alert", null],
      ["bogus", null],
    ];
    for (const [input, expected] of cases) expect(parseSeverity(input)).toBe(expected);
    expect(parseSeverity(3)).toBeNull();
  });

  it("picks the highest of several", () => {
    expect(pickHighestSeverity(["low", null, "high", "medium"])).toBe("high");
    expect(pickHighestSeverity([])).toBeNull();
  });
});

describe("keys", () => {
  it("hashes keys that would exceed 200 characters", () => {
    expect(boundKey("short")).toBe("short");
    const long = boundKey("k".repeat(201));
    expect(long).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(boundKey("k".repeat(201))).toBe(long);
  });

  it("builds fingerprints from the type and the subjects given", () => {
    expect(buildFingerprint("authentik.login_failed", null, " jdoe ")).toBe("authentik.login_failed:jdoe");
    expect(buildFingerprint("x.y")).toBe("x.y");
  });
});

describe("formatPath", () => {
  it("writes paths the way JavaScript reads them", () => {
    expect(formatPath(["attachments", 0, "title"])).toBe("event.attachments[0].title");
    expect(formatPath(["@type"])).toBe("event.@type");
    expect(formatPath(["a b"])).toBe('event["a b"]');
    expect(formatPath([])).toBe("event");
  });
});
