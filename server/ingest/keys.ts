import { createHash } from "node:crypto";

export const maxKeyLength = 200;

/** `value` itself when short enough for an externalId or fingerprint, else a stable hash of it. */
export function boundKey(value: string): string {
  if (value.length <= maxKeyLength) return value;
  return `sha256:${createHash("sha256").update(value).digest("hex")}`;
}

/**
 * A throttling key: the type plus what the event is about (a user, an asset, a title), so the
 * same thing happening again is throttled while something else of the same type still notifies.
 */
export function buildFingerprint(type: string, ...subjects: (string | null | undefined)[]): string {
  const parts = subjects.filter((part): part is string => typeof part === "string" && part.trim() !== "");
  return boundKey([type, ...parts.map((part) => part.trim())].join(":"));
}
