import { sql } from "drizzle-orm";
import { cron, Inngest, type InngestFunction } from "inngest";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createPostgresHandle, type DbHandle } from "@/server/db/client";
import { executeRows } from "@/server/db/execute-rows";
import { startInboxRealtime, stopInboxRealtime } from "@/server/inbox/realtime";
import { createTestDatabase } from "@/server/db/test-database";
import { eventsIngested, jobQueueMode } from "./client";
import { InlineRunner, startInlineRunner, stopInlineRunner, type InlineRunnerOptions } from "./inline-runner";
import { PostgresJobQueue } from "./postgres-job-queue";
import { sendJobEvent } from "./send-event";
import { ManualClock } from "./test-helpers";

// Two runners — two app instances — on one database. On PostgreSQL each has its own pool (and
// its own LISTEN connection); PGlite is one process's database, so there both share its handle.
const inngest = new Inngest({ id: "shared-queue-test" });
const silentLogger = () => ({ info: vi.fn(), warn: vi.fn(), error: vi.fn() });

let first: DbHandle;
let second: DbHandle;

beforeAll(async () => {
  first = await createTestDatabase();
  second = first.kind === "postgres" ? createPostgresHandle(first.url, { max: 4 }) : first;
});

afterAll(async () => {
  if (second !== first) await second.close();
  await first.close();
});

const runners: InlineRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.stop()));
  await first.db.execute(sql`delete from job_queue`);
  await first.db.execute(sql`delete from job_cron_ticks`);
});

function startRunner(handle: DbHandle, options: Partial<InlineRunnerOptions> & Pick<InlineRunnerOptions, "functions">): InlineRunner {
  const runner = new InlineRunner({ logger: silentLogger(), sharedQueue: new PostgresJobQueue(handle), ...options });
  runner.start();
  runners.push(runner);
  return runner;
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function queuedCount(): Promise<number> {
  const [row] = await executeRows<{ n: number | string }>(first.db, sql`select count(*) as n from job_queue`);
  return Number(row!.n);
}

/** The driver's error (drizzle wraps it as the cause) names the constraint the INSERT broke. */
const violatesTestConstraint = (error: unknown) => /job_queue_refuses_test/.test(String((error as { cause?: { message?: unknown } }).cause?.message));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the inline runner's queue shared through the database", () => {
  it("runs each event handed over to either runner exactly once, on one of them", async () => {
    const runs: { id: string; runner: string; at: number }[] = [];
    const record = (name: string) =>
      inngest.createFunction({ id: "record", triggers: [{ event: "test/shared" }] }, async ({ event }) => {
        runs.push({ id: (event.data as { n: string }).n, runner: name, at: Date.now() });
      });
    const a = startRunner(first, { functions: [record("a")] });
    const b = startRunner(second, { functions: [record("b")] });

    const handedOverAt = new Map<string, number>();
    const total = 200;
    for (let i = 0; i < total; i += 10) {
      const sender = (i / 10) % 2 === 0 ? a : b;
      const batch = Array.from({ length: 10 }, (_, j) => ({ name: "test/shared", data: { n: String(i + j) } }));
      const ids = await sender.handOver(batch);
      expect(ids).toHaveLength(10);
      for (const event of batch) handedOverAt.set(event.data.n, Date.now());
    }
    await waitFor(() => runs.length >= total, `${total} runs`);
    await sleep(300); // a second run of any event would show up now
    expect(runs).toHaveLength(total);
    expect(new Set(runs.map((run) => run.id)).size).toBe(total);
    expect(await queuedCount()).toBe(0);

    const latencies = runs.map((run) => run.at - handedOverAt.get(run.id)!).sort((x, y) => x - y);
    const byRunner = { a: runs.filter((run) => run.runner === "a").length, b: runs.filter((run) => run.runner === "b").length };
    console.log(`shared queue (${first.kind}): ${total} events, runs by runner ${JSON.stringify(byRunner)}, hand-over to run median ${latencies[total / 2]} ms, p95 ${latencies[Math.floor(total * 0.95)]} ms`);
  });

  it("routes step.sendEvent and inngest/function.failed through the queue: each follow-up runs once", async () => {
    const followUps: string[] = [];
    const functions = (name: string): InngestFunction.Any[] => [
      inngest.createFunction({ id: "chain", triggers: [{ event: "test/chain" }] }, async ({ step, event }) => {
        await step.sendEvent("next", { name: "test/next", data: event.data });
      }),
      inngest.createFunction({ id: "next", triggers: [{ event: "test/next" }] }, async ({ event }) => {
        followUps.push(`next ${(event.data as { n: number }).n} on ${name}`);
      }),
      inngest.createFunction({ id: "doomed", retries: 0, triggers: [{ event: "test/doomed" }] }, async () => {
        throw new Error("always fails");
      }),
      inngest.createFunction({ id: "on-failure", triggers: [{ event: "inngest/function.failed" }] }, async ({ event }) => {
        followUps.push(`failed ${(event.data as { function_id: string }).function_id} on ${name}`);
      }),
    ];
    const a = startRunner(first, { functions: functions("a") });
    startRunner(second, { functions: functions("b") });

    await a.handOver([1, 2, 3].map((n) => ({ name: "test/chain", data: { n } })));
    await a.handOver({ name: "test/doomed" });
    await waitFor(() => followUps.length >= 4, "four follow-ups");
    await sleep(300);
    expect(followUps.map((line) => line.replace(/ on [ab]$/, "")).sort()).toEqual(["failed shared-queue-test-doomed", "next 1", "next 2", "next 3"]);
  });

  it("runs each cron tick on one runner only, and prunes ticks older than a day", async () => {
    const ticks: string[] = [];
    const minutely = (name: string) =>
      inngest.createFunction({ id: "minutely", triggers: [cron("* * * * *")] }, async ({ event }) => {
        ticks.push(`${new Date(event.ts!).toISOString()} ${name}`);
      });
    const clockA = new ManualClock("2026-01-05T10:00:30.000Z");
    const clockB = new ManualClock("2026-01-05T10:00:30.000Z");
    const a = startRunner(first, { functions: [minutely("a")], clock: clockA });
    const b = startRunner(second, { functions: [minutely("b")], clock: clockB });

    for (let minute = 0; minute < 3; minute++) {
      clockA.advance(60_000);
      clockB.advance(60_000);
      await Promise.all([a.quiet(), b.quiet()]); // quiet waits for the tick claims and the winner's run
    }
    expect(ticks.map((tick) => tick.slice(0, 24)).sort()).toEqual(["2026-01-05T10:01:00.000Z", "2026-01-05T10:02:00.000Z", "2026-01-05T10:03:00.000Z"]);
    const claimed = await executeRows<{ function_id: string; due_at: string | Date }>(first.db, sql`select function_id, due_at from job_cron_ticks order by due_at`);
    expect(claimed.map((row) => [row.function_id, new Date(row.due_at).toISOString()])).toEqual([
      ["minutely", "2026-01-05T10:01:00.000Z"],
      ["minutely", "2026-01-05T10:02:00.000Z"],
      ["minutely", "2026-01-05T10:03:00.000Z"],
    ]);

    // A claim two days on prunes its function's ticks older than a day before it.
    const queue = new PostgresJobQueue(second);
    expect(await queue.claimCronTick("minutely", Date.parse("2026-01-07T10:03:00.000Z"))).toBe(true);
    expect(await queue.claimCronTick("minutely", Date.parse("2026-01-07T10:03:00.000Z"))).toBe(false);
    const left = await executeRows<{ due_at: string | Date }>(first.db, sql`select due_at from job_cron_ticks`);
    expect(left.map((row) => new Date(row.due_at).toISOString())).toEqual(["2026-01-07T10:03:00.000Z"]);
  });

  it("claims only as many events as a runner has room to run; the rest wait in the queue for any runner", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started: string[] = [];
    const finished: string[] = [];
    const blocking = (name: string) =>
      inngest.createFunction({ id: "blocking", triggers: [{ event: "test/blocking" }] }, async ({ event }) => {
        started.push(`${(event.data as { n: number }).n} ${name}`);
        await gate;
        finished.push(String((event.data as { n: number }).n));
      });
    const a = startRunner(first, { functions: [blocking("a")], maxConcurrentRuns: 2, claimIntervalMs: 50 });
    startRunner(second, { functions: [blocking("b")], maxConcurrentRuns: 3, claimIntervalMs: 50 });

    await a.handOver(Array.from({ length: 10 }, (_, n) => ({ name: "test/blocking", data: { n } })));
    await waitFor(() => started.length >= 5, "both runners full");
    await sleep(400); // several polls by each runner: neither claims more while full
    expect(started).toHaveLength(5);
    expect(started.filter((line) => line.endsWith(" a"))).toHaveLength(2);
    expect(started.filter((line) => line.endsWith(" b"))).toHaveLength(3);
    expect(await queuedCount()).toBe(5);

    release();
    await waitFor(() => finished.length >= 10, "every event run");
    expect(finished.map(Number).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await queuedCount()).toBe(0);
  });

  it("keeps claiming other keys' events while one concurrency key is saturated, up to its waiting room", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started: string[] = [];
    const perKey = inngest.createFunction({ id: "per-key", concurrency: { limit: 1, key: "event.data.key" }, triggers: [{ event: "test/keyed" }] }, async ({ event }) => {
      const { key, n } = event.data as { key: string; n: number };
      started.push(`${key} ${n}`);
      if (key === "slow") await gate;
    });
    const a = startRunner(first, { functions: [perKey], maxConcurrentRuns: 4, maxWaitingRuns: 8, claimIntervalMs: 50 });

    await a.handOver(Array.from({ length: 6 }, (_, n) => ({ name: "test/keyed", data: { key: "slow", n } })));
    await a.handOver({ name: "test/keyed", data: { key: "fast", n: 0 } });
    // One slow run executes, the other slow ones wait here for their key; the fast one behind them runs.
    await waitFor(() => started.includes("fast 0"), "the fast event");
    expect(started).toEqual(["slow 0", "fast 0"]);
    expect(await queuedCount()).toBe(0);

    // Five slow runs wait; three more fill the waiting room (8), the other three stay queued for any runner.
    await a.handOver(Array.from({ length: 6 }, (_, n) => ({ name: "test/keyed", data: { key: "slow", n: n + 6 } })));
    await sleep(300);
    expect(await queuedCount()).toBe(3);
    expect(started).toHaveLength(2);

    release();
    await waitFor(() => started.length >= 13, "every event run");
    expect(started.filter((line) => line.startsWith("slow")).map((line) => Number(line.split(" ")[1]))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it("throws from the hand-over when the INSERT fails, and queues none of the batch", async () => {
    const runs: string[] = [];
    const record = inngest.createFunction({ id: "record", triggers: [{ event: "test/refusable" }, { event: eventsIngested.name }] }, async ({ event }) => {
      runs.push(event.name);
    });
    const refusedWorkspace = "0190f0e0-0000-7000-8000-0000000000ff";
    await first.db.execute(
      sql.raw(`alter table job_queue add constraint job_queue_refuses_test check (name <> 'test/refused' and coalesce(data->>'workspaceId', '') <> '${refusedWorkspace}')`),
    );
    try {
      const a = startRunner(first, { functions: [record], claimIntervalMs: 50 });
      await expect(a.handOver([{ name: "test/refusable" }, { name: "test/refused" }])).rejects.toSatisfy(violatesTestConstraint);
      expect(await queuedCount()).toBe(0);

      // sendJobEvent reports the same failure to its caller (the fan-out request then leaves the events to the sweeper).
      vi.stubEnv("DATABASE_URL", "");
      startInlineRunner({ functions: [record], logger: silentLogger(), sharedQueue: new PostgresJobQueue(first), claimIntervalMs: 50 });
      await expect(sendJobEvent({ name: eventsIngested.name, data: { workspaceId: refusedWorkspace, eventIds: [refusedWorkspace] } })).rejects.toSatisfy(violatesTestConstraint);
      await sleep(200);
      expect(runs).toEqual([]);

      // What was committed is run.
      await a.handOver({ name: "test/refusable" });
      await waitFor(() => runs.length >= 1, "the accepted event");
      expect(runs).toEqual(["test/refusable"]);
    } finally {
      vi.unstubAllEnvs();
      await stopInlineRunner();
      await first.db.execute(sql`alter table job_queue drop constraint job_queue_refuses_test`);
    }
  });
});

describe("the shared queue's LISTEN", () => {
  it.runIf(process.env.DATABASE_URL)("rides on the bell's listening connection: one connection LISTENs for both", async () => {
    const handle = createPostgresHandle((first as Extract<DbHandle, { kind: "postgres" }>).url, { max: 2 });
    const realtime = startInboxRealtime(handle);
    let signals = 0;
    const unlisten = await new PostgresJobQueue(handle).listen(() => signals++);
    try {
      await realtime.ready;
      const [listening] = await executeRows<{ connections: number }>(
        first.db,
        sql`select count(distinct pid)::int as connections from pg_stat_activity where datname = current_database() and query ilike 'listen%'`,
      );
      expect(listening!.connections).toBe(1);
      const before = signals;
      await new PostgresJobQueue(first).enqueue([{ id: "e1", name: "test/signal", data: {}, ts: Date.now() }]);
      await waitFor(() => signals > before, "the NOTIFY");
    } finally {
      await unlisten();
      await stopInboxRealtime(handle);
      await handle.close();
    }
  });
});

describe("TOCSIN_JOB_QUEUE", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("is memory unless set; postgres needs server mode without Inngest; anything else is refused", () => {
    vi.stubEnv("INNGEST_EVENT_KEY", "");
    vi.stubEnv("INNGEST_DEV", "");
    vi.stubEnv("INNGEST_BASE_URL", "");
    vi.stubEnv("DATABASE_URL", "");
    vi.stubEnv("TOCSIN_JOB_QUEUE", "");
    expect(jobQueueMode()).toBe("memory");
    vi.stubEnv("TOCSIN_JOB_QUEUE", "postgres");
    expect(() => jobQueueMode()).toThrow(/needs server mode \(DATABASE_URL\)/);
    vi.stubEnv("DATABASE_URL", "postgres://db/tocsin");
    expect(jobQueueMode()).toBe("postgres");
    vi.stubEnv("INNGEST_EVENT_KEY", "key");
    expect(() => jobQueueMode()).toThrow(/Inngest is configured/);
    vi.stubEnv("TOCSIN_JOB_QUEUE", "redis");
    expect(() => jobQueueMode()).toThrow('TOCSIN_JOB_QUEUE must be "memory" or "postgres", not "redis"');
    vi.stubEnv("TOCSIN_JOB_QUEUE", "memory");
    expect(jobQueueMode()).toBe("memory");
  });
});
