import { z } from "zod";
import { IngestError } from "./ingest-error";

/**
 * Ingest requests worked on at once in this process (authenticated, read, parsed, stored). Few:
 * past a handful, concurrent inserts only contend for the database and the CPU (on a 2-core
 * machine, 16 at once stored more events per second than 64, at a tenth of the latency, and kept
 * the event loop free to refuse oversize bodies within 100 ms). Beyond it a request waits for a
 * slot, up to DEFAULT_MAX_INGEST_WAITING of them, before its body is read; past that it is
 * refused with 429 at once. `npm run bench:ingest` runs 32 concurrent clients: some wait, none
 * are refused.
 */
export const DEFAULT_MAX_INGEST_IN_FLIGHT = 16;
/** Requests waiting for a slot, their bodies unread; beyond it, 429 at once. */
export const DEFAULT_MAX_INGEST_WAITING = 48;
/** The longest a request waits for a slot before it is refused (the database may be stalled). */
export const MAX_INGEST_WAIT_MS = 2_000;
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

/** `TOCSIN_INGEST_MAX_WAITING`, or the default when unset. */
export function readMaxIngestWaiting(value = process.env.TOCSIN_INGEST_MAX_WAITING): number {
  if (value !== undefined && value.trim() === "0") return 0;
  return readSetting("TOCSIN_INGEST_MAX_WAITING", value, DEFAULT_MAX_INGEST_WAITING, 100_000);
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

export type Admitted = { admitted: true; release: () => void };
export type Refused = { admitted: false; refusal: IngestError };
/**
 * A request waiting for a slot: `turn` settles admitted when one frees, refused after
 * MAX_INGEST_WAIT_MS; `leave` gives up its place (nothing once the turn has come).
 */
export type Queued = { admitted: "waiting"; turn: Promise<Admitted | Refused>; leave: () => void };

/**
 * Ingest requests in progress, with a ceiling, a bounded line of requests waiting for a slot
 * (first come, first served), and a bound on the event loop's delay.
 */
/** A place in the line: how its turn is given, and the timer that refuses it after the longest wait. */
type Place = { admit: (admission: Admitted | Refused) => void; timer: ReturnType<typeof setTimeout> };

export class IngestAdmission {
  private inFlight = 0;
  private readonly waiting: Place[] = [];
  // Built once: under overload most answers are these, and an Error costs a stack trace each time.
  private readonly inFlightRefusal: Refused;
  private readonly loopDelayRefusal: Refused;

  constructor(
    readonly maxInFlight: number,
    readonly loop: { maxDelayMs: number; monitor: Pick<LoopDelayMonitor, "delayMs"> } | null = null,
    readonly maxWaiting = 0,
    private readonly maxWaitMs = MAX_INGEST_WAIT_MS,
  ) {
    this.inFlightRefusal = { admitted: false, refusal: overloaded("in_flight", { maxInFlight, maxWaiting }) };
    this.loopDelayRefusal = { admitted: false, refusal: overloaded("event_loop_delay", { maxLoopDelayMs: loop?.maxDelayMs ?? 0 }) };
  }

  /** Requests in progress now. */
  get current(): number {
    return this.inFlight;
  }

  /** Requests waiting for a slot now. */
  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Takes a slot, returning its release (idempotent); or a place in line when none is free; or
   * the 429 to answer when the line is full too. Costs a comparison: the refusal is meant to stay
   * cheap however many requests are refused.
   */
  enter(): Admitted | Refused | Queued {
    if (this.loop && this.loop.monitor.delayMs() > this.loop.maxDelayMs) return this.loopDelayRefusal;
    if (this.inFlight < this.maxInFlight) {
      this.inFlight++;
      return this.slot();
    }
    if (this.waiting.length >= this.maxWaiting) return this.inFlightRefusal;
    let resolveTurn!: (admission: Admitted | Refused) => void;
    const turn = new Promise<Admitted | Refused>((resolve) => (resolveTurn = resolve));
    const place = { admit: resolveTurn, timer: setTimeout(() => this.leaveLine(place), this.maxWaitMs) };
    this.waiting.push(place);
    return { admitted: "waiting", turn, leave: () => this.leaveLine(place) };
  }

  /** Takes a place out of the line, refused; nothing when it is not there (admitted, or gone already). */
  private leaveLine(place: Place): void {
    const index = this.waiting.indexOf(place);
    if (index < 0) return;
    this.waiting.splice(index, 1);
    clearTimeout(place.timer);
    place.admit(this.inFlightRefusal);
  }

  /** A slot already counted in `inFlight`; releasing it hands it to the first in line, if any. */
  private slot(): Admitted {
    let released = false;
    return {
      admitted: true,
      release: () => {
        if (released) return;
        released = true;
        const next = this.waiting.shift();
        if (!next) {
          this.inFlight--;
          return;
        }
        clearTimeout(next.timer);
        next.admit(this.slot());
      },
    };
  }
}

/**
 * Waits for a queued request's turn: an admission or a refusal either way — unless `abandonOn`
 * (work the request does while it waits) fails first: the request then leaves the line and that
 * failure is thrown.
 */
export function turnOf(entry: Queued, abandonOn: Promise<unknown>): Promise<Admitted | Refused> {
  return new Promise((resolve, reject) => {
    void entry.turn.then(resolve);
    abandonOn.catch((error: unknown) => {
      entry.leave();
      reject(error);
    });
  });
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
  globalForAdmission.tocsinIngestAdmission ??= new IngestAdmission(readMaxIngestInFlight(), null, readMaxIngestWaiting());
  return globalForAdmission.tocsinIngestAdmission;
}

/**
 * The production server (`npm start`) owns its event loop and serves ingest on it first, so it
 * also bounds the loop's delay; elsewhere (`next dev`, scripts, tests) the loop is shared with
 * unrelated work and only the in-flight ceiling applies. Reads the settings now: a bad value
 * stops the start.
 */
export function startIngestAdmission(): IngestAdmission {
  globalForAdmission.tocsinIngestAdmission = new IngestAdmission(
    readMaxIngestInFlight(),
    { maxDelayMs: readMaxIngestLoopDelayMs(), monitor: new LoopDelayMonitor().start() },
    readMaxIngestWaiting(),
  );
  return globalForAdmission.tocsinIngestAdmission;
}
