// Half (a) of the fault suite: events posted to the production server, each delivered to every
// webhook channel of the workspace (a receiver in its own process, failing a share of attempts
// with errors, resets and hangs), while PostgreSQL is restarted once and the app is killed with
// SIGKILL once and started again. Then: every event × channel delivered or failed for good, with
// its attempts logged as the receiver saw them, and one webhook-id per delivery.
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import type { DbHandle } from "@/server/db/client";
import { queryRows } from "@/server/db/query-rows";
import { sleep } from "../../bench/processes";
import { checkReceivedRequests, type ReceiverCheck } from "../../bench/delivery-checks";
import type { DeliveryReceiver, ReceiverBehaviour } from "../../bench/delivery-receiver-control";
import { BENCH_EVENT_TYPE, type DeliveryBenchSeed } from "../../bench/delivery-seed";
import type { AppProcess } from "./app-process";
import { checkAttemptConsistency, type AttemptConsistency, type FaultAttempt, type FaultDelivery } from "./attempt-consistency";
import { postUntilAccepted } from "./ingest-client";
import { restartPostgres } from "./postgres-restart";

export type DeliveryFaultsConfig = { events: number; failureRate: number; maxRetries: number; pgRestart: boolean; drainTimeoutS: number };

const EVENTS_PER_REQUEST = 10;
/** Posting is spread over this long at least, so that the faults fall in the middle of the work. */
const MIN_POSTING_MS = 4_000;

/**
 * Failing attempts: mostly 500s and resets, some 503s with Retry-After, slow 500s and a few hangs
 * that only Tocsin's 15 s timeout ends. Each attempt fails independently, so with 3 retries about
 * 0.3⁴ ≈ 0.8 % of deliveries fail for good.
 */
export const faultyReceiver = (failureRate: number): ReceiverBehaviour => ({
  failureRate,
  mix: { status_500: 35, status_503: 15, reset: 35, slow_500: 14, hang: 1 },
  maxFailuresPerMessage: 1_000,
  retryAfterSeconds: 120,
  slowMs: 300,
  seed: 20_251_127,
});

export type DeliveryFaultsResult = {
  events: number;
  expectedDeliveries: number;
  deliveries: number;
  eventsWithoutAllDeliveries: number;
  postedSeconds: number;
  unansweredPosts: number;
  pgRestartSeconds: number | null;
  kills: number;
  appRestartSeconds: number[];
  drainSeconds: number;
  totalSeconds: number;
  receiver: Omit<ReceiverCheck, "firstArrival">;
  attempts: AttemptConsistency;
  violations: string[];
};

function faultEvent(n: number) {
  return {
    type: BENCH_EVENT_TYPE,
    severity: "high",
    title: `Fault suite event ${n}`,
    message: "Twenty failed sign-ins from one address within a minute, followed by a success.",
    actor: `user${n % 200}@example.test`,
    externalId: `delivery-faults-${n}`,
    data: { n, host: `vpn-${n % 50}` },
  };
}

type Counts = { events: number; deliveries: number; pending: number };

async function countProgress(handle: DbHandle, workspaceId: string): Promise<Counts> {
  const [row] = await queryRows<Counts>(
    handle.db,
    sql`select (select count(*)::int from events where workspace_id = ${workspaceId} and origin = 'ingest') as events,
               count(*)::int as deliveries, count(*) filter (where status = 'pending')::int as pending
        from deliveries where workspace_id = ${workspaceId}`,
  );
  return { events: Number(row!.events), deliveries: Number(row!.deliveries), pending: Number(row!.pending) };
}

export async function runDeliveryFaults(
  handle: DbHandle,
  app: AppProcess,
  receiver: DeliveryReceiver,
  seed: DeliveryBenchSeed,
  config: DeliveryFaultsConfig,
  log: (line: string) => void,
): Promise<DeliveryFaultsResult> {
  receiver.behave(faultyReceiver(config.failureRate));
  await receiver.collect();
  const channels = seed.channels.length;
  const expectedDeliveries = config.events * channels;
  const target = { url: `${app.url}/api/ingest/${seed.sourceId}`, token: seed.token };
  const requests = Math.ceil(config.events / EVENTS_PER_REQUEST);
  const intervalMs = Math.max(MIN_POSTING_MS, config.events * 10) / requests;
  // The kill first, half-way through posting; the database restart once everything is posted,
  // while retries and the sweepers' recovery of the kill are under way. (A restart while events
  // are posted only holds their answers until the database is back.)
  const killAt = Math.floor(requests * 0.5);
  log(`deliveries: ${config.events} events × ${channels} channels, ${requests} requests one every ${intervalMs.toFixed(0)} ms; receiver fails ${config.failureRate * 100} %; kill -9 at request ${killAt}${config.pgRestart ? ", PostgreSQL restart after the last" : ""}`);

  const started = performance.now();
  const faults: Promise<void>[] = [];
  let pgRestartSeconds: number | null = null;
  const appRestartSeconds: number[] = [];
  let unansweredPosts = 0;
  const deadline = Date.now() + 10 * 60_000;
  for (let r = 0; r < requests; r++) {
    const wait = started + r * intervalMs - performance.now();
    if (wait > 1) await sleep(wait);
    if (r === killAt) {
      log("deliveries: kill -9 of the app");
      await app.kill9();
      faults.push(
        app.start().then((seconds) => {
          appRestartSeconds.push(seconds);
          log(`deliveries: app restarted in ${seconds.toFixed(1)} s`);
        }),
      );
    }
    const events = Array.from({ length: Math.min(EVENTS_PER_REQUEST, config.events - r * EVENTS_PER_REQUEST) }, (_, i) => faultEvent(r * EVENTS_PER_REQUEST + i));
    unansweredPosts += (await postUntilAccepted(target, events, deadline)).unanswered;
  }
  const postedSeconds = (performance.now() - started) / 1000;
  log(`deliveries: all events accepted after ${postedSeconds.toFixed(1)} s (${unansweredPosts} posts unanswered and sent again); waiting for every delivery to finish`);
  if (config.pgRestart) {
    faults.push(
      restartPostgres(log).then((seconds) => {
        pgRestartSeconds = seconds;
      }),
    );
  }

  const drainDeadline = performance.now() + config.drainTimeoutS * 1000;
  let counts: Counts = { events: 0, deliveries: 0, pending: -1 };
  let lastLog = 0;
  for (;;) {
    counts = await countProgress(handle, seed.workspaceId).catch(() => counts);
    if (counts.deliveries >= expectedDeliveries && counts.pending === 0) break;
    if (performance.now() > drainDeadline) break;
    if (performance.now() - lastLog > 5_000) {
      lastLog = performance.now();
      log(`deliveries: ${counts.events} events, ${counts.deliveries}/${expectedDeliveries} deliveries, ${counts.pending} pending`);
    }
    await sleep(250);
  }
  await Promise.all(faults);
  const drainSeconds = (performance.now() - started) / 1000 - postedSeconds;
  const totalSeconds = (performance.now() - started) / 1000;

  const channelIndex = new Map(seed.channels.map((c) => [c.id, c.index]));
  const deliveries: FaultDelivery[] = (
    await queryRows<{ id: string; event_id: string; channel_id: string; message_id: string; status: string; attempts: number }>(
      handle.db,
      sql`select id, event_id, channel_id, message_id, status, attempts from deliveries where workspace_id = ${seed.workspaceId}`,
    )
  ).map((d) => ({ id: d.id, eventId: d.event_id, channel: channelIndex.get(d.channel_id) ?? -1, messageId: d.message_id, status: d.status, attempts: Number(d.attempts) }));
  const attempts: FaultAttempt[] = (
    await queryRows<{ delivery_id: string; number: number; status_code: number | null; outcome: string }>(
      handle.db,
      sql`select delivery_id, number, status_code, outcome from delivery_attempts where workspace_id = ${seed.workspaceId}`,
    )
  ).map((a) => ({ deliveryId: a.delivery_id, number: Number(a.number), statusCode: a.status_code === null ? null : Number(a.status_code), outcome: a.outcome }));
  const [eventRow] = await queryRows<{ events: number; external_ids: number; complete: number }>(
    handle.db,
    sql`select count(*)::int as events, count(distinct external_id)::int as external_ids,
               count(*) filter (where (select count(*) from deliveries d where d.event_id = e.id and d.workspace_id = e.workspace_id) = ${channels})::int as complete
        from events e where workspace_id = ${seed.workspaceId} and origin = 'ingest'`,
  );
  const records = await receiver.collect();
  const { firstArrival: _firstArrival, ...receiverCheck } = checkReceivedRequests(
    deliveries.map((d) => ({ ...d, createdMs: 0, eventReceivedMs: 0 })),
    records,
  );
  const consistency = checkAttemptConsistency(deliveries, attempts, records, config.maxRetries + 1);

  const violations = [
    [config.events - Number(eventRow!.events), "events accepted but not stored"],
    [Number(eventRow!.events) - Number(eventRow!.external_ids), "events stored twice"],
    [Number(eventRow!.events) - Number(eventRow!.complete), `events without exactly ${channels} deliveries (fan-out lost)`],
    [consistency.unfinished, "deliveries neither delivered nor failed for good"],
    [consistency.brokenLogs, "deliveries whose attempt log is not 1..n with n = their attempt count"],
    [consistency.wrongEndings, "deliveries whose last attempt contradicts their status"],
    [consistency.attemptsNotSeen, "attempts logged that the receiver did not see (with that answer)"],
    [receiverCheck.neverReceived, "deliveries the receiver never saw"],
    [receiverCheck.deliveriesWithOtherIds, "deliveries whose requests carried another or several webhook-ids"],
    [receiverCheck.sharedWebhookIds, "webhook-ids used by two deliveries"],
    [receiverCheck.malformedRequests, "requests whose body id is not their webhook-id"],
    [receiverCheck.unknownRequests, "requests matching no delivery"],
    [receiverCheck.badSignatures, "requests whose signature does not verify"],
  ]
    .filter(([count]) => Number(count) > 0)
    .map(([count, what]) => `${count} ${what}`);
  if (pgRestartSeconds === null && config.pgRestart) violations.push("PostgreSQL was not restarted");

  return {
    events: Number(eventRow!.events),
    expectedDeliveries,
    deliveries: deliveries.length,
    eventsWithoutAllDeliveries: Number(eventRow!.events) - Number(eventRow!.complete),
    postedSeconds,
    unansweredPosts,
    pgRestartSeconds,
    kills: 1,
    appRestartSeconds,
    drainSeconds,
    totalSeconds,
    receiver: receiverCheck,
    attempts: consistency,
    violations,
  };
}
