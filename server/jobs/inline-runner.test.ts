import { cron, Inngest, NonRetriableError, StepError } from "inngest";
import { afterEach, describe, expect, it, vi } from "vitest";
import { eventsIngested } from "./client";
import { exponentialBackoff, getInlineRunner, InlineRunner, startInlineRunner, stopInlineRunner, type InlineRunnerOptions } from "./inline-runner";
import { JobRunnerUnavailableError, sendJobEvent } from "./send-event";
import { ManualClock } from "./test-helpers";

const inngest = new Inngest({ id: "inline-runner-test" });
const silentLogger = () => ({ info: vi.fn(), warn: vi.fn(), error: vi.fn() });

describe("inline runner", () => {
  let runner: InlineRunner | undefined;
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
  });

  function startRunner(options: Partial<InlineRunnerOptions> & Pick<InlineRunnerOptions, "functions">) {
    const logger = silentLogger();
    const clock = new ManualClock();
    runner = new InlineRunner({ clock, logger, ...options });
    runner.start();
    return { runner, clock, logger };
  }

  /** Lets queued runs execute, then moves the clock to each pending timer in turn. */
  async function settle(r: InlineRunner, clock: ManualClock, untilMs = 60 * 60_000) {
    await r.quiet();
    let waited = 0;
    for (let wait = clock.nextTimerIn(); wait !== undefined && waited + wait <= untilMs; wait = clock.nextTimerIn()) {
      clock.advance(wait);
      waited += wait;
      await r.quiet();
    }
  }

  it("runs event-triggered functions later, outside the sender, with the event", async () => {
    const seen: unknown[] = [];
    const fn = inngest.createFunction({ id: "record", triggers: [{ event: "test/recorded" }] }, async ({ event, runId, attempt }) => {
      seen.push({ name: event.name, data: event.data, runId, attempt });
    });
    const { runner } = startRunner({ functions: [fn] });

    const ids = runner.send({ name: "test/recorded", data: { n: 1 } });
    expect(ids).toHaveLength(1);
    await Promise.resolve();
    expect(seen).toEqual([]); // not inside the caller, not even in its microtasks
    await runner.quiet();
    expect(seen).toEqual([{ name: "test/recorded", data: { n: 1 }, runId: expect.any(String), attempt: 0 }]);

    runner.send({ name: "test/other", data: {} });
    await runner.quiet();
    expect(seen).toHaveLength(1);
  });

  it("memoises completed steps: a retry re-runs only the steps that did not complete, after the backoff", async () => {
    const calls = { first: 0, flaky: 0, handler: 0 };
    const fn = inngest.createFunction({ id: "memo", retries: 2, triggers: [{ event: "test/memo" }] }, async ({ step }) => {
      calls.handler++;
      const first = await step.run("first", () => {
        calls.first++;
        return { at: new Date("2026-01-01T00:00:00Z"), n: 41 };
      });
      const second = await step.run("flaky", () => {
        if (++calls.flaky === 1) throw new Error("temporary");
        return first.n + 1;
      });
      return { first, second };
    });
    const { runner, clock, logger } = startRunner({ functions: [fn] });

    runner.send({ name: "test/memo" });
    await runner.quiet();
    expect(calls).toEqual({ first: 1, flaky: 1, handler: 1 });
    expect(clock.nextTimerIn()).toBe(exponentialBackoff(1));
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining("memo attempt 1 of 3 failed"));

    clock.advance(exponentialBackoff(1) - 1);
    await runner.quiet();
    expect(calls.flaky).toBe(1);

    clock.advance(1);
    await runner.quiet();
    expect(calls).toEqual({ first: 1, flaky: 2, handler: 2 });
    expect(logger.error).not.toHaveBeenCalled();
  });

  it("hands memoised results back as JSON, as Inngest stores them", async () => {
    const results: unknown[] = [];
    const fn = inngest.createFunction({ id: "json", retries: 1, triggers: [{ event: "test/json" }] }, async ({ step, attempt }) => {
      const value = await step.run("value", () => ({ at: new Date("2026-01-01T00:00:00Z"), missing: undefined }));
      const nothing = await step.run("nothing", () => undefined);
      results.push({ value, nothing });
      if (attempt === 0) throw new Error("once more");
    });
    const { runner, clock } = startRunner({ functions: [fn] });
    runner.send({ name: "test/json" });
    await settle(runner, clock);
    expect(results).toEqual([
      { value: { at: "2026-01-01T00:00:00.000Z" }, nothing: null },
      { value: { at: "2026-01-01T00:00:00.000Z" }, nothing: null },
    ]);
  });

  it("retries with exponential backoff as many times as `retries` says, then gives up and logs", async () => {
    let attempts = 0;
    const attemptTimes: number[] = [];
    const fn = inngest.createFunction({ id: "doomed", retries: 3, triggers: [{ event: "test/doomed" }] }, async ({ step }) => {
      await step.run("always-fails", () => {
        attempts++;
        attemptTimes.push(clock.now());
        throw new Error("down");
      });
    });
    const { runner, clock, logger } = startRunner({ functions: [fn] });
    const start = clock.now();

    runner.send({ name: "test/doomed" });
    await settle(runner, clock);
    expect(attempts).toBe(4);
    expect(attemptTimes.map((t) => t - start)).toEqual([0, 1_000, 3_000, 7_000]);
    expect(logger.warn).toHaveBeenCalledTimes(3);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledWith(expect.stringContaining("doomed failed for test/doomed"), expect.any(StepError));
    expect(logger.error.mock.calls[0]![0]).toContain("after 4 attempts; giving up");
    expect(clock.nextTimerIn()).toBeUndefined();
  });

  it("caps the backoff", () => {
    expect([1, 2, 3, 4].map(exponentialBackoff)).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(exponentialBackoff(30)).toBe(5 * 60_000);
  });

  it("retries 4 times when the definition does not say, like Inngest", async () => {
    let attempts = 0;
    const fn = inngest.createFunction({ id: "default-retries", triggers: [{ event: "test/default" }] }, async () => {
      attempts++;
      throw new Error("handler code outside any step fails too");
    });
    const { runner, clock, logger } = startRunner({ functions: [fn] });
    runner.send({ name: "test/default" });
    await settle(runner, clock);
    expect(attempts).toBe(5);
    expect(logger.error).toHaveBeenCalledTimes(1);
  });

  it("gives each step its own retries, and does not retry a NonRetriableError", async () => {
    const failures: Record<string, number> = { a: 0, b: 0 };
    const flakyOnce = (name: string) => () => {
      if (failures[name]!++ === 0) throw new Error(`${name} once`);
      return name;
    };
    const perStep = inngest.createFunction({ id: "per-step", retries: 1, triggers: [{ event: "test/per-step" }] }, async ({ step }) => {
      return [await step.run("a", flakyOnce("a")), await step.run("b", flakyOnce("b"))];
    });
    let permanent = 0;
    const nonRetriable = inngest.createFunction({ id: "non-retriable", retries: 5, triggers: [{ event: "test/non-retriable" }] }, async () => {
      permanent++;
      throw new NonRetriableError("bad input");
    });
    const { runner, clock, logger } = startRunner({ functions: [perStep, nonRetriable] });

    runner.send([{ name: "test/per-step" }, { name: "test/non-retriable" }]);
    await settle(runner, clock);
    expect(failures).toEqual({ a: 2, b: 2 });
    expect(permanent).toBe(1);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error.mock.calls[0]![0]).toContain("non-retriable failed");
  });

  it("throws a step's last error into the handler as a StepError, which the handler may catch", async () => {
    const outcomes: string[] = [];
    let runs = 0;
    const fn = inngest.createFunction({ id: "catches", retries: 1, triggers: [{ event: "test/catches" }] }, async ({ step }) => {
      try {
        await step.run("fails", () => {
          runs++;
          throw new Error("still down");
        });
      } catch (error) {
        outcomes.push(error instanceof StepError ? `StepError ${error.stepId}: ${error.message}` : "other");
        await step.run("fallback", () => outcomes.push("fallback"));
      }
    });
    const { runner, clock, logger } = startRunner({ functions: [fn] });
    runner.send({ name: "test/catches" });
    await settle(runner, clock);
    expect(runs).toBe(2);
    expect(outcomes).toEqual(["StepError fails: still down", "fallback"]);
    expect(logger.error).not.toHaveBeenCalled();
  });

  it("routes step.sendEvent back through the runner, sending once even when the sender retries", async () => {
    const received: unknown[] = [];
    const sender = inngest.createFunction({ id: "sender", retries: 1, triggers: [{ event: "test/start" }] }, async ({ step, event, attempt }) => {
      const sent = await step.sendEvent("announce", { name: "test/announced", data: { from: event.data.who } });
      if (attempt === 0) throw new Error("fail after sending");
      return sent;
    });
    const listener = inngest.createFunction({ id: "listener", triggers: [{ event: "test/announced" }] }, async ({ event }) => {
      received.push(event.data);
    });
    const { runner, clock } = startRunner({ functions: [sender, listener] });
    runner.send({ name: "test/start", data: { who: "A" } });
    await settle(runner, clock);
    expect(received).toEqual([{ from: "A" }]);
  });

  it("validates events against the trigger's schema, failing the run without retries", async () => {
    const ran = vi.fn();
    const fn = inngest.createFunction({ id: "typed", triggers: [eventsIngested] }, async ({ event }) => ran(event.data.eventIds));
    const { runner, clock, logger } = startRunner({ functions: [fn] });
    runner.send({ name: "tocsin/events.ingested", data: { workspaceId: "not-a-uuid", eventIds: [] } });
    await settle(runner, clock);
    expect(ran).not.toHaveBeenCalled();
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(String(logger.error.mock.calls[0]![1])).toContain("workspaceId");

    const workspaceId = "0190f0e0-0000-7000-8000-000000000001";
    runner.send({ name: "tocsin/events.ingested", data: { workspaceId, eventIds: [workspaceId] } });
    await runner.quiet();
    expect(ran).toHaveBeenCalledWith([workspaceId]);
  });

  it("runs cron-triggered functions on their schedule (UTC, or the TZ= prefix)", async () => {
    const fired: { at: string; name: string; cron: unknown }[] = [];
    const everyFive = inngest.createFunction({ id: "every-five", triggers: [cron("*/5 * * * *")] }, async ({ event }) => {
      fired.push({ at: new Date(event.ts!).toISOString(), name: event.name, cron: (event.data as { cron?: string }).cron });
    });
    const paris = inngest.createFunction({ id: "paris-morning", triggers: [cron("TZ=Europe/Paris 0 9 * * *")] }, async ({ event }) => {
      fired.push({ at: new Date(event.ts!).toISOString(), name: "paris", cron: null });
    });
    const clock = new ManualClock("2026-01-05T07:57:30.000Z");
    const { runner } = startRunner({ functions: [everyFive, paris], clock });

    clock.advance(2 * 60_000 + 29_999); // 07:59:59.999
    await runner.quiet();
    expect(fired).toEqual([]);
    clock.advance(1);
    await runner.quiet();
    expect(fired).toEqual([
      { at: "2026-01-05T08:00:00.000Z", name: "inngest/scheduled.timer", cron: "*/5 * * * *" },
      { at: "2026-01-05T08:00:00.000Z", name: "paris", cron: null }, // 09:00 in Paris (UTC+1)
    ]);
    clock.advance(10 * 60_000);
    await runner.quiet();
    expect(fired.map((f) => f.at)).toEqual(["2026-01-05T08:00:00.000Z", "2026-01-05T08:00:00.000Z", "2026-01-05T08:05:00.000Z", "2026-01-05T08:10:00.000Z"]);
  });

  it("sleeps with step.sleep, without re-running the steps before it", async () => {
    const log: string[] = [];
    const fn = inngest.createFunction({ id: "sleeper", triggers: [{ event: "test/sleep" }] }, async ({ step }) => {
      await step.run("before", () => log.push(`before@${clock.now() - start}`));
      await step.sleep("nap", "10m");
      await step.run("after", () => log.push(`after@${clock.now() - start}`));
    });
    const clock = new ManualClock();
    const start = clock.now();
    const { runner } = startRunner({ functions: [fn], clock });
    runner.send({ name: "test/sleep" });
    await runner.quiet();
    expect(log).toEqual(["before@0"]);
    clock.advance(10 * 60_000);
    await runner.quiet();
    expect(log).toEqual(["before@0", "after@600000"]);
  });

  it("survives functions that throw, even synchronously or from a step nobody awaited", async () => {
    const survivor = vi.fn();
    const syncThrow = inngest.createFunction({ id: "sync-throw", retries: 0, triggers: [{ event: "test/boom" }] }, (() => {
      throw new Error("synchronous boom");
    }) as unknown as () => Promise<void>);
    const floating = inngest.createFunction({ id: "floating", retries: 0, triggers: [{ event: "test/boom" }] }, async ({ step }) => {
      void step.run("nobody-awaits", () => {
        throw new Error("floating boom");
      });
      await step.run("other", () => "fine");
    });
    const unsupported = inngest.createFunction({ id: "unsupported-step", triggers: [{ event: "test/boom" }] }, async ({ step }) => {
      await step.waitForEvent("wait", { event: "test/never", timeout: "1h" });
    });
    const fine = inngest.createFunction({ id: "fine", triggers: [{ event: "test/boom" }] }, async () => survivor());
    const { runner, clock, logger } = startRunner({ functions: [syncThrow, floating, unsupported, fine] });

    runner.send({ name: "test/boom" });
    await settle(runner, clock);
    expect(survivor).toHaveBeenCalledTimes(1);
    const failed = logger.error.mock.calls.map((call) => String(call[0]).split(" ")[1]);
    expect(failed.sort()).toEqual(["sync-throw", "unsupported-step"]);
    expect(String(logger.error.mock.calls.find((call) => String(call[0]).includes("unsupported-step"))![1])).toContain("step.waitForEvent is not supported");
  });

  it("honours concurrency limits per key: runs of a busy key wait, other keys go on, a sleeping run holds no slot", async () => {
    const running = new Map<string, number>();
    const peak = new Map<string, number>();
    const order: string[] = [];
    const gates: (() => void)[] = [];
    const fn = inngest.createFunction(
      { id: "keyed", concurrency: { limit: 2, key: "event.data.channel.id" }, triggers: [{ event: "test/keyed" }] },
      async ({ event, step }) => {
        const key = (event.data as { channel: { id: string } }).channel.id;
        await step.run("work", async () => {
          running.set(key, (running.get(key) ?? 0) + 1);
          peak.set(key, Math.max(peak.get(key) ?? 0, running.get(key)!));
          order.push(`${key}:${(event.data as { n: number }).n}`);
          await new Promise<void>((resolve) => gates.push(resolve));
          running.set(key, running.get(key)! - 1);
        });
        await step.sleep("rest", "1m");
      },
    );
    const { runner, clock } = startRunner({ functions: [fn], maxConcurrentRuns: 10 });
    for (let n = 1; n <= 4; n++) runner.send({ name: "test/keyed", data: { channel: { id: "slow" }, n } });
    runner.send({ name: "test/keyed", data: { channel: { id: "other" }, n: 5 } });
    await vi.waitFor(() => expect(order).toEqual(["slow:1", "slow:2", "other:5"]));
    // Releasing the first two lets the next two of "slow" in; theirs sleep without holding a slot.
    gates.splice(0, 2).forEach((release) => release());
    await vi.waitFor(() => expect(order).toEqual(["slow:1", "slow:2", "other:5", "slow:3", "slow:4"]));
    for (;;) {
      const release = gates.shift();
      if (!release) break;
      release();
    }
    await runner.quiet();
    clock.advance(60_000);
    await runner.quiet();
    expect(peak.get("slow")).toBe(2);
    expect(peak.get("other")).toBe(1);
  });

  it("applies a limit without a key to all of a function's runs", async () => {
    let running = 0;
    let peak = 0;
    const fn = inngest.createFunction({ id: "single-file", concurrency: 1, triggers: [{ event: "test/single" }] }, async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
    });
    const { runner } = startRunner({ functions: [fn], maxConcurrentRuns: 10 });
    for (let n = 0; n < 5; n++) runner.send({ name: "test/single", data: { n } });
    await vi.waitFor(async () => {
      await runner.quiet();
      expect(running).toBe(0);
    });
    expect(peak).toBe(1);
  });

  it("refuses definitions declaring what it does not implement", () => {
    const debounced = inngest.createFunction({ id: "debounced", debounce: { period: "5s" }, triggers: [{ event: "test/x" }] }, async () => {});
    expect(() => new InlineRunner({ functions: [debounced] })).toThrow(/debounced declares debounce/);
    const celKey = inngest.createFunction({ id: "cel-key", concurrency: { limit: 1, key: "event.data.a + event.data.b" }, triggers: [{ event: "test/x" }] }, async () => {});
    expect(() => new InlineRunner({ functions: [celKey] })).toThrow(/event.data.<path>/);
    const accountScope = inngest.createFunction({ id: "account-scope", concurrency: { limit: 1, scope: "account", key: "event.data.a" }, triggers: [{ event: "test/x" }] }, async () => {});
    expect(() => new InlineRunner({ functions: [accountScope] })).toThrow(/scope "account"/);
    const conditional = inngest.createFunction({ id: "conditional", triggers: [{ event: "test/x", if: "event.data.n > 1" }] }, async () => {});
    expect(() => new InlineRunner({ functions: [conditional] })).toThrow(/`if`/);
    const sixFields = inngest.createFunction({ id: "six-fields", triggers: [cron("0 * * * * *")] }, async () => {});
    expect(() => new InlineRunner({ functions: [sixFields] })).toThrow(/5-field/);
  });

  it("stops: cron schedules end, waiting retries are dropped, new events are refused", async () => {
    const ran = vi.fn();
    const ticking = inngest.createFunction({ id: "ticking", triggers: [cron("* * * * *")] }, async () => ran());
    const { runner, clock } = startRunner({ functions: [ticking] });
    expect(clock.nextTimerIn()).toBe(60_000);
    await runner.stop();
    expect(clock.nextTimerIn()).toBeUndefined();
    clock.advance(5 * 60_000);
    await runner.quiet();
    expect(ran).not.toHaveBeenCalled();
    expect(() => runner.send({ name: "test/x" })).toThrow(/stopped/);
  });
});

describe("the process's runner and sendJobEvent", () => {
  afterEach(() => stopInlineRunner());

  it("has no runner until started, so sends fail and are left to the sweeper", async () => {
    expect(getInlineRunner()).toBeUndefined();
    const workspaceId = "0190f0e0-0000-7000-8000-000000000001";
    await expect(sendJobEvent({ name: "tocsin/events.ingested", data: { workspaceId, eventIds: [workspaceId] } })).rejects.toBeInstanceOf(JobRunnerUnavailableError);
  });

  it("starts once per process, routes sendJobEvent to it, and stops", async () => {
    const received: unknown[] = [];
    const fn = inngest.createFunction({ id: "fan-out-probe", triggers: [eventsIngested] }, async ({ event }) => {
      received.push(event.data);
    });
    const runner = startInlineRunner({ functions: [fn], logger: silentLogger() });
    expect(startInlineRunner({ functions: [] })).toBe(runner);
    expect(getInlineRunner()).toBe(runner);

    const workspaceId = "0190f0e0-0000-7000-8000-000000000001";
    const { ids } = await sendJobEvent({ name: "tocsin/events.ingested", data: { workspaceId, eventIds: [workspaceId] } });
    expect(ids).toHaveLength(1);
    await runner.quiet();
    expect(received).toEqual([{ workspaceId, eventIds: [workspaceId] }]);

    await stopInlineRunner();
    expect(getInlineRunner()).toBeUndefined();
  });
});
