/**
 * Text as Postgres can store it and people can read it: NUL removed (a text column rejects it)
 * and line endings unified.
 */
export function cleanText(value: string): string {
  return value.replace(/\u0000/g, "").replace(/\r\n?/g, "\n");
}

/** `value` cut to at most `max` UTF-16 units, ending in "…" when cut; never splits a surrogate pair. */
export function truncateText(value: string, max: number): string {
  if (value.length <= max) return value;
  let end = max - 1;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${value.slice(0, end).trimEnd()}…`;
}

/** The first line with any text on it, trimmed; null when there is none. */
export function pickFirstLine(value: string | null | undefined): string | null {
  if (!value) return null;
  for (const line of value.split("\n")) {
    const trimmed = line.trim();
    if (trimmed) return trimmed;
  }
  return null;
}

/** Lines joined with newlines, empty ones dropped and runs of blank lines collapsed. */
export function joinLines(lines: readonly (string | null | undefined)[]): string {
  return lines
    .filter((line): line is string => typeof line === "string" && line.trim() !== "")
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** "login_failed" → "Login failed". */
export function humaniseIdentifier(value: string): string {
  const words = value.replace(/[_\-.]+/g, " ").trim().toLowerCase();
  return words ? words[0]!.toUpperCase() + words.slice(1) : value;
}

/** The first string among `values` that has non-whitespace text, trimmed. */
export function pickText(...values: unknown[]): string | null {
  for (const value of values) {
    if (typeof value === "string" && value.trim()) return value.trim();
  }
  return null;
}
