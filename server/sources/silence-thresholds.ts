/*
 * A source's silence threshold: how long it may send nothing before the watcher raises
 * `intake.silent`. Shared by the schema that validates it, the dialogs that offer it and the
 * texts of the events and the Sources page, so all of them say the same durations.
 */

/** 15 minutes: the watcher ticks every minute, so a shorter threshold would mostly measure the tick. */
export const MIN_SILENCE_AFTER_SECONDS = 15 * 60;
/** 7 days. */
export const MAX_SILENCE_AFTER_SECONDS = 7 * 24 * 60 * 60;

/** The thresholds offered in one click; any other whole number of minutes in range is a custom value. */
export const silencePresets = [
  { seconds: 15 * 60, label: "15 min" },
  { seconds: 30 * 60, label: "30 min" },
  { seconds: 60 * 60, label: "1 h" },
  { seconds: 2 * 60 * 60, label: "2 h" },
  { seconds: 24 * 60 * 60, label: "24 h" },
] as const;

/** "15 min", "2 h", "1 h 30 min", "24 h", "3 days", "2 days 4 h": as a person would write the duration. */
export function formatSilenceDuration(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  // 24 h is a preset and reads better than "1 day"; whole days beyond it read as days.
  if (minutes > 1440 && minutes % 1440 === 0) return `${minutes / 1440} days`;
  if (minutes > 1440) {
    const days = Math.floor(minutes / 1440);
    return `${days} ${days === 1 ? "day" : "days"} ${formatSilenceDuration((minutes % 1440) * 60)}`;
  }
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
