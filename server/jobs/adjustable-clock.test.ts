import { cron, Inngest } from "inngest";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AdjustableClock, isAdjustableJobClockEnabled, processAdjustableClock } from "./adjustable-clock";
import { InlineRunner } from "./inline-runner";
import { advanceTestClock, describeTestClock } from "./test-clock-endpoint";

const MINUTE = 60_000;
const START = Date.parse("2026-03-04T10:00:30.000Z");

describe("adjustable job clock", () => {
  beforeEach(() => {
    // Real time is faked too, so "real" waits are exact; setImmediate stays real for the runner.
    vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"], now: START });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs at real time plus an offset that only grows", () => {
    const clock = new AdjustableClock();
    expect(clock.now()).toBe(START);
    vi.advanceTimersByTime(5_000);
    expect(clock.now()).toBe(START + 5_000);
    clock.advance(16 * MINUTE);
    expect(clock.now()).toBe(START + 5_000 + 16 * MINUTE);
    expect(clock.offset()).toBe(16 * MINUTE);
    expect(() => clock.advance(-1)).toThrow("only moves forward");
    expect(() => clock.advance(Number.NaN)).toThrow("only moves forward");
    expect(clock.offset()).toBe(16 * MINUTE);
  });

  it("fires timers as real time passes when nobody advances it", () => {
    const clock = new AdjustableClock();
    const fired: string[] = [];
    clock.setTimer(() => fired.push("a"), 1_000);
    vi.advanceTimersByTime(999);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(["a"]);
  });

  it("fires every timer that an advance makes due, at once and in order of due time; the others come sooner", () => {
    const clock = new AdjustableClock();
    const fired: string[] = [];
    clock.setTimer(() => fired.push("10 min"), 10 * MINUTE);
    clock.setTimer(() => fired.push("1 min"), MINUTE);
    clock.setTimer(() => fired.push("1 min, second"), MINUTE);
    clock.setTimer(() => fired.push("20 min"), 20 * MINUTE);
    const cancelled = clock.setTimer(() => fired.push("cancelled"), 2 * MINUTE);
    cancelled();

    clock.advance(16 * MINUTE);
    expect(fired).toEqual(["1 min", "1 min, second", "10 min"]);
    // 20 min after it was set: 4 min of real time are left, not 20.
    vi.advanceTimersByTime(4 * MINUTE - 1);
    expect(fired).toHaveLength(3);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(["1 min", "1 min, second", "10 min", "20 min"]);
    // Nothing fires twice, and cancelling a fired timer is harmless.
    cancelled();
    vi.advanceTimersByTime(60 * MINUTE);
    expect(fired).toHaveLength(4);
  });

  it("leaves a timer set by a firing callback to its own real timer, even when due at once", () => {
    const clock = new AdjustableClock();
    let runs = 0;
    const again = () => {
      runs++;
      clock.setTimer(again, 0);
    };
    clock.setTimer(again, MINUTE);
    clock.advance(MINUTE);
    expect(runs).toBe(1);
    vi.advanceTimersByTime(0);
    expect(runs).toBe(2);
  });

  it("makes the inline runner's cron run once, promptly, after an advance past its schedule", async () => {
    const clock = new AdjustableClock();
    const ticks: number[] = [];
    const inngest = new Inngest({ id: "adjustable-clock-test" });
    const fn = inngest.createFunction({ id: "every-minute", triggers: [cron("* * * * *")] }, async () => {
      ticks.push(clock.now());
    });
    const runner = new InlineRunner({ functions: [fn], clock, logger: { info: vi.fn(), warn: vi.fn(), error: vi.fn() } });
    runner.start();
    try {
      // 16 minutes pass for the job layer: the cron due on the way runs now (once, not 16 times).
      clock.advance(16 * MINUTE);
      await runner.quiet();
      expect(ticks).toEqual([START + 16 * MINUTE]);
      // Then it keeps its schedule in real time: the next whole minute is 30 s away.
      vi.advanceTimersByTime(29_999);
      await runner.quiet();
      expect(ticks).toHaveLength(1);
      vi.advanceTimersByTime(1);
      await runner.quiet();
      expect(ticks).toEqual([START + 16 * MINUTE, Date.parse("2026-03-04T10:17:00.000Z")]);
    } finally {
      await runner.stop();
    }
  });
});

describe("the process's adjustable clock and POST /api/test-clock", () => {
  const global = globalThis as unknown as { tocsinAdjustableClock?: AdjustableClock };
  afterEach(() => {
    vi.unstubAllEnvs();
    delete global.tocsinAdjustableClock;
  });

  const post = (body: unknown) =>
    advanceTestClock(new Request("http://localhost/api/test-clock", { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) }));

  it("does not exist unless TOCSIN_JOB_CLOCK=adjustable: 404, and the job layer keeps the system clock", async () => {
    vi.stubEnv("TOCSIN_JOB_CLOCK", "");
    expect(isAdjustableJobClockEnabled()).toBe(false);
    expect(processAdjustableClock()).toBeUndefined();
    const response = await post({ advanceMs: 60_000 });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: "not_found", message: "Not found", details: null } });
    expect(describeTestClock().status).toBe(404);
    expect(global.tocsinAdjustableClock).toBeUndefined();
  });

  it("refuses a TOCSIN_JOB_CLOCK it does not know, rather than run on a clock nobody chose", () => {
    vi.stubEnv("TOCSIN_JOB_CLOCK", "fast");
    expect(() => isAdjustableJobClockEnabled()).toThrow('TOCSIN_JOB_CLOCK must be "adjustable" (end-to-end tests), "compressed" (fault suite, benchmarks) or unset, not "fast"');
  });

  it("advances the one clock of the process when enabled, and says what is wrong with a bad body", async () => {
    vi.stubEnv("TOCSIN_JOB_CLOCK", "adjustable");
    const clock = processAdjustableClock()!;
    expect(processAdjustableClock()).toBe(clock);

    const before = Date.now();
    const response = await post({ advanceMs: 16 * MINUTE });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { now: string; offsetMs: number; settled: boolean };
    expect(body.offsetMs).toBe(16 * MINUTE);
    expect(Date.parse(body.now)).toBeGreaterThanOrEqual(before + 16 * MINUTE);
    expect(clock.offset()).toBe(16 * MINUTE);
    expect(await describeTestClock().json()).toMatchObject({ offsetMs: 16 * MINUTE });

    for (const [bad, message] of [
      ["{", "The body must be JSON"],
      [{ advanceMs: -5 }, "advanceMs: at least 1"],
      [{ advanceMs: 1.5 }, "advanceMs: whole milliseconds"],
      [{ advanceMs: "16m" }, "advanceMs: a number of milliseconds"],
      [{ advanceMs: 1000, extra: true }, "Unrecognized key"],
    ] as const) {
      const refused = await post(bad);
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(message);
    }
    expect(clock.offset()).toBe(16 * MINUTE);
  });
});
