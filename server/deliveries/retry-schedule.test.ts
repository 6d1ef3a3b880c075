import { describe, expect, it } from "vitest";
import { describeRetrySchedule, MAX_RETRY_AFTER_MS, nextRetryDelayMs, RETRY_DELAYS_MS, retryDelayMs } from "./retry-schedule";

const low = () => 0;
const middle = () => 0.5;
const high = () => 0.999999;

describe("retry schedule", () => {
  it("retries at +10 s, +1 min, +10 min by default, with ±20 % jitter", () => {
    expect([1, 2, 3].map((retry) => retryDelayMs(retry, middle))).toEqual([10_000, 60_000, 600_000]);
    expect(retryDelayMs(1, low)).toBe(8_000);
    expect(retryDelayMs(1, high)).toBe(12_000);
    const samples = Array.from({ length: 200 }, () => retryDelayMs(2));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(48_000);
    expect(Math.max(...samples)).toBeLessThanOrEqual(72_000);
    expect(new Set(samples).size).toBeGreaterThan(50);
  });

  it("spans about a day over its 8 retries", () => {
    const total = RETRY_DELAYS_MS.reduce((sum, ms) => sum + ms, 0);
    expect(RETRY_DELAYS_MS).toHaveLength(8);
    expect(total / 3_600_000).toBeGreaterThan(20);
    expect(total / 3_600_000).toBeLessThan(26);
    expect(retryDelayMs(12, middle)).toBe(RETRY_DELAYS_MS[7]);
  });

  it("waits for the receiver's Retry-After when it asks for longer, up to 6 hours", () => {
    expect(nextRetryDelayMs(1, null, middle)).toBe(10_000);
    expect(nextRetryDelayMs(1, 3_000, middle)).toBe(10_000);
    expect(nextRetryDelayMs(1, 45_000, middle)).toBe(45_000);
    expect(nextRetryDelayMs(1, 48 * 3_600_000, middle)).toBe(MAX_RETRY_AFTER_MS);
  });

  it("describes a channel's schedule", () => {
    expect(describeRetrySchedule(3)).toBe("+10 s, +1 min, +10 min");
    expect(describeRetrySchedule(0)).toBe("no retries");
    expect(describeRetrySchedule(8)).toBe("+10 s, +1 min, +10 min, +1 h, +2 h, +4 h, +8 h, +8 h");
  });
});
