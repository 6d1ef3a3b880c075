import { formatSilenceDuration, silencePresets } from "@/server/sources/silence-thresholds";

/** What the Sources page says of a source's intake, from the watcher's state (server/sources/intake-silence.ts). */
export type SilenceState =
  | { kind: "not-watched"; reason: "off" | "disabled" }
  | { kind: "silent"; since: Date; threshold: string }
  | { kind: "never-received"; threshold: string }
  | { kind: "receiving"; lastEventAt: Date; threshold: string };

type SourceFacts = { enabled: boolean; silenceAfterSeconds: number | null; lastEventAt: Date | null; silentSince: Date | null };

export function silenceStateOf(source: SourceFacts): SilenceState {
  if (!source.enabled) return { kind: "not-watched", reason: "disabled" };
  if (source.silenceAfterSeconds === null) return { kind: "not-watched", reason: "off" };
  const threshold = formatSilenceDuration(source.silenceAfterSeconds);
  if (source.silentSince) return { kind: "silent", since: source.silentSince, threshold };
  if (!source.lastEventAt) return { kind: "never-received", threshold };
  return { kind: "receiving", lastEventAt: source.lastEventAt, threshold };
}

/** The threshold as the dialogs hold it: off, a preset (its seconds), or a custom amount and unit. */
export type SilenceChoice = { choice: string; amount: string; unit: SilenceUnit };
export type SilenceUnit = "minutes" | "hours" | "days";
export const silenceUnitSeconds: Record<SilenceUnit, number> = { minutes: 60, hours: 3600, days: 86_400 };

export function silenceChoiceOf(seconds: number | null): SilenceChoice {
  if (seconds === null) return { choice: "off", amount: "", unit: "hours" };
  if (silencePresets.some((preset) => preset.seconds === seconds)) return { choice: String(seconds), amount: "", unit: "hours" };
  const unit: SilenceUnit = seconds % 86_400 === 0 ? "days" : seconds % 3600 === 0 ? "hours" : "minutes";
  return { choice: "custom", amount: String(seconds / silenceUnitSeconds[unit]), unit };
}

/**
 * The threshold in seconds for the schema to check (which says what is out of range), or an
 * error when the custom amount is not a number at all.
 */
export function silenceSecondsOf(value: SilenceChoice): { ok: true; seconds: number | null } | { ok: false; error: string } {
  if (value.choice === "off") return { ok: true, seconds: null };
  if (value.choice !== "custom") return { ok: true, seconds: Number(value.choice) };
  const amount = value.amount.trim() === "" ? NaN : Number(value.amount);
  if (!Number.isFinite(amount)) return { ok: false, error: "Enter how long, e.g. 90 minutes or 3 days" };
  return { ok: true, seconds: Math.round(amount * silenceUnitSeconds[value.unit]) };
}
