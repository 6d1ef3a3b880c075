import { severities, type Severity } from "@/server/events/severities";

export { severities, type Severity };

// Words other tools use for their levels. Deliberately without "alert": in syslog it ranks above
// critical, but most tools use it for any notification, so it says nothing about how bad it is.
const synonyms: Record<string, Severity> = {
  info: "info",
  informational: "info",
  information: "info",
  notice: "info",
  debug: "info",
  trace: "info",
  ok: "info",
  low: "low",
  minor: "low",
  medium: "medium",
  moderate: "medium",
  warning: "medium",
  warn: "medium",
  high: "high",
  error: "high",
  err: "high",
  major: "high",
  severe: "high",
  critical: "critical",
  crit: "critical",
  fatal: "critical",
  emergency: "critical",
  emerg: "critical",
  blocker: "critical",
};

/** One of Tocsin's five severities for a level name another tool uses, or null when unknown. */
export function parseSeverity(value: unknown): Severity | null {
  if (typeof value !== "string") return null;
  return synonyms[value.trim().toLowerCase()] ?? null;
}

/** The more severe of the given severities (null when none is given). */
export function pickHighestSeverity(values: readonly (Severity | null | undefined)[]): Severity | null {
  let highest: Severity | null = null;
  for (const value of values) {
    if (value && (highest === null || severities.indexOf(value) > severities.indexOf(highest))) highest = value;
  }
  return highest;
}
