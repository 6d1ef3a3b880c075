import type { Db } from "@/server/db/client";
import { MAX_EVENT_IDS_PER_JOB_EVENT } from "./client";
import { requestFanOut } from "./request-fan-out";

/** How long ids wait for company before their fan-out is requested. */
export const FAN_OUT_QUEUE_DELAY_MS = 20;

/**
 * Coalesces the fan-out requests of many small ingest requests: under load, one job event and
 * one marker update per workspace every few milliseconds instead of one of each per request. Ids
 * only wait in memory after their events are committed; if the process dies first, the sweeper
 * requests them (that is what the marker is for).
 */
export class FanOutRequestQueue {
  private pending = new Map<Db, Map<string, string[]>>();
  private pendingCount = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly request: (db: Db, workspaceId: string, eventIds: readonly string[]) => Promise<unknown> = requestFanOut,
    private readonly delayMs = FAN_OUT_QUEUE_DELAY_MS,
  ) {}

  add(db: Db, workspaceId: string, eventIds: readonly string[]) {
    if (eventIds.length === 0) return;
    let byWorkspace = this.pending.get(db);
    if (!byWorkspace) this.pending.set(db, (byWorkspace = new Map()));
    const ids = byWorkspace.get(workspaceId);
    if (ids) ids.push(...eventIds);
    else byWorkspace.set(workspaceId, [...eventIds]);
    this.pendingCount += eventIds.length;
    if (this.pendingCount >= MAX_EVENT_IDS_PER_JOB_EVENT) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.delayMs);
  }

  /** Requests everything queued so far; resolves when those requests (and earlier ones) are done. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = new Map();
    this.pendingCount = 0;
    const previous = this.flushing;
    // requestFanOut never throws: a failure leaves the events to the sweeper.
    this.flushing = (async () => {
      await Promise.all([...batch].flatMap(([db, byWorkspace]) => [...byWorkspace].map(([workspaceId, ids]) => this.request(db, workspaceId, ids))));
      await previous;
    })();
    return this.flushing;
  }
}

const globalForQueue = globalThis as unknown as { tocsinFanOutRequestQueue?: FanOutRequestQueue };
export const fanOutRequestQueue = (globalForQueue.tocsinFanOutRequestQueue ??= new FanOutRequestQueue());
