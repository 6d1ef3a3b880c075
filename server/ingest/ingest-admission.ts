import { z } from "zod";
import { IngestError } from "./ingest-error";

/**
 * Ingest requests answered at once in this process. Above it, new ones are refused with 429
 * before their body is read: every admitted request then waits behind at most this many others
 * (for the database pool, the event loop), so accepted requests keep a bounded latency and memory
 * stays bounded (at most this many bodies of MAX_BODY_BYTES), instead of an unbounded queue of
 * requests and pending queries that all end in timeouts. `npm run bench:ingest` runs 32
 * concurrent clients, well inside the default.
 */
export const DEFAULT_MAX_INGEST_IN_FLIGHT = 64;
/**
 * How long the event loop may go without coming back to its timers before new ingest requests
 * are refused. The in-flight ceiling sees a slow database; this sees a saturated CPU: requests
 * then wait in socket buffers before any handler runs, and are not counted in flight. Refusing
 * those that arrive while a loop turn has already run this long keeps each turn, and so each
 * request's wait before it is handled, near this bound: a 429 costs a fraction of a 202. A safety
 * net by default: 32 concurrent batches of 100 events (bench:ingest) make turns of a few hundred
 * milliseconds on a busy 2-core machine, and must not be refused; 50 ms held overload latency
 * lower in bench:overload but refused some of that normal load.
 */
export const DEFAULT_MAX_INGEST_LOOP_DELAY_MS = 1_000;
/** What a refused caller is told to wait: about the time the admitted ones take to drain. */
export const OVERLOADED_RETRY_AFTER_SECONDS = 1;
const LOOP_TICK_MS = 10;

function readSetting(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined || value.trim() === "") return fallback;
  const parsed = z.coerce.number().int().min(1).max(max).safeParse(value.trim());
  if (!parsed.success) throw new Error(`${name} must be an integer from 1 to ${max}, not "${value}"`);
  return parsed.data;
}

/** `TOCSIN_INGEST_MAX_IN_FLIGHT`, or the default when unset; a start-up error when not a positive integer. */
export function readMaxIngestInFlight(value = process.env.TOCSIN_INGEST_MAX_IN_FLIGHT): number {
  return readSetting("TOCSIN_INGEST_MAX_IN_FLIGHT", value, DEFAULT_MAX_INGEST_IN_FLIGHT, 100_000);
}

/** `TOCSIN_INGEST_MAX_LOOP_DELAY_MS`, or the default when unset. */
export function readMaxIngestLoopDelayMs(value = process.env.TOCSIN_INGEST_MAX_LOOP_DELAY_MS): number {
  return readSetting("TOCSIN_INGEST_MAX_LOOP_DELAY_MS", value, DEFAULT_MAX_INGEST_LOOP_DELAY_MS, 60_000);
}

/**
 * How long the current turn of the event loop has run past its due timers: a timer is due every
 * LOOP_TICK_MS, so the time since it last fired, less that, is how late the loop is now.
 */
export class LoopDelayMonitor {
  private lastTickAt: number;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.lastTickAt = now();
  }

  /** Starts watching (an unref'd timer: it never keeps the process alive). */
  start(): this {
    this.timer ??= setInterval(() => (this.lastTickAt = this.now()), LOOP_TICK_MS).unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  delayMs(): number {
    return Math.max(0, this.now() - this.lastTickAt - LOOP_TICK_MS);
  }
}

/** A counter of ingest requests in progress, with a ceiling, and a bound on the event loop's delay. */
export class IngestAdmission {
  private inFlight = 0;

  constructor(
    readonly maxInFlight: number,
    readonly loop: { maxDelayMs: number; monitor: Pick<LoopDelayMonitor, "delayMs"> } | null = null,
  ) {}

  /** Requests in progress now. */
  get current(): number {
    return this.inFlight;
  }

  /**
   * Takes a slot, returning its release (idempotent), or the 429 to answer when none is free.
   * Costs a comparison: the refusal is meant to stay cheap however many requests are refused.
   */
  enter(): { admitted: true; release: () => void } | { admitted: false; refusal: IngestError } {
    if (this.inFlight >= this.maxInFlight) return { admitted: false, refusal: overloaded("in_flight", { maxInFlight: this.maxInFlight }) };
    if (this.loop && this.loop.monitor.delayMs() > this.loop.maxDelayMs) {
      return { admitted: false, refusal: overloaded("event_loop_delay", { maxLoopDelayMs: this.loop.maxDelayMs }) };
    }
    this.inFlight++;
    let released = false;
    return {
      admitted: true,
      release: () => {
        if (released) return;
        released = true;
        this.inFlight--;
      },
    };
  }
}

function overloaded(limit: "in_flight" | "event_loop_delay", details: Record<string, number>): IngestError {
  return new IngestError(
    429,
    "overloaded",
    `The server is taking in as many requests as it can; retry after ${OVERLOADED_RETRY_AFTER_SECONDS} s`,
    { limit, ...details, retryAfterSeconds: OVERLOADED_RETRY_AFTER_SECONDS },
    { "retry-after": String(OVERLOADED_RETRY_AFTER_SECONDS) },
  );
}

// One per process (kept on globalThis so that Next's module copies share it).
const globalForAdmission = globalThis as unknown as { tocsinIngestAdmission?: IngestAdmission };

/** The process's admission: the in-flight ceiling, plus the loop-delay bound once `startIngestAdmission` ran. */
export function getIngestAdmission(): IngestAdmission {
  globalForAdmission.tocsinIngestAdmission ??= new IngestAdmission(readMaxIngestInFlight());
  return globalForAdmission.tocsinIngestAdmission;
}

/**
 * The production server (`npm start`) owns its event loop and serves ingest on it first, so it
 * also bounds the loop's delay; elsewhere (`next dev`, scripts, tests) the loop is shared with
 * unrelated work and only the in-flight ceiling applies. Reads the settings now: a bad value
 * stops the start.
 */
export function startIngestAdmission(): IngestAdmission {
  globalForAdmission.tocsinIngestAdmission = new IngestAdmission(readMaxIngestInFlight(), {
    maxDelayMs: readMaxIngestLoopDelayMs(),
    monitor: new LoopDelayMonitor().start(),
  });
  return globalForAdmission.tocsinIngestAdmission;
}
