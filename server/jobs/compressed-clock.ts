import type { Clock } from "./job-clock";

/**
 * A clock on which the job layer's time passes `scale` times faster than the wall's: a retry
 * schedule of hours (+10 s, +1 min, +10 min, +1 h, …) passes in seconds while every job still
 * runs for real. Job time is `origin + (wall - origin) × scale`, so processes started one after
 * the other with the same origin (an app killed and restarted by the fault suite) share one
 * timeline, and the times they wrote to the database stay in their past.
 *
 * Benchmarks set it in their own process; a server process runs on it with
 * TOCSIN_JOB_CLOCK=compressed and TOCSIN_JOB_TIME_SCALE (fault suite and benchmarks only).
 */
export function createCompressedClock(scale: number, originMs = Date.now()): Clock {
  if (!Number.isFinite(scale) || scale < 1) throw new RangeError(`The job clock's time scale must be a number ≥ 1 (got ${scale})`);
  return {
    now: () => originMs + (Date.now() - originMs) * scale,
    setTimer(callback, ms) {
      // Rounded up: a timer firing early would find its delivery not yet due.
      const timer = setTimeout(callback, Math.min(Math.ceil(Math.max(0, ms) / scale), MAX_REAL_TIMER_MS));
      timer.unref(); // as the system clock: the job layer alone never keeps a process alive
      return () => clearTimeout(timer);
    },
  };
}

const MAX_REAL_TIMER_MS = 2 ** 31 - 1;
const MAX_SCALE = 100_000;

/**
 * The process's compressed clock, if TOCSIN_JOB_CLOCK=compressed: TOCSIN_JOB_TIME_SCALE says how
 * much faster (1 to 100,000), TOCSIN_JOB_CLOCK_ORIGIN (epoch milliseconds, not in the future)
 * where job time and wall time agree — by default this process's start.
 */
export function processCompressedClock(env: Record<string, string | undefined> = process.env): Clock | undefined {
  if (env.TOCSIN_JOB_CLOCK?.trim() !== "compressed") return undefined;
  const scale = Number(env.TOCSIN_JOB_TIME_SCALE);
  if (!env.TOCSIN_JOB_TIME_SCALE?.trim() || !Number.isFinite(scale) || scale < 1 || scale > MAX_SCALE) {
    throw new Error(`TOCSIN_JOB_CLOCK=compressed needs TOCSIN_JOB_TIME_SCALE, a number from 1 to ${MAX_SCALE} (got "${env.TOCSIN_JOB_TIME_SCALE ?? ""}")`);
  }
  const rawOrigin = env.TOCSIN_JOB_CLOCK_ORIGIN?.trim();
  const origin = rawOrigin ? Number(rawOrigin) : Date.now();
  if (!Number.isSafeInteger(origin) || origin < 0 || origin > Date.now()) {
    throw new Error(`TOCSIN_JOB_CLOCK_ORIGIN must be a time in epoch milliseconds, not in the future (got "${rawOrigin}")`);
  }
  return createCompressedClock(scale, origin);
}
