import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { CronExpressionParser } from "cron-parser";
import { durationToMs, EventType, internalEvents, NonRetriableError, serializeError, StepError, type InngestFunction, type StandardSchemaV1 } from "inngest";
import { runWithLogContext } from "@/server/observability/log-context";
import { getLogger } from "@/server/observability/logger";
import { recordJobEventsHandedOver, recordJobRun } from "@/server/observability/metrics";
import { jobClock, type Clock } from "./job-clock";
import type { SharedJobQueue } from "./postgres-job-queue";

export type { Clock };

/**
 * The inline runner: runs Tocsin's Inngest function definitions inside this process when no
 * Inngest server is configured (embedded mode, CI). It honours what the definitions declare —
 * event and cron triggers, `retries` (Inngest's default of 4 when absent) with capped exponential
 * backoff, `step.run` / `step.sendEvent` / `step.sleep` memoised within a run, `concurrency`
 * limits (per function, optionally per `event.data.<path>` key; a sleeping run holds no slot,
 * as on Inngest) — and nothing more: a definition declaring anything else (debounce, `if`,
 * onFailure, …) is refused when the runner is built, and an unsupported step tool fails its run.
 *
 * Runs live in memory only. Durable truth is in Postgres, so work lost with the process is found
 * again by the cron functions (e.g. the fan-out sweeper).
 *
 * Alone, a runner keeps the events it is sent in this process. Given a shared queue
 * (TOCSIN_JOB_QUEUE=postgres, see postgres-job-queue.ts), several runners — one per app instance —
 * act as one engine: events handed over go to the queue and each is claimed by one runner while
 * it has room, and each cron tick runs on the one runner that claims it. Concurrency limits stay
 * per runner, so per instance.
 */

/** An event as a function receives it. */
export type RunnerEvent = { id: string; name: string; data: Record<string, unknown>; ts: number };
export type EventToSend = { name: string; data?: Record<string, unknown>; id?: string; ts?: number };


export type RunnerLogger = Pick<Console, "info" | "warn" | "error">;

export type InlineRunnerOptions = {
  functions: readonly InngestFunction.Any[];
  /** The job layer's clock (server/jobs/job-clock.ts) unless given. */
  clock?: Clock;
  /** Delay before retry number `retry` (1 for the first retry). */
  backoffMs?: (retry: number) => number;
  /**
   * Runs executing at once; the others wait in order of arrival. 32 by default: more than one
   * channel's concurrency limit, so a receiver holding its runs cannot hold up the others, and
   * enough that runs waiting on the database overlap.
   */
  maxConcurrentRuns?: number;
  logger?: RunnerLogger;
  /** Share events and cron ticks with the other instances' runners through this queue. */
  sharedQueue?: SharedJobQueue;
  /** With a shared queue: how often to look for events when no signal came (the LISTEN's fallback). */
  claimIntervalMs?: number;
  /**
   * With a shared queue: claimed runs kept waiting here for a concurrency key's slot at most, so
   * that one slow channel's deliveries fill neither this runner (other events are still claimed)
   * nor its memory (past this, they stay in the queue for another instance).
   */
  maxWaitingRuns?: number;
};

/** Runs executing at once unless the runner is told otherwise (see InlineRunnerOptions). */
export const DEFAULT_MAX_CONCURRENT_RUNS = 32;
const DEFAULT_CLAIM_INTERVAL_MS = 1_000;
const DEFAULT_MAX_WAITING_RUNS = 8 * DEFAULT_MAX_CONCURRENT_RUNS;

const BACKOFF_BASE_MS = 1_000;
const BACKOFF_CAP_MS = 5 * 60_000;
/** 1 s, 2 s, 4 s, … capped at 5 min. */
export function exponentialBackoff(retry: number): number {
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, retry - 1));
}

/** Inngest retries a function 4 times when its definition does not say. */
const DEFAULT_RETRIES = 4;
const SUPPORTED_OPTIONS = new Set(["id", "name", "description", "triggers", "retries", "concurrency"]);
/** setTimeout overflows past ~24.8 days; longer waits are taken in steps. */
const MAX_TIMER_MS = 24 * 60 * 60_000;

type Definition = {
  id: string;
  /** The id Inngest knows the function by: prefixed with the app id ("tocsin-fan-out-events"). */
  absoluteId: string;
  retries: number;
  handler: (ctx: unknown) => unknown;
  events: { name: string; schema: StandardSchemaV1 | null }[];
  crons: { expression: string; fields: string; tz: string }[];
  /** Concurrency limits: at most `limit` runs executing at once per value of the key (or in all). */
  concurrency: { limit: number; keyPath: string[] | null }[];
};

type Memo = { data: unknown } | { error: StepError };
type Run = { id: string; definition: Definition; event: RunnerEvent; memo: Map<string, Memo>; attempt: number; concurrencyKeys: string[] };

/** How one pass over the handler ended. */
type PassOutcome =
  | { kind: "completed" }
  | { kind: "failed"; error: unknown; attempt: number }
  | { kind: "sleep"; stepId: string; ms: number };

export class InlineRunner {
  private readonly definitions: Definition[];
  private readonly clock: Clock;
  private readonly backoffMs: (retry: number) => number;
  private readonly maxConcurrentRuns: number;
  private readonly logger: RunnerLogger;
  private readonly sharedQueue: SharedJobQueue | undefined;
  private readonly claimIntervalMs: number;
  private readonly maxWaitingRuns: number;
  /** Runs start outside the async context of whoever sent the event (e.g. a request). */
  private readonly detached = AsyncLocalStorage.snapshot();
  private readonly ready: Run[] = [];
  private readonly timers = new Set<() => void>();
  private quietWaiters: (() => void)[] = [];
  private active = 0;
  /** Runs executing now, per concurrency key. */
  private readonly activeByKey = new Map<string, number>();
  private pumpScheduled = false;
  private started = false;
  private stopped = false;
  /** Shared queue: the claim in flight, whether to claim again when it ends, and whether rows may be waiting. */
  private claiming: Promise<void> | null = null;
  private claimAgain = false;
  private queueMayHaveMore = false;
  /** Shared queue: cron ticks being claimed now (a run may follow). */
  private pendingTickClaims = 0;
  private stopPolling: (() => void) | null = null;
  private unlisten: Promise<(() => Promise<void>) | null> = Promise.resolve(null);

  constructor(options: InlineRunnerOptions) {
    this.definitions = options.functions.map(describeFunction);
    this.clock = options.clock ?? jobClock();
    this.backoffMs = options.backoffMs ?? exponentialBackoff;
    this.maxConcurrentRuns = options.maxConcurrentRuns ?? DEFAULT_MAX_CONCURRENT_RUNS;
    this.logger = options.logger ?? getLogger("jobs");
    this.sharedQueue = options.sharedQueue;
    this.claimIntervalMs = options.claimIntervalMs ?? DEFAULT_CLAIM_INTERVAL_MS;
    this.maxWaitingRuns = options.maxWaitingRuns ?? DEFAULT_MAX_WAITING_RUNS;
  }

  /** Schedules the cron-triggered functions and, with a shared queue, starts claiming from it. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    for (const definition of this.definitions) {
      for (const cron of definition.crons) this.scheduleCron(definition, cron);
    }
    if (this.sharedQueue) this.startClaiming(this.sharedQueue);
  }

  /** Cancels schedules and waiting runs, and waits for the runs executing now to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const cancel of this.timers) cancel();
    this.timers.clear();
    this.ready.length = 0;
    this.stopPolling?.();
    this.stopPolling = null;
    const unlisten = await this.unlisten;
    await unlisten?.().catch(() => {});
    await this.quiet();
  }

  /**
   * Accepts events into this process and returns their ids at once; the functions they trigger
   * run later, never inside the caller. (Events to share with the other instances go through
   * `handOver`.)
   */
  send(events: EventToSend | readonly EventToSend[]): string[] {
    if (this.stopped) throw new Error("The inline job runner is stopped");
    const received = this.stamp(events);
    this.accept(received);
    return received.map((event) => event.id);
  }

  /**
   * Hands events over to whichever runner will run them: with a shared queue, resolves once they
   * are committed to it (and throws if they were not: nothing is reported as handed over that is
   * not); otherwise as `send`. The functions run later, never inside the caller.
   */
  async handOver(events: EventToSend | readonly EventToSend[]): Promise<string[]> {
    if (this.stopped) throw new Error("The inline job runner is stopped");
    const received = this.stamp(events);
    if (this.sharedQueue) await this.sharedQueue.enqueue(received);
    else this.accept(received);
    recordJobEventsHandedOver(received);
    return received.map((event) => event.id);
  }

  private stamp(events: EventToSend | readonly EventToSend[]): RunnerEvent[] {
    return (Array.isArray(events) ? events : [events]).map(
      (event: EventToSend): RunnerEvent => ({ id: event.id ?? randomUUID(), name: event.name, data: event.data ?? {}, ts: event.ts ?? this.clock.now() }),
    );
  }

  private accept(received: readonly RunnerEvent[]): void {
    for (const event of received) {
      for (const definition of this.definitions) {
        if (definition.events.some((trigger) => triggerMatches(trigger.name, event.name))) this.enqueue(this.newRun(definition, event));
      }
    }
  }

  /**
   * Claims from the shared queue on every signal (NOTIFY, reconnect), every `claimIntervalMs`
   * in case a signal was lost, and whenever a run ends while rows may still be waiting. Real
   * time, not the job clock: this is plumbing, not a schedule the jobs declare.
   */
  private startClaiming(queue: SharedJobQueue): void {
    const wake = () => {
      this.queueMayHaveMore = true;
      this.requestClaim();
    };
    this.unlisten = queue.listen(wake).catch((error: unknown) => {
      this.logger.error("[jobs] cannot LISTEN for the shared job queue; claiming by polling only:", error);
      return null;
    });
    const poll = setInterval(wake, this.claimIntervalMs);
    poll.unref(); // the job layer alone never keeps a process alive
    this.stopPolling = () => clearInterval(poll);
    wake();
  }

  /** Runs this runner can take on now: free run slots, less claimed runs already able to use them. */
  private freeCapacity(): number {
    let runnable = 0;
    for (const run of this.ready) if (this.hasFreeSlot(run)) runnable++;
    return Math.max(0, Math.min(this.maxConcurrentRuns - this.active - runnable, this.maxWaitingRuns - this.ready.length));
  }

  private requestClaim(): void {
    if (!this.sharedQueue || this.stopped) return;
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    if (this.freeCapacity() === 0) return; // a run ending calls again while rows may be waiting
    const queue = this.sharedQueue;
    this.claiming = this.detached(() => this.claimWhileRoom(queue)).finally(() => {
      this.claiming = null;
      if (this.claimAgain && !this.stopped) {
        this.claimAgain = false;
        this.requestClaim();
      }
      this.resolveQuietWaiters();
    });
  }

  private async claimWhileRoom(queue: SharedJobQueue): Promise<void> {
    for (;;) {
      this.claimAgain = false;
      const limit = this.freeCapacity();
      if (limit === 0 || this.stopped) return;
      let claimed: RunnerEvent[];
      try {
        claimed = await queue.claim(limit);
      } catch (error) {
        this.logger.error("[jobs] claiming from the shared job queue failed; trying again at the next signal or poll:", error);
        return;
      }
      if (this.stopped) {
        // Claimed just as the runner stopped: the events are lost with it, as runs in memory are;
        // the sweepers request the durable work again.
        if (claimed.length > 0) this.logger.warn(`[jobs] ${claimed.length} job event(s) claimed while stopping were dropped; the sweepers will request their work again`);
        return;
      }
      this.accept(claimed);
      this.queueMayHaveMore = claimed.length === limit;
      if (!this.queueMayHaveMore) return;
    }
  }

  /**
   * Runs waiting in this process to start (for a run slot or a concurrency key's). With a shared
   * queue it stays below `maxWaitingRuns`: the rest of a backlog waits in the database.
   */
  backlog(): number {
    return this.ready.length;
  }

  /** Resolves once no run is executing or ready to (runs waiting for a timer do not count). */
  quiet(): Promise<void> {
    if (this.isQuiet()) return Promise.resolve();
    return new Promise((resolve) => this.quietWaiters.push(resolve));
  }

  private newRun(definition: Definition, event: RunnerEvent): Run {
    return { id: randomUUID(), definition, event: structuredClone(event), memo: new Map(), attempt: 0, concurrencyKeys: concurrencyKeysOf(definition, event) };
  }

  private enqueue(run: Run): void {
    if (this.stopped) return;
    this.ready.push(run);
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() =>
      this.detached(() => {
        this.pumpScheduled = false;
        this.pump();
      }),
    );
  }

  private pump(): void {
    while (!this.stopped && this.active < this.maxConcurrentRuns) {
      // The first run in order of arrival whose concurrency keys all have a free slot.
      const index = this.ready.findIndex((candidate) => this.hasFreeSlot(candidate));
      if (index === -1) break;
      const [run] = this.ready.splice(index, 1) as [Run];
      this.active++;
      this.takeSlots(run, 1);
      // Every line logged while the run executes carries its function and run ids.
      void runWithLogContext({ functionId: run.definition.id, runId: run.id }, () => this.advance(run))
        .catch((error: unknown) => this.logger.error(`[jobs] ${run.definition.id}: the inline job runner failed (run ${run.id}):`, error))
        .finally(() => {
          this.active--;
          this.takeSlots(run, -1);
          this.pump();
          if (this.queueMayHaveMore) this.requestClaim();
        });
    }
    this.resolveQuietWaiters();
  }

  private resolveQuietWaiters(): void {
    if (!this.isQuiet()) return;
    const waiters = this.quietWaiters;
    this.quietWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private hasFreeSlot(run: Run): boolean {
    return run.definition.concurrency.every((limit, i) => (this.activeByKey.get(run.concurrencyKeys[i]!) ?? 0) < limit.limit);
  }

  private takeSlots(run: Run, delta: 1 | -1): void {
    for (const key of run.concurrencyKeys) {
      const count = (this.activeByKey.get(key) ?? 0) + delta;
      if (count === 0) this.activeByKey.delete(key);
      else this.activeByKey.set(key, count);
    }
  }

  private isQuiet(): boolean {
    return this.active === 0 && !this.pumpScheduled && (this.ready.length === 0 || this.stopped) && this.claiming === null && this.pendingTickClaims === 0;
  }

  /** One pass over the run's handler, then: done, a retry after backoff, a sleep, or giving up. */
  private async advance(run: Run): Promise<void> {
    const { definition } = run;
    const outcome = await this.pass(run);
    if (outcome.kind === "completed") {
      recordJobRun(definition.id, "completed");
      return;
    }
    if (outcome.kind === "sleep") {
      run.memo.set(outcome.stepId, { data: null });
      run.attempt = 0;
      this.after(outcome.ms, () => this.enqueue(run));
      return;
    }
    const { error, attempt } = outcome;
    if (isFinal(error) || attempt >= definition.retries) {
      const attempts = attempt + 1;
      this.logger.error(`[jobs] ${definition.id} failed for ${run.event.name} (run ${run.id}) after ${attempts} attempt${attempts === 1 ? "" : "s"}; giving up:`, error);
      recordJobRun(definition.id, "failed");
      this.sendFunctionFailed(run, error);
      return;
    }
    run.attempt = attempt + 1;
    const delay = this.backoffMs(run.attempt);
    this.logger.warn(`[jobs] ${definition.id} attempt ${attempt + 1} of ${definition.retries + 1} failed (run ${run.id}); retrying in ${delay} ms: ${errorMessage(error)}`);
    this.after(delay, () => this.enqueue(run));
  }

  /**
   * As Inngest does when a run fails for good: `inngest/function.failed` with the same data
   * (function_id prefixed with the app id, run_id, the serialised error, the triggering event),
   * for the functions that listen to it. A run of such a listener that fails is not reported in
   * turn: a failing failure handler must not loop.
   */
  private sendFunctionFailed(run: Run, error: unknown): void {
    if (this.stopped || run.event.name === internalEvents.FunctionFailed) return;
    this.handOver({
      name: internalEvents.FunctionFailed,
      data: { function_id: run.definition.absoluteId, run_id: run.id, error: serializeError(error), event: run.event },
    }).catch((sendError: unknown) => this.logger.error(`[jobs] could not report the failure of ${run.definition.id} (run ${run.id}):`, sendError));
  }

  /**
   * Calls the handler with memoised steps. A step that completes for the first time is "progress":
   * like Inngest, each step gets its own retries, so the attempt count restarts after it. A step
   * that fails with retries left ends the pass there (its promise never settles, as when Inngest
   * stops a request); on its last attempt its error is thrown into the handler as a StepError.
   */
  private async pass(run: Run): Promise<PassOutcome> {
    let progressed = false;
    let ended = false;
    let interrupt!: (outcome: PassOutcome) => void;
    const interrupted = new Promise<PassOutcome>((resolve) => (interrupt = resolve));
    const never = () => new Promise<never>(() => {});
    const currentAttempt = () => (progressed ? 0 : run.attempt);

    const seen = new Map<string, number>();
    const stepId = (idOrOptions: unknown): string => {
      const id = typeof idOrOptions === "string" ? idOrOptions : (idOrOptions as { id: string }).id;
      const count = seen.get(id) ?? 0;
      seen.set(id, count + 1);
      return count === 0 ? id : `${id}:${count}`; // Inngest's suffix for a repeated step id
    };

    const memoised = async (id: string, execute: () => unknown): Promise<unknown> => {
      if (ended) return never();
      const memo = run.memo.get(id);
      if (memo) {
        if ("error" in memo) throw memo.error;
        return structuredClone(memo.data); // a fresh copy each time, as if read from Inngest's store
      }
      let data: unknown;
      try {
        data = toJson(await execute());
      } catch (error) {
        if (ended) return never();
        const attempt = currentAttempt();
        if (!isFinal(error) && attempt < run.definition.retries) {
          interrupt({ kind: "failed", error, attempt });
          return never();
        }
        const stepError = new StepError(id, serializeError(error));
        run.memo.set(id, { error: stepError });
        throw stepError;
      }
      run.memo.set(id, { data });
      if (ended) return never();
      progressed = true;
      return structuredClone(data);
    };

    // A step left un-awaited that fails must not become an unhandled rejection (which ends the
    // process); whoever awaits it still gets the error.
    const handled = <T,>(promise: Promise<T>) => (promise.catch(() => {}), promise);
    const tools: Record<string, unknown> = {
      run: (idOrOptions: unknown, fn: (...input: unknown[]) => unknown, ...input: unknown[]) => handled(memoised(stepId(idOrOptions), () => fn(...input))),
      sendEvent: (idOrOptions: unknown, payload: EventToSend | EventToSend[]) => handled(memoised(stepId(idOrOptions), async () => ({ ids: await this.handOver(payload) }))),
      sleep: async (idOrOptions: unknown, duration: unknown) => {
        const id = stepId(idOrOptions);
        if (ended) return never();
        if (run.memo.has(id)) return null;
        interrupt({ kind: "sleep", stepId: id, ms: durationToMs(duration) });
        return never();
      },
    };
    const step = new Proxy(tools, {
      get: (target, property) => {
        if (typeof property !== "string" || property === "then") return undefined;
        if (property in target) return target[property];
        return () => {
          throw new NonRetriableError(`step.${property} is not supported by the inline job runner`);
        };
      },
    });

    const ctx = {
      event: run.event,
      events: [run.event],
      runId: run.id,
      attempt: run.attempt,
      maxAttempts: run.definition.retries + 1,
      step,
      logger: this.logger,
    };
    const handlerOutcome = (async (): Promise<PassOutcome> => {
      try {
        await validateEvent(run.definition, run.event);
        await run.definition.handler(ctx);
        return { kind: "completed" };
      } catch (error) {
        return { kind: "failed", error, attempt: currentAttempt() };
      }
    })();
    const outcome = await Promise.race([handlerOutcome, interrupted]);
    ended = true;
    return outcome;
  }

  private scheduleCron(definition: Definition, cron: Definition["crons"][number]): void {
    const due = CronExpressionParser.parse(cron.fields, { currentDate: new Date(this.clock.now()), tz: cron.tz }).next().getTime();
    const wake = () => {
      if (this.clock.now() < due) return this.after(due - this.clock.now(), wake);
      const run = this.newRun(definition, { id: randomUUID(), name: internalEvents.ScheduledTimer, data: { cron: cron.expression }, ts: due });
      if (this.sharedQueue) this.claimTick(this.sharedQueue, run, due);
      else this.enqueue(run);
      this.scheduleCron(definition, cron);
    };
    this.after(due - this.clock.now(), wake);
  }

  /** Shared queue: runs the tick only if this runner is the first to claim it. */
  private claimTick(queue: SharedJobQueue, run: Run, due: number): void {
    this.pendingTickClaims++;
    void this.detached(() => queue.claimCronTick(run.definition.id, due))
      .then(
        (won) => {
          if (won) this.enqueue(run);
        },
        // Another instance may have it; if none does, the next tick does the work (crons sweep durable state).
        (error: unknown) => this.logger.error(`[jobs] could not claim the ${new Date(due).toISOString()} tick of ${run.definition.id}; skipping it:`, error),
      )
      .finally(() => {
        this.pendingTickClaims--;
        this.resolveQuietWaiters();
      });
  }

  private after(ms: number, callback: () => void): void {
    if (this.stopped) return;
    const cancel = this.clock.setTimer(
      () => {
        this.timers.delete(cancel);
        callback();
      },
      Math.min(Math.max(0, ms), MAX_TIMER_MS),
    );
    this.timers.add(cancel);
  }
}

/** Reads a definition once, refusing what this runner would only pretend to honour. */
function describeFunction(fn: InngestFunction.Any): Definition {
  const opts = fn.opts as InngestFunction.Any["opts"] & Record<string, unknown>;
  const id = fn.id();
  const unsupported = Object.keys(opts).filter((key) => opts[key] !== undefined && !SUPPORTED_OPTIONS.has(key));
  if (unsupported.length > 0) throw new Error(`Job function ${id} declares ${unsupported.join(", ")}, which the inline job runner does not implement`);
  // The SDK keeps the handler in a field without a public accessor; its own engine reads it the same way.
  const handler = (fn as unknown as { fn: unknown }).fn;
  if (typeof handler !== "function") throw new Error(`Job function ${id}: cannot find its handler (has the inngest SDK changed?)`);

  const appId = (fn as unknown as { client?: { id?: unknown } }).client?.id;
  const definition: Definition = {
    id,
    absoluteId: fn.id(typeof appId === "string" ? appId : undefined),
    retries: opts.retries ?? DEFAULT_RETRIES,
    handler: handler as Definition["handler"],
    events: [],
    crons: [],
    concurrency: parseConcurrency(id, opts.concurrency),
  };
  for (const trigger of [opts.triggers ?? []].flat() as unknown[]) {
    if (trigger instanceof EventType) {
      definition.events.push({ name: trigger.name, schema: trigger.schema ?? null });
      continue;
    }
    const t = trigger as { event?: unknown; cron?: string; if?: string };
    if (t.if !== undefined) throw new Error(`Job function ${id}: trigger conditions (\`if\`) are not implemented by the inline job runner`);
    if (typeof t.cron === "string") definition.crons.push(parseCron(id, t.cron));
    else if (t.event instanceof EventType) definition.events.push({ name: t.event.name, schema: t.event.schema ?? null });
    else if (typeof t.event === "string") definition.events.push({ name: t.event, schema: null });
    else throw new Error(`Job function ${id}: unrecognised trigger ${JSON.stringify(trigger)}`);
  }
  return definition;
}

/**
 * Inngest's `concurrency`: a limit, or { limit, key? } objects (at most two). Keys are CEL on
 * Inngest; this runner evaluates the one form Tocsin uses, `event.data.<path>`, and refuses the
 * rest, as it refuses scopes wider than the function.
 */
function parseConcurrency(id: string, option: unknown): Definition["concurrency"] {
  if (option === undefined) return [];
  const list = (Array.isArray(option) ? option : [option]) as unknown[];
  return list.map((entry) => {
    const { limit, key, scope } = typeof entry === "number" ? { limit: entry, key: undefined, scope: undefined } : (entry as { limit?: unknown; key?: unknown; scope?: unknown });
    if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1) throw new Error(`Job function ${id}: concurrency limit must be a positive whole number`);
    if (scope !== undefined && scope !== "fn") throw new Error(`Job function ${id}: concurrency scope "${String(scope)}" is not implemented by the inline job runner`);
    if (key === undefined) return { limit, keyPath: null };
    const match = typeof key === "string" ? /^event\.data((?:\.[A-Za-z_$][\w$]*)+)$/.exec(key.trim()) : null;
    if (!match) throw new Error(`Job function ${id}: concurrency key ${JSON.stringify(key)} is not an event.data.<path> expression, the only form the inline job runner evaluates`);
    return { limit, keyPath: match[1]!.slice(1).split(".") };
  });
}

function concurrencyKeysOf(definition: Definition, event: RunnerEvent): string[] {
  return definition.concurrency.map(({ keyPath }, index) => {
    let value: unknown = event.data;
    for (const part of keyPath ?? []) value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[part] : undefined;
    return `${definition.id}\u0000${index}\u0000${keyPath ? JSON.stringify(value ?? null) : ""}`;
  });
}

/** A standard 5-field cron expression, optionally prefixed `TZ=<zone> ` as Inngest allows; UTC otherwise. */
function parseCron(id: string, expression: string): Definition["crons"][number] {
  const match = /^(?:TZ=(\S+)\s+)?(.+)$/.exec(expression.trim());
  const fields = match?.[2]?.trim() ?? "";
  const tz = match?.[1] ?? "UTC";
  if (fields.split(/\s+/).length !== 5) throw new Error(`Job function ${id}: cron "${expression}" is not a 5-field cron expression`);
  CronExpressionParser.parse(fields, { tz }); // throws on a malformed expression
  return { expression, fields, tz };
}

function triggerMatches(pattern: string, name: string): boolean {
  return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

/** As the SDK does before running: the event must satisfy one of its trigger's schemas. */
async function validateEvent(definition: Definition, event: RunnerEvent): Promise<void> {
  const schemas = definition.events.filter((t) => t.schema && triggerMatches(t.name, event.name)).map((t) => t.schema!);
  if (schemas.length === 0) return;
  const results = await Promise.all(schemas.map((schema) => schema["~standard"].validate(event.data)));
  const failed = results.find((result) => result.issues);
  if (results.every((result) => result.issues) && failed?.issues) {
    const issues = failed.issues.map((issue) => `${issue.path?.map((p) => (typeof p === "object" ? p.key : p)).join(".") || "data"}: ${issue.message}`);
    throw new NonRetriableError(`Event ${event.name} does not match ${definition.id}'s trigger schema: ${issues.join("; ")}`);
  }
}

/** Step results are JSON, as they are when Inngest stores them: undefined becomes null, Dates strings. */
function toJson(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

/** Errors that retrying cannot cure: declared non-retriable, or a step that has already failed for good. */
function isFinal(error: unknown): boolean {
  return error instanceof NonRetriableError || error instanceof StepError;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// One runner per process, kept on globalThis: Next bundles instrumentation and route handlers
// separately, and both must reach the same runner.
const globalForRunner = globalThis as unknown as { tocsinInlineRunner?: InlineRunner };

/** Starts this process's runner (once; later calls return the running one). */
export function startInlineRunner(options: InlineRunnerOptions): InlineRunner {
  if (!globalForRunner.tocsinInlineRunner) {
    const runner = new InlineRunner(options);
    runner.start();
    globalForRunner.tocsinInlineRunner = runner;
  }
  return globalForRunner.tocsinInlineRunner;
}

export function getInlineRunner(): InlineRunner | undefined {
  return globalForRunner.tocsinInlineRunner;
}

export async function stopInlineRunner(): Promise<void> {
  const runner = globalForRunner.tocsinInlineRunner;
  globalForRunner.tocsinInlineRunner = undefined;
  await runner?.stop();
}
