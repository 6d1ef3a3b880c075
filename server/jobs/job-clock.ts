import { processAdjustableClock } from "./adjustable-clock";
import { processCompressedClock } from "./compressed-clock";

/**
 * Time as the job layer sees it: the inline runner's timers (backoffs, sleeps, cron) and the
 * times jobs compare against (when a delivery is due). One clock for both, so that a test or a
 * benchmark can move or compress time for the whole job layer instead of sleeping.
 */
export type Clock = {
  now(): number;
  /** Calls `callback` after `ms`; returns a function that cancels it. */
  setTimer(callback: () => void, ms: number): () => void;
};

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(callback, ms) {
    const timer = setTimeout(callback, ms);
    timer.unref(); // the job layer alone never keeps a process alive
    return () => clearTimeout(timer);
  },
};

// The system's, unless TOCSIN_JOB_CLOCK=adjustable (end-to-end tests, see adjustable-clock.ts) or
// compressed (the fault suite, see compressed-clock.ts).
const processClock = () => processAdjustableClock() ?? processCompressedClock() ?? systemClock;
let current: Clock = processClock();

/** The clock jobs read "now" from: the process's, unless a test or benchmark has set its own. */
export function jobClock(): Clock {
  return current;
}

/** The job layer's time as a Date. */
export function jobNow(): Date {
  return new Date(current.now());
}

/** Tests and benchmarks: run the job layer on this clock (undefined: the process's again). */
export function setJobClock(clock: Clock | undefined): void {
  current = clock ?? processClock();
}
