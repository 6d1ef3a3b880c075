import type { Clock } from "./job-clock";

/**
 * A clock for end-to-end tests: real time plus an offset that only grows. `advance(ms)` moves it
 * forward and fires at once every timer that falls due — the inline runner's cron schedules,
 * backoffs and sleeps — so a test can let "16 minutes pass" for the job layer without waiting.
 * Between advances it runs at the speed of real time, so everything else keeps working.
 *
 * Enabled only by TOCSIN_JOB_CLOCK=adjustable (see job-clock.ts); then advanced through
 * POST /api/test-clock, which answers 404 otherwise.
 */
export class AdjustableClock implements Clock {
  private offsetMs = 0;
  private readonly timers = new Set<Timer>();
  private sequence = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** How far ahead of real time this clock is. */
  offset(): number {
    return this.offsetMs;
  }

  setTimer(callback: () => void, ms: number): () => void {
    const timer: Timer = { at: this.now() + Math.max(0, ms), sequence: this.sequence++, callback, cancelReal: () => {} };
    this.timers.add(timer);
    this.arm(timer);
    return () => {
      timer.cancelReal();
      this.timers.delete(timer);
    };
  }

  /**
   * Moves the clock forward by `ms` and fires, in order of due time, every timer now due. A timer
   * set by one of those callbacks runs on its own (real) timer, even when due at once: a
   * callback that keeps scheduling itself cannot hold up the caller.
   */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`The job clock only moves forward by a finite number of milliseconds (got ${ms})`);
    this.offsetMs += ms;
    const now = this.now();
    const due = [...this.timers].filter((timer) => timer.at <= now).sort((a, b) => a.at - b.at || a.sequence - b.sequence);
    // The timers not due yet are due sooner in real time now.
    for (const timer of this.timers) if (timer.at > now) this.arm(timer);
    for (const timer of due) this.fire(timer);
  }

  private arm(timer: Timer): void {
    timer.cancelReal();
    // setTimeout overflows past ~24.8 days; a longer wait re-arms when the first one ends.
    const real = setTimeout(() => {
      if (this.now() >= timer.at) this.fire(timer);
      else this.arm(timer);
    }, Math.min(Math.max(0, timer.at - this.now()), MAX_REAL_TIMER_MS));
    real.unref(); // as the system clock: the job layer alone never keeps a process alive
    timer.cancelReal = () => clearTimeout(real);
  }

  private fire(timer: Timer): void {
    if (!this.timers.delete(timer)) return; // cancelled, or fired already
    timer.cancelReal();
    timer.callback();
  }
}

type Timer = { at: number; sequence: number; callback: () => void; cancelReal: () => void };

const MAX_REAL_TIMER_MS = 2 ** 31 - 1;

// One per process, kept on globalThis: Next bundles the route that advances it separately from
// the runner that reads it, and both must reach the same clock.
const globalForClock = globalThis as unknown as { tocsinAdjustableClock?: AdjustableClock };

/** Whether this process runs its job layer on the adjustable clock (TOCSIN_JOB_CLOCK=adjustable: e2e tests only). */
export function isAdjustableJobClockEnabled(): boolean {
  const setting = process.env.TOCSIN_JOB_CLOCK?.trim();
  if (!setting || setting === "system") return false;
  if (setting === "adjustable") return true;
  if (setting === "compressed") return false; // see compressed-clock.ts
  throw new Error(`TOCSIN_JOB_CLOCK must be "adjustable" (end-to-end tests), "compressed" (fault suite, benchmarks) or unset, not "${setting}"`);
}

/** The process's adjustable clock, if TOCSIN_JOB_CLOCK enables it. */
export function processAdjustableClock(): AdjustableClock | undefined {
  if (!isAdjustableJobClockEnabled()) return undefined;
  globalForClock.tocsinAdjustableClock ??= new AdjustableClock();
  return globalForClock.tocsinAdjustableClock;
}
