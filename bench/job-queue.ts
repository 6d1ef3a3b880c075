// `npm run bench:job-queue`: the inline runner's queue shared through PostgreSQL
// (TOCSIN_JOB_QUEUE=postgres) against its in-memory queue (the default), in the same run.
// Two runners — two instances, each with its own pool — take events handed over by both in turn,
// in batches, at most --inflight batches at once; each event runs a function that only records
// when it started. Measured for each: the hand-over call (for the shared queue: INSERT + NOTIFY
// committed), the time from hand-over to the run's start (claim latency), the throughput, and
// the runs per runner; then the ratios. The shared queue's runs are also checked exactly once.
// PostgreSQL at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test): a fresh
// database tocsin_bench_job_queue_<pid>, dropped at the end.
//
// Options: --json  --events=5000  --batch=10  --inflight=8
import { performance } from "node:perf_hooks";
import { Inngest } from "inngest";
import postgres from "postgres";
import { createPostgresHandle, type DbHandle } from "@/server/db/client";
import { migrateDatabase } from "@/server/db/migrate";
import { InlineRunner } from "@/server/jobs/inline-runner";
import { PostgresJobQueue } from "@/server/jobs/postgres-job-queue";
import { flag, numberOption } from "./cli-options";

const config = { events: Math.floor(numberOption("events", 5_000, 1_000_000, 1)), batch: Math.floor(numberOption("batch", 10, 1_000, 1)), inflight: Math.floor(numberOption("inflight", 8, 256, 1)) };
const json = flag("json");
const quietLogger = { info: () => {}, warn: () => {}, error: (...parts: unknown[]) => console.error(...parts) };

type Result = {
  queue: "memory" | "postgres";
  seconds: number;
  eventsPerSecond: number;
  handOverMs: { p50: number; p99: number };
  handOverToStartMs: { p50: number; p99: number };
  runsByRunner: number[];
  duplicates: number;
};

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
const round = (n: number) => Math.round(n * 100) / 100;

async function measure(queue: Result["queue"], handles: DbHandle[]): Promise<Result> {
  const inngest = new Inngest({ id: "bench-job-queue" });
  const handedOverAt = new Map<string, number>();
  const started: { n: string; runner: number; at: number }[] = [];
  let done!: () => void;
  const allStarted = new Promise<void>((resolve) => (done = resolve));
  const runners = handles.map((handle, index) => {
    const fn = inngest.createFunction({ id: "record-start", triggers: [{ event: "bench/job" }] }, async ({ event }) => {
      started.push({ n: (event.data as { n: string }).n, runner: index, at: performance.now() });
      if (started.length >= config.events) done();
    });
    const runner = new InlineRunner({ functions: [fn], logger: quietLogger, sharedQueue: queue === "postgres" ? new PostgresJobQueue(handle) : undefined });
    runner.start();
    return runner;
  });

  const handOverMs: number[] = [];
  const t0 = performance.now();
  let next = 0;
  let sent = 0;
  const sender = async () => {
    for (;;) {
      const first = next;
      if (first >= config.events) return;
      next = Math.min(config.events, first + config.batch);
      const batch = Array.from({ length: next - first }, (_, i) => ({ name: "bench/job", data: { n: String(first + i) } }));
      const runner = runners[sent++ % runners.length]!;
      const before = performance.now();
      for (const event of batch) handedOverAt.set(event.data.n, before);
      await runner.handOver(batch);
      handOverMs.push(performance.now() - before);
    }
  };
  await Promise.all(Array.from({ length: config.inflight }, sender));
  await allStarted;
  const seconds = (performance.now() - t0) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 500)); // a duplicate run would show up now
  await Promise.all(runners.map((runner) => runner.stop()));

  const latencies = started.map((run) => run.at - handedOverAt.get(run.n)!).sort((a, b) => a - b);
  handOverMs.sort((a, b) => a - b);
  return {
    queue,
    seconds: round(seconds),
    eventsPerSecond: Math.round(config.events / seconds),
    handOverMs: { p50: round(percentile(handOverMs, 0.5)), p99: round(percentile(handOverMs, 0.99)) },
    handOverToStartMs: { p50: round(percentile(latencies, 0.5)), p99: round(percentile(latencies, 0.99)) },
    runsByRunner: runners.map((_, index) => started.filter((run) => run.runner === index).length),
    duplicates: started.length - new Set(started.map((run) => run.n)).size,
  };
}

const serverUrl = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const name = `tocsin_bench_job_queue_${process.pid}`;
const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database "${name}"`);
const url = new URL(serverUrl);
url.pathname = `/${name}`;
const handles = [createPostgresHandle(url.toString()), createPostgresHandle(url.toString())];
let exitCode = 0;
try {
  await migrateDatabase(handles[0]!);
  // Baseline first: two runners each keeping the events it is handed (TOCSIN_JOB_QUEUE=memory).
  const memory = await measure("memory", handles);
  const shared = await measure("postgres", handles);
  const ratio = { throughput: round(shared.eventsPerSecond / memory.eventsPerSecond), handOverToStartP50: round(shared.handOverToStartMs.p50 / Math.max(0.01, memory.handOverToStartMs.p50)) };
  if (shared.duplicates > 0 || shared.runsByRunner.reduce((a, b) => a + b, 0) !== config.events) exitCode = 1;
  if (json) console.log(JSON.stringify({ config, memory, shared, ratio }, null, 2));
  else {
    console.log(`job queue: ${config.events} events handed over by two runners in turn, batches of ${config.batch}, ${config.inflight} at once (PostgreSQL)`);
    for (const r of [memory, shared]) {
      console.log(
        `  ${r.queue.padEnd(8)} ${String(r.eventsPerSecond).padStart(7)} events/s · hand-over p50 ${r.handOverMs.p50} ms p99 ${r.handOverMs.p99} ms · hand-over→start p50 ${r.handOverToStartMs.p50} ms p99 ${r.handOverToStartMs.p99} ms · runs per runner ${r.runsByRunner.join(" / ")} · duplicates ${r.duplicates}`,
      );
    }
    console.log(`  shared / memory: throughput ×${ratio.throughput}, hand-over→start p50 ×${ratio.handOverToStartP50}`);
  }
} finally {
  await Promise.all(handles.map((handle) => handle.close()));
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end();
}
process.exit(exitCode);
