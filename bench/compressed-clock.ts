// A job-layer clock (server/jobs/job-clock.ts) on which time passes `scale` times faster than on
// the wall: given to the inline runner and to setJobClock, it makes a retry schedule of hours
// (+10 s, +1 min, +10 min, +1 h, …) pass in seconds while every job still runs for real.
import type { Clock } from "@/server/jobs/job-clock";

export function createCompressedClock(scale: number): Clock {
  const wallStart = performance.now();
  const jobStart = Date.now();
  return {
    now: () => jobStart + (performance.now() - wallStart) * scale,
    setTimer(callback, ms) {
      // Rounded up: a timer firing early would find its delivery not yet due.
      const timer = setTimeout(callback, Math.ceil(ms / scale));
      timer.unref();
      return () => clearTimeout(timer);
    },
  };
}
