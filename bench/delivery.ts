// `npm run bench:delivery`: signed webhook deliveries through the real machinery, in this process
// as in embedded mode — events posted through the ingest handler, the fan-out and delivery jobs
// (the same definitions) on the inline runner, each delivery claimed, rendered, signed, POSTed
// through the SSRF-safe client and recorded — to a local receiver in its own process on 127.0.0.2
// (opened with TOCSIN_ALLOWED_PRIVATE_CIDRS). Each event is delivered to every channel.
//
// Phase 1, receiver always 200: (a) throughput — `--deliveries` posted at once, deliveries/s from
// the first delivery's creation until the runner is idle; (b) first-attempt latency — deliveries
// offered at `--rate` for `--duration` s (open loop), from each delivery row's creation to its
// first request's arrival at the receiver. Baseline in the same run: a bare keep-alive node:http
// client rendering, signing and POSTing the same message to the same receiver paths at the same
// concurrency, with no database and no job runner (bench/delivery-baseline.ts).
// Phase 2, the receiver fails `--failure-rate` of attempts (500; 503 with Retry-After; reset
// connections; slow 500s; a few hangs that only Tocsin's 15 s timeout ends), channels retrying up
// to 8 times; the job layer's clock runs `--time-scale` times faster (retry waits of hours pass in
// seconds). Checks: every delivery ends delivered, every request of a delivery carried its one
// webhook-id, no webhook-id served two deliveries, every signature verifies.
// PostgreSQL by default (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test: a fresh
// database tocsin_bench_delivery_<pid>, dropped at the end); `--pglite` for embedded PGlite (a
// temporary data dir).
//
// Options: --json  --deliveries=10000  --channels=10  --rate=<half of phase 1a's deliveries/s>
//          --duration=15 (s, phase 1b)  --failure-rate=0.3  --time-scale=1000
//          --max-runs=<the inline runner's default: 32>
// Exit status 1 when a correctness check fails or the run breaks; missed speed targets only FAIL
// in the report.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import type { NotificationMessage } from "@/server/channels/notification-message";
import { createPgliteHandle, createPostgresHandle, type DbHandle } from "@/server/db/client";
import { queryRows } from "@/server/db/query-rows";
import { buildDeliveryMessage, claimDeliveryContext } from "@/server/deliveries/load-delivery-context";
import { writeFanOut } from "@/server/fan-out/write-fan-out";
import { handleIngestRequest } from "@/server/ingest/handle-ingest-request";
import { deliverNotification, DELIVERY_CONCURRENCY_PER_CHANNEL } from "@/server/jobs/functions/deliver-notification";
import { fanOutIngestedEvents } from "@/server/jobs/functions/fan-out-events";
import { DEFAULT_MAX_CONCURRENT_RUNS, getInlineRunner, startInlineRunner, stopInlineRunner, type InlineRunner } from "@/server/jobs/inline-runner";
import { setJobClock } from "@/server/jobs/job-clock";
import { setJobDbForTests } from "@/server/jobs/job-db";
import { createCleanups, exitAfter } from "./cleanups";
import { createCompressedClock } from "@/server/jobs/compressed-clock";
import { runBaseline, type BaselineRun, type BaselineTarget } from "./delivery-baseline";
import { checkReceivedRequests, type DeliveryRecord, type ReceiverCheck } from "./delivery-checks";
import { alwaysOk, startDeliveryReceiver, type DeliveryReceiver, type ReceivedRecord, type ReceiverBehaviour } from "./delivery-receiver-control";
import { formatDeliveryReport, percentiles, summariseDeliveryBench } from "./delivery-report";
import { BENCH_EVENT_TYPE, seedDeliveryWorkspace, type DeliveryBenchSeed } from "./delivery-seed";
import { MAX_RETRIES } from "@/server/deliveries/retry-schedule";
import { uuidv7 } from "uuidv7";
import { flag, numberOption, stringOption } from "./cli-options";

const config = {
  deliveries: Math.floor(numberOption("deliveries", 10_000, 1_000_000, 1)),
  channels: Math.floor(numberOption("channels", 10, 1000, 1)),
  /** Null: half the throughput phase 1a measured, so that the latency is measured below capacity. */
  rate: stringOption("rate") !== undefined ? numberOption("rate", 1, 100_000, 1) : null,
  durationS: numberOption("duration", 15, 600, 1),
  failureRate: numberOption("failure-rate", 0.3, 0.9, 0),
  timeScale: numberOption("time-scale", 1000, 100_000, 1),
  maxRuns: stringOption("max-runs") !== undefined ? Math.floor(numberOption("max-runs", 8, 10_000, 1)) : undefined,
};
export type DeliveryBenchConfig = typeof config;
const asJson = flag("json");
const database: "postgres" | "pglite" = flag("pglite") ? "pglite" : "postgres";
const serverUrl = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const log = (line: string) => console.error(`bench: ${line}`);

const RECEIVER_HOST = "127.0.0.2";
/** Events per ingest request when a phase posts everything at once. */
const EVENTS_PER_REQUEST = 100;
const WARM_UP_EVENTS = 20;
/**
 * Phase 2's receiver: which failures, and how many per message at most. Independent 30 % failures
 * would exhaust 8 retries once in 50,000 deliveries (0.3^9) — in one run of 10,000 out of five —
 * and push the last retries 8 h out; after 5 failures a message is answered 200, which keeps the
 * check deterministic and the retry tail within +10 s, +1 min, +10 min, +1 h, +2 h of job time.
 * Hangs are few: each holds one of the runner's slots until Tocsin's 15 s timeout.
 */
const failingReceiver = (failureRate: number): ReceiverBehaviour => ({
  failureRate,
  mix: { status_500: 40, status_503: 25, reset: 25, slow_500: 9.8, hang: 0.2 },
  maxFailuresPerMessage: 5,
  retryAfterSeconds: 120,
  slowMs: 300,
  seed: 20_250_105,
});

const cleanups = createCleanups(log);
/** The machine may be shared: the report says how busy it was. */
const loadAverageAtStart = os.loadavg();

/** The app's environment inside this process: the inline runner, the receiver's address opened, a throwaway key. */
function prepareEnvironment() {
  process.env.TOCSIN_ALLOWED_PRIVATE_CIDRS = `${RECEIVER_HOST}/32`;
  process.env.TOCSIN_ENCRYPTION_KEY = randomBytes(32).toString("base64");
  process.env.RESEND_API_KEY = "";
  for (const name of ["INNGEST_EVENT_KEY", "INNGEST_DEV", "INNGEST_BASE_URL"]) delete process.env[name];
  if (database === "pglite") delete process.env.DATABASE_URL;
}

async function openDatabase(): Promise<DbHandle> {
  if (database === "pglite") {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "tocsin-bench-delivery-"));
    cleanups.add(() => rmSync(dataDir, { recursive: true, force: true }));
    const handle = createPgliteHandle(dataDir);
    cleanups.add(() => handle.close());
    return handle;
  }
  const name = `tocsin_bench_delivery_${process.pid}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  cleanups.add(async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end({ timeout: 5 });
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = createPostgresHandle(url.toString());
  cleanups.add(() => handle.close());
  return handle;
}

// ---------------------------------------------------------------------------------------------
// Events in, deliveries out

let eventCounter = 0;

/** A security event as a tool would post it: about 1 KB of webhook body once rendered. */
function benchEvent(phase: string) {
  const n = ++eventCounter;
  return {
    type: BENCH_EVENT_TYPE,
    severity: "high",
    title: `Suspicious sign-in burst on vpn-${n % 50} (${phase})`,
    message: "Twenty failed sign-ins from one address within a minute, followed by a success; the account has been flagged for review.",
    actor: `user${n % 200}@example.test`,
    clientIp: `203.0.113.${n % 250}`,
    externalId: `${phase}-${n}`,
    data: { host: `vpn-${n % 50}`, attempts: 21, rule: "brute-force-then-success", tags: ["vpn", "auth"] },
  };
}

async function postEvents(handle: DbHandle, seed: DeliveryBenchSeed, events: object[]): Promise<string[]> {
  const request = new Request(`http://localhost/api/ingest/${seed.sourceId}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${seed.token}` },
    body: JSON.stringify(events.length === 1 ? events[0] : events),
  });
  const response = await handleIngestRequest(handle.db, request, { sourceId: seed.sourceId });
  if (response.status !== 202) throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { ids: string[] }).ids;
}

/** Posts `count` events at once, in requests of EVENTS_PER_REQUEST. */
async function postAll(handle: DbHandle, seed: DeliveryBenchSeed, phase: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let posted = 0; posted < count; posted += EVENTS_PER_REQUEST) {
    const batch = Array.from({ length: Math.min(EVENTS_PER_REQUEST, count - posted) }, () => benchEvent(phase));
    ids.push(...(await postEvents(handle, seed, batch)));
  }
  return ids;
}

/** One event every `intervalMs` (open loop: a slow answer delays no later event). */
async function postPaced(handle: DbHandle, seed: DeliveryBenchSeed, phase: string, count: number, intervalMs: number): Promise<string[]> {
  const ids: string[] = [];
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  for (let n = 0; n < count; n++) {
    const wait = started + n * intervalMs - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(postEvents(handle, seed, [benchEvent(phase)]).then((posted) => void ids.push(...posted)));
  }
  await Promise.all(inFlight);
  return ids;
}

async function loadDeliveries(handle: DbHandle, seed: DeliveryBenchSeed, eventIds: readonly string[]): Promise<DeliveryRecord[]> {
  const channelIndex = new Map(seed.channels.map((c) => [c.id, c.index]));
  const rows = await queryRows<{ message_id: string; event_id: string; channel_id: string; status: string; attempts: number; created_ms: number; received_ms: number }>(
    handle.db,
    sql`select d.message_id, d.event_id, d.channel_id, d.status, d.attempts,
               extract(epoch from d.created_at) * 1000 as created_ms, extract(epoch from e.received_at) * 1000 as received_ms
        from deliveries d join events e on e.id = d.event_id and e.workspace_id = d.workspace_id
        where d.workspace_id = ${seed.workspaceId} and d.event_id = any(${`{${eventIds.join(",")}}`}::uuid[])`,
  );
  return rows.map((r) => ({
    messageId: r.message_id,
    eventId: r.event_id,
    channel: channelIndex.get(r.channel_id) ?? -1,
    status: r.status,
    attempts: Number(r.attempts),
    createdMs: Number(r.created_ms),
    eventReceivedMs: Number(r.received_ms),
  }));
}

async function loadSendLatencies(handle: DbHandle, seed: DeliveryBenchSeed, eventIds: readonly string[]): Promise<number[]> {
  const rows = await queryRows<{ latency_ms: number }>(
    handle.db,
    sql`select a.latency_ms from delivery_attempts a join deliveries d on d.id = a.delivery_id and d.workspace_id = a.workspace_id
        where a.workspace_id = ${seed.workspaceId} and d.event_id = any(${`{${eventIds.join(",")}}`}::uuid[])`,
  );
  return rows.map((r) => Number(r.latency_ms));
}

/**
 * The message Tocsin renders for a delivery like the measured ones: the baseline sends the same.
 * One more event of the run is written straight to the table (no fan-out request, so no job takes
 * it), fanned out here, and one of its deliveries claimed for good by a run that never sends it.
 */
async function loadSampleMessage(handle: DbHandle, seed: DeliveryBenchSeed, likeEventId: string): Promise<NotificationMessage> {
  const [event] = await queryRows<{ id: string }>(
    handle.db,
    sql`insert into events (id, workspace_id, community_id, source_id, type, severity, title, message, occurred_at, received_at, origin, data, raw)
        select ${uuidv7()}, workspace_id, community_id, source_id, type, severity, title, message, occurred_at, now(), origin, data, raw
        from events where id = ${likeEventId} and workspace_id = ${seed.workspaceId}
        returning id`,
  );
  const [delivery] = (await writeFanOut(handle.db, seed.workspaceId, [event!.id])).deliveries;
  const context = await claimDeliveryContext(handle.db, { workspaceId: seed.workspaceId, deliveryId: delivery!.id, runId: "bench-sample", expectedAttempts: null, now: new Date() });
  return buildDeliveryMessage(context!);
}

// ---------------------------------------------------------------------------------------------
// Figures


/** Milliseconds from each delivery's creation (or its event's arrival) to its first request at the receiver. */
function firstAttemptLatencies(deliveries: readonly DeliveryRecord[], check: ReceiverCheck, from: "created" | "eventReceived"): number[] {
  return deliveries.flatMap((d) => {
    const arrived = check.firstArrival.get(d.messageId);
    return arrived === undefined ? [] : [arrived - (from === "created" ? d.createdMs : d.eventReceivedMs)];
  });
}

/** Baseline requests: from being scheduled to arriving at the receiver. */
function baselineArrivalLatencies(run: BaselineRun, records: readonly ReceivedRecord[]): number[] {
  const arrived = new Map(records.map((r) => [r.webhookId, r.arrivedAt]));
  return run.requests.flatMap((r) => {
    const at = arrived.get(r.webhookId);
    return at === undefined ? [] : [at - r.scheduledAt];
  });
}

function tally<T extends string>(values: Iterable<T>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Phases

type Machinery = { handle: DbHandle; seed: DeliveryBenchSeed; receiver: DeliveryReceiver; concurrency: number };

/** Everything on stderr: with --json, stdout carries the results only. */
const runnerLogger = { info: log, warn: log, error: console.error };

function startRunner(): InlineRunner {
  return startInlineRunner({ functions: [fanOutIngestedEvents, deliverNotification], maxConcurrentRuns: config.maxRuns, logger: runnerLogger });
}

async function runThroughput(m: Machinery) {
  const events = Math.ceil(config.deliveries / config.channels);
  log(`throughput: posting ${events} events (${events * config.channels} deliveries) at once`);
  const cpuStart = process.cpuUsage();
  const eluStart = performance.eventLoopUtilization();
  const postStarted = performance.timeOrigin + performance.now();
  const eventIds = await postAll(m.handle, m.seed, "throughput", events);
  await getInlineRunner()!.quiet();
  const idleAt = performance.timeOrigin + performance.now();
  const cpu = process.cpuUsage(cpuStart);
  const eventLoop = performance.eventLoopUtilization(eluStart).utilization;

  const deliveries = await loadDeliveries(m.handle, m.seed, eventIds);
  const check = checkReceivedRequests(deliveries, await m.receiver.collect());
  const firstCreated = deliveries.reduce((first, d) => Math.min(first, d.createdMs), Infinity);
  const seconds = (idleAt - firstCreated) / 1000;
  const send = percentiles(await loadSendLatencies(m.handle, m.seed, eventIds));

  const baselineTarget: BaselineTarget = { receiverUrl: m.receiver.url, channels: m.seed.channels, message: await loadSampleMessage(m.handle, m.seed, eventIds[0]!) };
  log(`throughput baseline: ${deliveries.length} requests, ${m.concurrency} at a time`);
  const baseline = await runBaseline(baselineTarget, { total: deliveries.length, perTick: deliveries.length, intervalMs: 0, concurrency: m.concurrency });
  await m.receiver.collect();
  const baselineRate = baseline.requests.length / baseline.seconds;
  const result = {
    expectedDeliveries: events * config.channels,
    tocsin: {
      deliveries: deliveries.length,
      seconds,
      perSecond: deliveries.length / seconds,
      fromFirstPostSeconds: (idleAt - postStarted) / 1000,
      send,
      processCpuPercent: ((cpu.user + cpu.system) / 1e6 / ((idleAt - postStarted) / 1000)) * 100,
      eventLoopPercent: eventLoop * 100,
    },
    baseline: { requests: baseline.requests.length, failed: baseline.failed, seconds: baseline.seconds, perSecond: baselineRate, response: percentiles(baseline.requests.map((r) => r.responseMs)) },
    ratio: deliveries.length / seconds / baselineRate,
    check,
  };
  return { result, baselineTarget };
}

export type ThroughputResult = Awaited<ReturnType<typeof runThroughput>>["result"];

async function runLatency(m: Machinery, baselineTarget: BaselineTarget, rate: number) {
  const events = Math.max(1, Math.round((rate * config.durationS) / config.channels));
  const intervalMs = (1000 * config.channels) / rate;
  log(`latency: ${events} events, one every ${intervalMs.toFixed(1)} ms (${rate} deliveries/s for ${config.durationS} s)`);
  const eventIds = await postPaced(m.handle, m.seed, "latency", events, intervalMs);
  await getInlineRunner()!.quiet();
  const deliveries = await loadDeliveries(m.handle, m.seed, eventIds);
  const check = checkReceivedRequests(deliveries, await m.receiver.collect());

  log(`latency baseline: ${deliveries.length} requests, ${config.channels} every ${intervalMs.toFixed(1)} ms, ${m.concurrency} at a time`);
  const baseline = await runBaseline(baselineTarget, { total: deliveries.length, perTick: config.channels, intervalMs, concurrency: m.concurrency });
  const baselineLatency = percentiles(baselineArrivalLatencies(baseline, await m.receiver.collect()));
  const created = percentiles(firstAttemptLatencies(deliveries, check, "created"));
  return {
    expectedDeliveries: events * config.channels,
    offeredPerSecond: rate,
    tocsin: { fromCreated: created, fromEventReceived: percentiles(firstAttemptLatencies(deliveries, check, "eventReceived")) },
    baseline: { scheduledToArrival: baselineLatency, failed: baseline.failed },
    ratioP95: created.p95Ms / baselineLatency.p95Ms,
    check,
  };
}

export type LatencyResult = Awaited<ReturnType<typeof runLatency>>;

/** Waits until all `expected` deliveries of these events exist and none is pending; returns how many are not done by the deadline. */
async function waitUntilTerminal(m: Machinery, eventIds: readonly string[], expected: number, deadlineMs: number): Promise<number> {
  const ids = `{${eventIds.join(",")}}`;
  for (;;) {
    const [row] = await queryRows<{ done: number }>(
      m.handle.db,
      sql`select count(*) filter (where status <> 'pending')::int as done from deliveries where workspace_id = ${m.seed.workspaceId} and event_id = any(${ids}::uuid[])`,
    );
    const notDone = expected - Number(row?.done ?? 0);
    if (notDone <= 0 || performance.now() > deadlineMs) return notDone;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function runFailures(m: Machinery) {
  // The job layer's time, compressed, for this phase only.
  await stopInlineRunner();
  const clock = createCompressedClock(config.timeScale);
  setJobClock(clock);
  startRunner();
  m.receiver.behave(failingReceiver(config.failureRate));

  const events = Math.ceil(config.deliveries / config.channels);
  log(`failures: posting ${events} events (${events * config.channels} deliveries); the receiver fails ${config.failureRate * 100} % of attempts; job time x${config.timeScale}`);
  const started = performance.now();
  const eventIds = await postAll(m.handle, m.seed, "failures", events);
  const stillPending = await waitUntilTerminal(m, eventIds, events * config.channels, started + 10 * 60_000);
  const seconds = (performance.now() - started) / 1000;
  await stopInlineRunner();
  setJobClock(undefined);
  m.receiver.behave(alwaysOk);

  const deliveries = await loadDeliveries(m.handle, m.seed, eventIds);
  const records = await m.receiver.collect();
  const check = checkReceivedRequests(deliveries, records);
  const attempts = deliveries.map((d) => d.attempts);
  const outcomes = await queryRows<{ outcome: string; status_code: number | null; error_class: string | null; n: number }>(
    m.handle.db,
    sql`select a.outcome, a.status_code, a.error_class, count(*)::int as n
        from delivery_attempts a join deliveries d on d.id = a.delivery_id and d.workspace_id = a.workspace_id
        where a.workspace_id = ${m.seed.workspaceId} and d.event_id = any(${`{${eventIds.join(",")}}`}::uuid[])
        group by 1, 2, 3 order by 4 desc`,
  );
  return {
    expectedDeliveries: events * config.channels,
    deliveries: deliveries.length,
    statuses: tally(deliveries.map((d) => d.status)),
    stillPending,
    seconds,
    jobHours: (seconds * config.timeScale) / 3600,
    attemptsRecorded: attempts.reduce((sum, n) => sum + n, 0),
    attemptsPerDelivery: { mean: attempts.reduce((sum, n) => sum + n, 0) / attempts.length, max: attempts.reduce((max, n) => Math.max(max, n), 0) },
    receiverAnswers: tally(records.map((r) => r.answer)),
    failedShare: records.filter((r) => r.answer !== "ok").length / records.length,
    tocsinAttempts: outcomes.map((o) => ({ outcome: o.outcome, statusCode: o.status_code, errorClass: o.error_class, count: Number(o.n) })),
    check,
  };
}

export type FailuresResult = Awaited<ReturnType<typeof runFailures>>;

// ---------------------------------------------------------------------------------------------

async function main(): Promise<boolean> {
  prepareEnvironment();
  const receiver = await startDeliveryReceiver(RECEIVER_HOST);
  cleanups.add(() => receiver.stop());
  const handle = await openDatabase();
  log(`seeding ${config.channels} webhook channels on ${database}`);
  const seed = await seedDeliveryWorkspace(handle, { channels: config.channels, receiverUrl: receiver.url, maxRetries: MAX_RETRIES });
  receiver.setSecrets(Object.fromEntries(seed.channels.map((c) => [c.index, c.signingSecret])));

  setJobDbForTests(handle.db);
  cleanups.add(async () => {
    await stopInlineRunner();
    setJobClock(undefined);
    setJobDbForTests(undefined);
  });
  const runner = startRunner();
  const maxRuns = config.maxRuns ?? DEFAULT_MAX_CONCURRENT_RUNS;
  const concurrency = Math.min(maxRuns, config.channels * DELIVERY_CONCURRENCY_PER_CHANNEL);

  log(`warming up with ${WARM_UP_EVENTS * config.channels} deliveries`);
  await postAll(handle, seed, "warm-up", WARM_UP_EVENTS);
  await runner.quiet();
  await receiver.collect();

  const m: Machinery = { handle, seed, receiver, concurrency };
  const { result: throughput, baselineTarget } = await runThroughput(m);
  const latency = await runLatency(m, baselineTarget, config.rate ?? Math.max(1, Math.round(throughput.tocsin.perSecond / 2)));
  const failures = await runFailures(m);
  const summary = summariseDeliveryBench(
    { throughput, latency, failures },
    { database, config, maxRuns, concurrency, maxRetries: MAX_RETRIES, failingReceiver: failingReceiver(config.failureRate), loadAverageAtStart },
  );
  if (asJson) console.log(JSON.stringify(summary, null, 2));
  else console.log(formatDeliveryReport(summary));
  return Object.values(summary.checks).every((check) => check.pass);
}

exitAfter(main, cleanups);
