// Half (b) of the fault suite: many clients post events to the production server's ingest URL
// while it is killed with SIGKILL at random moments and started again. Every event answered 2xx
// must be stored, with the id the answer gave; a request left unanswered by a kill must be stored
// whole or not at all (a batch is one transaction), never in part and never half a row; posting
// the unanswered ones again (same externalIds, as a tool retries) stores each event exactly once;
// and the fan-out of every event is requested in the end, by the sweeper for those whose request
// died with the app.
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import type { DbHandle } from "@/server/db/client";
import { queryRows } from "@/server/db/query-rows";
import { sleep } from "../../bench/processes";
import type { BenchSource } from "../../bench/setup";
import type { AppProcess } from "./app-process";
import { postEvents, postUntilAccepted, type IngestTarget } from "./ingest-client";

export type IngestFaultsConfig = { events: number; kills: number; clients: number; fanOutTimeoutS: number };

/** Every BATCH_EVERY-th request carries BATCH_SIZE events: their all-or-none is checked too. */
const BATCH_EVERY = 4;
const BATCH_SIZE = 5;

type IngestRequest = { events: ReturnType<typeof ingestEvent>[] };

function ingestEvent(n: number) {
  return {
    type: "alert.ingest_fault",
    severity: (["info", "low", "medium", "high", "critical"] as const)[n % 5],
    title: `Ingest fault event ${n}`,
    message: `Event ${n} of the ingest fault suite`,
    externalId: `ingest-faults-${n}`,
    data: { n, tags: ["faults", `k${n % 7}`] },
  };
}

function planRequests(events: number): IngestRequest[] {
  const requests: IngestRequest[] = [];
  let n = 0;
  while (n < events) {
    const size = requests.length % BATCH_EVERY === BATCH_EVERY - 1 ? Math.min(BATCH_SIZE, events - n) : 1;
    requests.push({ events: Array.from({ length: size }, (_, i) => ingestEvent(n + i)) });
    n += size;
  }
  return requests;
}

export type IngestFaultsResult = {
  events: number;
  requests: number;
  acknowledgedEvents: number;
  unansweredRequests: number;
  /** Of the unanswered requests, how many had been stored whole before the kill. */
  unansweredStoredWhole: number;
  kills: number;
  killAtRequests: number[];
  appRestartSeconds: number[];
  postingSeconds: number;
  storedAfterRetries: number;
  fanOutSettledSeconds: number | null;
  violations: string[];
};

type StoredEvent = { id: string; external_id: string; type: string; severity: string; title: string; message: string | null; data: unknown };

async function loadStored(handle: DbHandle, source: BenchSource): Promise<Map<string, StoredEvent[]>> {
  const rows = await queryRows<StoredEvent>(
    handle.db,
    sql`select id, external_id, type, severity, title, message, data from events where source_id = ${source.sourceId}`,
  );
  const byExternalId = new Map<string, StoredEvent[]>();
  for (const row of rows) byExternalId.set(row.external_id, [...(byExternalId.get(row.external_id) ?? []), row]);
  return byExternalId;
}

/** A stored row that is not exactly the event posted: half-written. */
function differs(stored: StoredEvent, sent: ReturnType<typeof ingestEvent>): boolean {
  return (
    stored.type !== sent.type ||
    stored.severity !== sent.severity ||
    stored.title !== sent.title ||
    stored.message !== sent.message ||
    JSON.stringify(stored.data) !== JSON.stringify(sent.data)
  );
}

export async function runIngestFaults(handle: DbHandle, app: AppProcess, source: BenchSource, config: IngestFaultsConfig, log: (line: string) => void): Promise<IngestFaultsResult> {
  const target: IngestTarget = { url: `${app.url}/api/ingest/${source.sourceId}`, token: source.token };
  const requests = planRequests(config.events);
  // Kills at random points between 10 % and 90 % of the requests, at least 2 % apart.
  const killAtRequests: number[] = [];
  while (killAtRequests.length < config.kills) {
    const at = Math.floor(requests.length * (0.1 + 0.8 * Math.random()));
    if (killAtRequests.every((other) => Math.abs(other - at) > requests.length * 0.02)) killAtRequests.push(at);
  }
  killAtRequests.sort((a, b) => a - b);
  log(`ingest: ${config.events} events in ${requests.length} requests from ${config.clients} clients; kill -9 after requests ${killAtRequests.join(", ")}`);

  const acknowledged = new Map<string, string>();
  const unanswered: IngestRequest[] = [];
  const appRestartSeconds: number[] = [];
  let next = 0;
  let done = 0;
  const deadline = Date.now() + 15 * 60_000;
  const started = performance.now();
  const client = async () => {
    while (next < requests.length) {
      const request = requests[next++]!;
      const outcome = await postEvents(target, request.events, deadline);
      if (outcome.answered) request.events.forEach((event, i) => acknowledged.set(event.externalId, outcome.ids[i]!));
      else unanswered.push(request);
      done++;
    }
  };
  const chaos = async () => {
    for (const at of killAtRequests) {
      while (done < at) await sleep(20);
      log(`ingest: kill -9 of the app after ${done} requests`);
      await app.kill9();
      const seconds = await app.start();
      appRestartSeconds.push(seconds);
      log(`ingest: app restarted in ${seconds.toFixed(1)} s`);
    }
  };
  await Promise.all([chaos(), ...Array.from({ length: config.clients }, client)]);
  const postingSeconds = (performance.now() - started) / 1000;
  const acknowledgedEvents = acknowledged.size;
  log(`ingest: ${acknowledged.size} events answered 2xx, ${unanswered.length} requests unanswered, in ${postingSeconds.toFixed(1)} s`);

  const violations: string[] = [];
  const sentByExternalId = new Map(requests.flatMap((r) => r.events.map((e) => [e.externalId, e] as const)));
  const stored = await loadStored(handle, source);
  const lost = [...acknowledged].filter(([externalId, id]) => stored.get(externalId)?.[0]?.id !== id).length;
  if (lost > 0) violations.push(`${lost} events answered 2xx but not stored under the id the answer gave`);
  let storedWhole = 0;
  let partial = 0;
  for (const request of unanswered) {
    const present = request.events.filter((event) => stored.has(event.externalId)).length;
    if (present === request.events.length) storedWhole++;
    else if (present > 0) partial++;
  }
  if (partial > 0) violations.push(`${partial} unanswered batch requests stored in part`);
  const checkRows = (when: string) => {
    let twice = 0;
    let halfWritten = 0;
    for (const [externalId, rows] of stored) {
      if (rows.length > 1) twice++;
      const sent = sentByExternalId.get(externalId);
      if (!sent || rows.some((row) => differs(row, sent))) halfWritten++;
    }
    if (twice > 0) violations.push(`${twice} events stored more than once (${when})`);
    if (halfWritten > 0) violations.push(`${halfWritten} stored events not exactly as posted (${when})`);
  };
  checkRows("after the kills");

  // A tool retries what was not answered, with the same externalIds: each is stored once.
  let replayMismatch = 0;
  for (const request of unanswered) {
    const { ids } = await postUntilAccepted(target, request.events, deadline);
    request.events.forEach((event, i) => {
      const before = stored.get(event.externalId)?.[0]?.id;
      if (before !== undefined && before !== ids[i]) replayMismatch++;
      acknowledged.set(event.externalId, ids[i]!);
    });
  }
  if (replayMismatch > 0) violations.push(`${replayMismatch} events posted again answered with another id than the one stored`);
  const final = await loadStored(handle, source);
  stored.clear();
  for (const [key, rows] of final) stored.set(key, rows);
  checkRows("after posting the unanswered again");
  const storedAfterRetries = [...final.values()].reduce((sum, rows) => sum + rows.length, 0);
  if (storedAfterRetries !== config.events) violations.push(`${storedAfterRetries} events stored after the retries, not ${config.events}`);
  const missing = [...acknowledged].filter(([externalId, id]) => final.get(externalId)?.[0]?.id !== id).length;
  if (missing > 0) violations.push(`${missing} acknowledged events missing or under another id at the end`);

  // Fan-out requests that died with the app are the sweeper's: every event is marked in the end.
  const fanOutStarted = performance.now();
  let fanOutSettledSeconds: number | null = null;
  let unmarked = -1;
  while (performance.now() - fanOutStarted < config.fanOutTimeoutS * 1000) {
    const [row] = await queryRows<{ n: number }>(handle.db, sql`select count(*)::int as n from events where source_id = ${source.sourceId} and fanned_out_at is null`);
    unmarked = Number(row!.n);
    if (unmarked === 0) {
      fanOutSettledSeconds = (performance.now() - fanOutStarted) / 1000;
      break;
    }
    await sleep(500);
  }
  if (fanOutSettledSeconds === null) violations.push(`${unmarked} events never marked fanned out (after ${config.fanOutTimeoutS} s)`);

  return {
    events: config.events,
    requests: requests.length,
    acknowledgedEvents,
    unansweredRequests: unanswered.length,
    unansweredStoredWhole: storedWhole,
    kills: appRestartSeconds.length,
    killAtRequests,
    appRestartSeconds,
    postingSeconds,
    storedAfterRetries,
    fanOutSettledSeconds,
    violations,
  };
}
