// Shared by the job suites: a clock tests move by hand, a test database the job functions use,
// and quick ways to fill it. Not a *.test.ts file, so vitest does not collect it.
import { sql } from "drizzle-orm";
import type { Db, DbHandle } from "@/server/db/client";
import { workspaces } from "@/server/db/schema";
import { createTestDatabase } from "@/server/db/test-database";
import type { Clock } from "./inline-runner";
import { setJobDbForTests } from "./job-db";

/** A clock that only moves when told to, firing due timers in order. */
export class ManualClock implements Clock {
  private current: number;
  private sequence = 0;
  private timers: { at: number; sequence: number; callback: () => void }[] = [];

  constructor(start: string | number = "2026-01-05T00:00:00.000Z") {
    this.current = typeof start === "number" ? start : Date.parse(start);
  }

  now(): number {
    return this.current;
  }

  setTimer(callback: () => void, ms: number): () => void {
    const timer = { at: this.current + ms, sequence: this.sequence++, callback };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.sequence - b.sequence)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = Math.max(this.current, due.at);
      due.callback();
    }
    this.current = target;
  }

  /** Milliseconds until the next timer, if any. */
  nextTimerIn(): number | undefined {
    const next = Math.min(...this.timers.map((t) => t.at));
    return Number.isFinite(next) ? next - this.current : undefined;
  }
}

/** A fresh test database that the job functions also use; `close` gives them the process's back. */
export async function createJobsTestDatabase(): Promise<DbHandle> {
  const handle = await createTestDatabase();
  setJobDbForTests(handle.db);
  return {
    ...handle,
    close: async () => {
      setJobDbForTests(undefined);
      await handle.close();
    },
  } as DbHandle;
}

let workspaceCounter = 0;

export async function insertWorkspace(db: Db, values: { retentionDays?: number } = {}) {
  const n = ++workspaceCounter;
  const [workspace] = await db
    .insert(workspaces)
    .values({ slug: `jobs-${process.pid}-${n}`, name: `Jobs ${n}`, ...values })
    .returning();
  return workspace!;
}

/** `count` events of one workspace received at `receivedAt`, in one statement; returns their ids. */
export async function insertEvents(
  db: Db,
  workspaceId: string,
  count: number,
  options: { receivedAt: Date; fannedOutAt?: Date | null; title?: string },
): Promise<string[]> {
  const receivedAt = options.receivedAt.toISOString();
  const fannedOutAt = options.fannedOutAt ? options.fannedOutAt.toISOString() : null;
  const title = options.title ?? "test event";
  const result = await db.execute<{ id: string }>(sql`
    insert into events (id, workspace_id, type, severity, title, occurred_at, received_at, origin, fanned_out_at)
    select gen_random_uuid(), ${workspaceId}, 'alert.created', 'info', ${title} || ' ' || g, ${receivedAt}::timestamptz, ${receivedAt}::timestamptz, 'ingest', ${fannedOutAt}::timestamptz
    from generate_series(1, ${count}) as g
    returning id`);
  // PGlite answers { rows }, postgres-js an array of rows.
  const rows = Array.isArray(result) ? (result as { id: string }[]) : (result as unknown as { rows: { id: string }[] }).rows;
  return rows.map((row) => row.id);
}

export const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
export const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 60 * 60_000);
