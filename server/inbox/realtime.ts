import { sql } from "drizzle-orm";
import type { Db, DbHandle, DbOrTx } from "@/server/db/client";
import { peekDbHandle } from "@/server/db/client";
import { getLogger } from "@/server/observability/logger";

const log = getLogger("realtime");

/*
 * The inbox's live signal: PostgreSQL LISTEN/NOTIFY on one channel. Whoever changes a member's
 * inbox (the fan-out job, mark read, archive, hygiene) sends `pg_notify('tocsin_inbox',
 * '{"w":<workspaceId>,"u":<userId>}')` — on PostgreSQL it reaches every app instance, on PGlite the
 * one process. Each process LISTENs once (one connection) and hands the signal to its in-process
 * subscribers: the bell's SSE streams, which then re-count. A signal carries no data: losing or
 * repeating one costs at most a count.
 */

export const INBOX_CHANNEL = "tocsin_inbox";

/** Whose inbox changed. */
export type InboxSignal = { workspaceId: string; userId: string };

type Listener = () => void;

const keyOf = (signal: InboxSignal) => `${signal.workspaceId}:${signal.userId}`;

/** One LISTEN per database handle, fanning out to the subscribers of this process. */
export class InboxRealtime {
  private readonly subscribers = new Map<string, Set<Listener>>();
  private unlisten: (() => Promise<void>) | null = null;
  private closed = false;
  /** Resolves once LISTEN is in place; subscribers count only after it, so no signal falls in between. */
  readonly ready: Promise<void>;

  constructor(handle: DbHandle) {
    this.ready = this.listen(handle);
    this.ready.catch(() => {}); // reported to whoever awaits it
  }

  private async listen(handle: DbHandle): Promise<void> {
    const onPayload = (payload: string) => this.dispatch(payload);
    if (handle.kind === "pglite") {
      const stop = await handle.client.listen(INBOX_CHANNEL, onPayload);
      this.unlisten = () => stop();
    } else {
      let connected = false;
      // postgres-js keeps a dedicated connection for LISTEN and re-listens after a reconnect;
      // signals sent while it was away are lost, so every subscriber re-counts then.
      const request = await handle.client.listen(INBOX_CHANNEL, onPayload, () => {
        if (connected) this.wakeAll();
        connected = true;
      });
      this.unlisten = () => request.unlisten();
    }
    if (this.closed) await this.unlisten?.();
  }

  /** Calls `listener` whenever the inbox of `signal`'s user in its workspace changes. Returns the unsubscribe. */
  subscribe(signal: InboxSignal, listener: Listener): () => void {
    const key = keyOf(signal);
    let set = this.subscribers.get(key);
    if (!set) this.subscribers.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.subscribers.get(key) === set) this.subscribers.delete(key);
    };
  }

  /** Subscribers in this process, for tests and diagnostics. */
  get subscriberCount(): number {
    let total = 0;
    for (const set of this.subscribers.values()) total += set.size;
    return total;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subscribers.clear();
    await this.ready.catch(() => {});
    await this.unlisten?.().catch(() => {});
    this.unlisten = null;
  }

  private dispatch(payload: string): void {
    const signal = parseSignal(payload);
    if (!signal) return;
    for (const listener of this.subscribers.get(keyOf(signal)) ?? []) safely(listener);
  }

  private wakeAll(): void {
    for (const set of this.subscribers.values()) for (const listener of set) safely(listener);
  }
}

function safely(listener: Listener): void {
  try {
    listener();
  } catch (error) {
    log.error({ err: error }, "a realtime subscriber failed");
  }
}

export function encodeSignal(signal: InboxSignal): string {
  return JSON.stringify({ w: signal.workspaceId, u: signal.userId });
}

export function parseSignal(payload: string): InboxSignal | null {
  try {
    const value: unknown = JSON.parse(payload);
    if (typeof value !== "object" || value === null) return null;
    const { w, u } = value as { w?: unknown; u?: unknown };
    return typeof w === "string" && typeof u === "string" ? { workspaceId: w, userId: u } : null;
  } catch {
    return null;
  }
}

/**
 * Tells every listening process that these inboxes changed. Inside a transaction the signals
 * leave at commit (PostgreSQL's rule), so nobody re-counts before the rows are visible.
 */
export async function notifyInbox(db: DbOrTx, signals: readonly InboxSignal[]): Promise<void> {
  const payloads = [...new Set(signals.map(encodeSignal))];
  // pg_notify payloads stay far below PostgreSQL's 8,000-byte limit; batches keep statements small.
  for (let i = 0; i < payloads.length; i += 500) {
    const batch = payloads.slice(i, i + 500);
    await db.execute(
      sql`select pg_notify(${INBOX_CHANNEL}, p) from unnest(array[${sql.join(
        batch.map((payload) => sql`${payload}`),
        sql`, `,
      )}]::text[]) as p`,
    );
  }
}

// One listener per database handle and process, kept on globalThis: Next bundles
// instrumentation and route handlers separately, and both must reach the same one.
const globalForRealtime = globalThis as unknown as { tocsinInboxRealtime?: WeakMap<Db, InboxRealtime> };
const registry = (globalForRealtime.tocsinInboxRealtime ??= new WeakMap());

/** Starts listening on `handle` (once; later calls return the same listener). */
export function startInboxRealtime(handle: DbHandle): InboxRealtime {
  let realtime = registry.get(handle.db);
  if (!realtime) {
    const created = new InboxRealtime(handle);
    registry.set(handle.db, created);
    // A failed LISTEN (database down at start) is not kept: the next subscriber tries again.
    created.ready.catch(() => {
      if (registry.get(handle.db) === created) registry.delete(handle.db);
    });
    realtime = created;
  }
  return realtime;
}

/** Stops the listener of `handle`, if any (tests, shutdown). */
export async function stopInboxRealtime(handle: DbHandle): Promise<void> {
  const realtime = registry.get(handle.db);
  registry.delete(handle.db);
  await realtime?.close();
}

/** The listener for `db`: the process's own database starts one on first use. */
export function getInboxRealtime(db: Db): InboxRealtime {
  const existing = registry.get(db);
  if (existing) return existing;
  const processHandle = peekDbHandle();
  if (processHandle && processHandle.db === db) return startInboxRealtime(processHandle);
  throw new Error("No inbox realtime listener for this database: call startInboxRealtime(handle) first");
}
