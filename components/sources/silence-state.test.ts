import { describe, expect, it } from "vitest";
import { silenceAfterSecondsSchema } from "@/server/sources/source-schemas";
import { formatSilenceDuration, silencePresets } from "@/server/sources/silence-thresholds";
import { silenceChoiceOf, silenceSecondsOf, silenceStateOf } from "./silence-state";

const at = (iso: string) => new Date(iso);

describe("silence state on the Sources page", () => {
  const base = { enabled: true, silenceAfterSeconds: 7200, lastEventAt: null, silentSince: null };

  it("says which of the four states a source is in", () => {
    expect(silenceStateOf({ ...base, enabled: false, silentSince: at("2026-03-04T10:00:00Z") })).toEqual({ kind: "not-watched", reason: "disabled" });
    expect(silenceStateOf({ ...base, silenceAfterSeconds: null, lastEventAt: at("2026-03-04T10:00:00Z") })).toEqual({ kind: "not-watched", reason: "off" });
    expect(silenceStateOf({ ...base, lastEventAt: at("2026-03-04T08:00:00Z"), silentSince: at("2026-03-04T10:00:00Z") })).toEqual({
      kind: "silent",
      since: at("2026-03-04T10:00:00Z"),
      threshold: "2 h",
    });
    expect(silenceStateOf({ ...base, silentSince: at("2026-03-04T10:00:00Z") })).toMatchObject({ kind: "silent" });
    expect(silenceStateOf(base)).toEqual({ kind: "never-received", threshold: "2 h" });
    expect(silenceStateOf({ ...base, lastEventAt: at("2026-03-04T09:00:00Z") })).toEqual({ kind: "receiving", lastEventAt: at("2026-03-04T09:00:00Z"), threshold: "2 h" });
  });

  it.each([
    [900, "15 min"],
    [1800, "30 min"],
    [3600, "1 h"],
    [5400, "1 h 30 min"],
    [7200, "2 h"],
    [86_400, "24 h"],
    [90_000, "1 day 1 h"],
    [172_800, "2 days"],
    [180_000, "2 days 2 h"],
    [604_800, "7 days"],
  ])("writes %s s as %s", (seconds, text) => {
    expect(formatSilenceDuration(seconds)).toBe(text);
  });
});

describe("the silence threshold in the dialogs", () => {
  it("offers the presets, each within the schema's range", () => {
    expect(silencePresets.map((p) => p.label)).toEqual(["15 min", "30 min", "1 h", "2 h", "24 h"]);
    for (const preset of silencePresets) {
      expect(silenceAfterSecondsSchema.safeParse(preset.seconds).success).toBe(true);
      expect(silenceChoiceOf(preset.seconds)).toMatchObject({ choice: String(preset.seconds) });
      expect(silenceSecondsOf(silenceChoiceOf(preset.seconds))).toEqual({ ok: true, seconds: preset.seconds });
    }
  });

  it("round-trips off and custom values through the choice", () => {
    expect(silenceChoiceOf(null)).toMatchObject({ choice: "off" });
    expect(silenceSecondsOf(silenceChoiceOf(null))).toEqual({ ok: true, seconds: null });
    expect(silenceChoiceOf(5400)).toEqual({ choice: "custom", amount: "90", unit: "minutes" });
    expect(silenceChoiceOf(3 * 86_400)).toEqual({ choice: "custom", amount: "3", unit: "days" });
    expect(silenceChoiceOf(6 * 3600)).toEqual({ choice: "custom", amount: "6", unit: "hours" });
    expect(silenceSecondsOf({ choice: "custom", amount: "1.5", unit: "hours" })).toEqual({ ok: true, seconds: 5400 });
  });

  it("leaves the range to the schema, and names a custom amount that is not a number", () => {
    expect(silenceSecondsOf({ choice: "custom", amount: " ", unit: "hours" })).toEqual({ ok: false, error: "Enter how long, e.g. 90 minutes or 3 days" });
    expect(silenceSecondsOf({ choice: "custom", amount: "abc", unit: "hours" })).toMatchObject({ ok: false });
    const tooShort = silenceSecondsOf({ choice: "custom", amount: "10", unit: "minutes" });
    expect(tooShort).toEqual({ ok: true, seconds: 600 });
    expect(silenceAfterSecondsSchema.safeParse(600).error?.issues[0]?.message).toBe("At least 15 minutes (900 seconds)");
    expect(silenceAfterSecondsSchema.safeParse(8 * 86_400).error?.issues[0]?.message).toBe("At most 7 days (604800 seconds)");
    expect(silenceAfterSecondsSchema.safeParse(900).success).toBe(true);
    expect(silenceAfterSecondsSchema.safeParse(604_800).success).toBe(true);
  });
});
