import { afterEach, describe, expect, it, vi } from "vitest";
import { createCompressedClock, processCompressedClock } from "./compressed-clock";

describe("the compressed job clock", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs `scale` times faster than the wall from its origin, so two processes with one origin share one timeline", () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const first = createCompressedClock(100, 1_000_000);
    vi.advanceTimersByTime(2_000);
    expect(first.now()).toBe(1_000_000 + 200_000);
    // A process started later with the same origin reads the same time, not its own start.
    const restarted = createCompressedClock(100, 1_000_000);
    expect(restarted.now()).toBe(first.now());
  });

  it("fires a timer of job time after that time divided by the scale, and can cancel it", () => {
    vi.useFakeTimers({ now: 0 });
    const clock = createCompressedClock(1000, 0);
    const fired: string[] = [];
    clock.setTimer(() => fired.push("retry in 10 min"), 600_000);
    const cancel = clock.setTimer(() => fired.push("cancelled"), 600_000);
    cancel();
    vi.advanceTimersByTime(599);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(["retry in 10 min"]);
  });

  it("is the process's only with TOCSIN_JOB_CLOCK=compressed, and refuses a missing or absurd scale or origin", () => {
    expect(processCompressedClock({})).toBeUndefined();
    expect(processCompressedClock({ TOCSIN_JOB_CLOCK: "adjustable" })).toBeUndefined();
    expect(() => processCompressedClock({ TOCSIN_JOB_CLOCK: "compressed" })).toThrow("TOCSIN_JOB_CLOCK=compressed needs TOCSIN_JOB_TIME_SCALE, a number from 1 to 100000");
    expect(() => processCompressedClock({ TOCSIN_JOB_CLOCK: "compressed", TOCSIN_JOB_TIME_SCALE: "0.5" })).toThrow("TOCSIN_JOB_TIME_SCALE");
    expect(() => processCompressedClock({ TOCSIN_JOB_CLOCK: "compressed", TOCSIN_JOB_TIME_SCALE: "100", TOCSIN_JOB_CLOCK_ORIGIN: String(Date.now() + 60_000) })).toThrow(
      "TOCSIN_JOB_CLOCK_ORIGIN must be a time in epoch milliseconds, not in the future",
    );
    const origin = Date.now() - 1_000;
    const clock = processCompressedClock({ TOCSIN_JOB_CLOCK: "compressed", TOCSIN_JOB_TIME_SCALE: "50", TOCSIN_JOB_CLOCK_ORIGIN: String(origin) })!;
    expect(clock.now()).toBeGreaterThanOrEqual(origin + 50_000);
  });
});
