/**
 * Per-source token buckets, in this process's memory: each source may send `rate` requests per
 * second, with bursts up to `rate`. With several instances each enforces the rate on its own
 * share of the traffic.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Takes one token for `key`; when none is left, says how long until one is back. */
  take(key: string, ratePerSecond: number): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: ratePerSecond, updatedAt: now };
    bucket.tokens = Math.min(ratePerSecond, bucket.tokens + ((now - bucket.updatedAt) / 1000) * ratePerSecond);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerSecond)) };
  }
}
