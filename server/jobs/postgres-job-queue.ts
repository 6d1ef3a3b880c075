import { sql } from "drizzle-orm";
import type { DbHandle } from "@/server/db/client";
import { executeRows } from "@/server/db/execute-rows";
import type { RunnerEvent } from "./inline-runner";

/*
 * The inline runner's work shared through PostgreSQL (TOCSIN_JOB_QUEUE=postgres), so that N app
 * instances without Inngest behave as one engine:
 * - a job event is INSERTed into `job_queue` by the sender's call, with a NOTIFY on
 *   `tocsin_jobs` in the same statement: once the call returns, the event is committed;
 * - every instance LISTENs on that channel (and polls as a fallback) and claims the oldest rows
 *   with DELETE … FOR UPDATE SKIP LOCKED, only as many as it has room to run: each row is claimed
 *   by exactly one instance, which then runs it in memory as the inline runner always does;
 * - a cron tick is run by the instance that first inserts (function, due time) into
 *   `job_cron_ticks`.
 * A run lost with a killed process is not in the queue any more; the durable state (events not
 * marked fanned out, pending deliveries, held batches, silence state) is, and the sweeper crons
 * request that work again.
 */

export const JOB_QUEUE_CHANNEL = "tocsin_jobs";

/** Ticks older than this before the one being claimed are pruned by the claim. */
const CRON_TICK_RETENTION = "1 day";

/** What the inline runner needs from a queue shared between instances. */
export type SharedJobQueue = {
  /** Commits the events to the queue (all or none) and wakes the listening instances; throws if they were not committed. */
  enqueue(events: readonly RunnerEvent[]): Promise<void>;
  /** Takes up to `limit` of the oldest events, oldest first; no other instance gets them. */
  claim(limit: number): Promise<RunnerEvent[]>;
  /** Whether this call won the cron tick (function, due time): exactly one caller across instances does. */
  claimCronTick(functionId: string, dueAtMs: number): Promise<boolean>;
  /** Calls `onSignal` when events may be waiting (a NOTIFY, or a reconnect that may have missed some). Returns the unlisten. */
  listen(onSignal: () => void): Promise<() => Promise<void>>;
};

type QueueRow = { seq: number | string; event_id: string; name: string; data: Record<string, unknown>; ts: string | Date };

export class PostgresJobQueue implements SharedJobQueue {
  constructor(private readonly handle: DbHandle) {}

  async enqueue(events: readonly RunnerEvent[]): Promise<void> {
    if (events.length === 0) return;
    const rows = JSON.stringify(events.map((event) => ({ id: event.id, name: event.name, data: event.data, ts: new Date(event.ts).toISOString() })));
    // One statement: the rows and the signal commit together (NOTIFY leaves at commit).
    await this.handle.db.execute(sql`
      with queued as (
        insert into job_queue (event_id, name, data, ts)
        select e.id, e.name, e.data, e.ts
        from rows from (jsonb_to_recordset(${rows}::jsonb) as (id text, name text, data jsonb, ts timestamptz)) with ordinality as e(id, name, data, ts, n)
        order by e.n
        returning 1
      )
      select pg_notify(${JOB_QUEUE_CHANNEL}, '') from (select count(*) from queued) as q`);
  }

  async claim(limit: number): Promise<RunnerEvent[]> {
    if (limit <= 0) return [];
    const rows = await executeRows<QueueRow>(
      this.handle.db,
      sql`delete from job_queue
        where seq in (select seq from job_queue order by seq limit ${limit} for update skip locked)
        returning seq, event_id, name, data, ts`,
    );
    return rows
      .sort((a, b) => Number(a.seq) - Number(b.seq))
      .map((row) => ({ id: row.event_id, name: row.name, data: row.data, ts: new Date(row.ts).getTime() }));
  }

  async claimCronTick(functionId: string, dueAtMs: number): Promise<boolean> {
    const dueAt = new Date(dueAtMs).toISOString();
    const won = await executeRows<{ function_id: string }>(
      this.handle.db,
      sql`with pruned as (
          delete from job_cron_ticks where function_id = ${functionId} and due_at < ${dueAt}::timestamptz - ${CRON_TICK_RETENTION}::interval
        )
        insert into job_cron_ticks (function_id, due_at) values (${functionId}, ${dueAt}::timestamptz)
        on conflict do nothing
        returning function_id`,
    );
    return won.length === 1;
  }

  /**
   * The same LISTEN mechanism as the bell's (server/inbox/realtime.ts): on PostgreSQL,
   * postgres-js keeps one dedicated listening connection per client and adds this channel to it,
   * re-listening after a reconnect; on PGlite, the in-process listener.
   */
  async listen(onSignal: () => void): Promise<() => Promise<void>> {
    const { handle } = this;
    if (handle.kind === "pglite") {
      const stop = await handle.client.listen(JOB_QUEUE_CHANNEL, () => onSignal());
      return () => stop();
    }
    // A reconnect may have missed signals: claim then too (the first call is the initial LISTEN).
    const request = await handle.client.listen(JOB_QUEUE_CHANNEL, () => onSignal(), () => onSignal());
    return () => request.unlisten();
  }
}
