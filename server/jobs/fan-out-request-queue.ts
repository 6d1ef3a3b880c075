import { MAX_EVENT_IDS_PER_JOB_EVENT } from "./client";
import { getLogger } from "@/server/observability/logger";
import { requestFanOut } from "./request-fan-out";

const log = getLogger("jobs");

/** How long ids wait for company before their fan-out is requested. */
export const FAN_OUT_QUEUE_DELAY_MS = 20;
/**
 * Ids held in memory at most, waiting or being requested. Beyond it (the job runner or the
 * database is not keeping up), new ids are not queued: their events stay unmarked and the
 * fan-out sweeper requests them later, so a backlog grows in the events table, not in memory.
 */
export const MAX_WAITING_FAN_OUT_IDS = 20 * MAX_EVENT_IDS_PER_JOB_EVENT;

/**
 * Coalesces the fan-out requests of many small ingest requests: under load, one job event and
 * one marker update per workspace every few milliseconds instead of one of each per request. Ids
 * only wait in memory after their events are committed; if the process dies first, the sweeper
 * requests them (that is what the marker is for).
 */
export class FanOutRequestQueue {
  private pending = new Map<string, string[]>();
  private pendingCount = 0;
  /** Ids of flushes whose requests have not finished yet. */
  private requestingCount = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private leftToSweeper = 0;
  private warnedAt = -Infinity;

  constructor(
    private readonly request: (workspaceId: string, eventIds: readonly string[]) => Promise<unknown> = requestFanOut,
    private readonly delayMs = FAN_OUT_QUEUE_DELAY_MS,
    private readonly maxWaitingIds = MAX_WAITING_FAN_OUT_IDS,
  ) {}

  /** Ids in memory now: waiting for their flush, or in one not finished yet. */
  get size(): number {
    return this.pendingCount + this.requestingCount;
  }

  /** Ids not queued since the start because the queue was full (their events wait for the sweeper). */
  get leftToSweeperCount(): number {
    return this.leftToSweeper;
  }

  /** Queues the ids for a fan-out request; returns false when the queue is full and they are left to the sweeper. */
  add(workspaceId: string, eventIds: readonly string[]): boolean {
    if (eventIds.length === 0) return true;
    if (this.size + eventIds.length > this.maxWaitingIds) {
      this.leaveToSweeper(eventIds.length);
      return false;
    }
    const ids = this.pending.get(workspaceId);
    if (ids) ids.push(...eventIds);
    else this.pending.set(workspaceId, [...eventIds]);
    this.pendingCount += eventIds.length;
    if (this.pendingCount >= MAX_EVENT_IDS_PER_JOB_EVENT) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.delayMs);
    return true;
  }

  private leaveToSweeper(count: number) {
    this.leftToSweeper += count;
    // Once a minute at most: under overload this happens on every request.
    const now = performance.now();
    if (now - this.warnedAt < 60_000) return;
    this.warnedAt = now;
    log.warn(
      { waiting: this.size, limit: this.maxWaitingIds, leftToSweeper: this.leftToSweeper },
      `the fan-out request queue is full (${this.maxWaitingIds} event ids): new events are left to the fan-out sweeper`,
    );
  }

  /** Requests everything queued so far; resolves when those requests (and earlier ones) are done. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    const batchCount = this.pendingCount;
    this.pending = new Map();
    this.pendingCount = 0;
    this.requestingCount += batchCount;
    const previous = this.flushing;
    // requestFanOut never throws: a failure leaves the events to the sweeper.
    this.flushing = (async () => {
      try {
        await Promise.all([...batch].map(([workspaceId, ids]) => this.request(workspaceId, ids)));
      } finally {
        this.requestingCount -= batchCount;
      }
      await previous;
    })();
    return this.flushing;
  }
}

const globalForQueue = globalThis as unknown as { tocsinFanOutRequestQueue?: FanOutRequestQueue };
export const fanOutRequestQueue = (globalForQueue.tocsinFanOutRequestQueue ??= new FanOutRequestQueue());
