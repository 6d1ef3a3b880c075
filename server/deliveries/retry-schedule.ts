/*
 * When a failed attempt is tried again. The first attempt is made at once; retries follow this
 * schedule, each delay with ±20 % jitter so that receivers coming back are not hit by every
 * waiting delivery at the same instant. A channel retries 3 times by default (+10 s, +1 min,
 * +10 min) and up to 8 (the last ones hours apart: about a day in all). A receiver's Retry-After
 * is honoured when it asks for longer, up to 6 hours.
 */

export const RETRY_DELAYS_MS = [10_000, 60_000, 10 * 60_000, 60 * 60_000, 2 * 60 * 60_000, 4 * 60 * 60_000, 8 * 60 * 60_000, 8 * 60 * 60_000] as const;
export const DEFAULT_MAX_RETRIES = 3;
export const MAX_RETRIES = RETRY_DELAYS_MS.length;
export const MAX_RETRY_AFTER_MS = 6 * 60 * 60_000;
const JITTER = 0.2;

/** The delay before retry number `retry` (1 for the first retry), jittered. */
export function retryDelayMs(retry: number, random: () => number = Math.random): number {
  const base = RETRY_DELAYS_MS[Math.min(Math.max(retry, 1), MAX_RETRIES) - 1]!;
  return Math.round(base * (1 - JITTER + 2 * JITTER * random()));
}

/** The wait before retry number `retry`, stretched to the receiver's Retry-After (capped) when that is longer. */
export function nextRetryDelayMs(retry: number, retryAfterMs: number | null, random: () => number = Math.random): number {
  const scheduled = retryDelayMs(retry, random);
  return retryAfterMs === null ? scheduled : Math.max(scheduled, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}

/** The schedule of a channel in words, for the channel form ("+10 s, +1 min, +10 min"). */
export function describeRetrySchedule(maxRetries: number): string {
  if (maxRetries <= 0) return "no retries";
  return RETRY_DELAYS_MS.slice(0, maxRetries)
    .map((ms) => (ms < 60_000 ? `+${ms / 1000} s` : ms < 60 * 60_000 ? `+${ms / 60_000} min` : `+${ms / (60 * 60_000)} h`))
    .join(", ");
}
