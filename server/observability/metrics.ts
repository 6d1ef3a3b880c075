import { sql } from "drizzle-orm";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Db } from "@/server/db/client";
import { executeRows } from "@/server/db/execute-rows";

/**
 * Tocsin's Prometheus metrics, served at /api/metrics. Counters and histograms are this process's
 * (each instance is scraped on its own; sum them across instances); the queue-depth gauges are read
 * from the database at scrape time and are the same on every instance (take their max). Updating
 * a metric is an in-memory increment: the request paths never wait on the database for it.
 */
function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "tocsin_" });
  return {
    registry,
    ingestEvents: new Counter({
      name: "tocsin_ingest_events_total",
      help: "Events taken by the ingest endpoint, by source format and outcome (accepted: stored now; duplicate: an externalId already stored)",
      labelNames: ["format", "outcome"] as const,
      registers: [registry],
    }),
    ingestRefused: new Counter({
      name: "tocsin_ingest_refused_requests_total",
      help: "Ingest requests refused, by source format (unknown before the source is authenticated) and error code",
      labelNames: ["format", "code"] as const,
      registers: [registry],
    }),
    ingestDuration: new Histogram({
      name: "tocsin_ingest_request_duration_seconds",
      help: "Time to answer an ingest request, from its headers to its answer, by source format",
      labelNames: ["format"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    fanOutLag: new Histogram({
      name: "tocsin_fan_out_lag_seconds",
      help: "From an event's arrival to its inbox entries and deliveries being written",
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
      registers: [registry],
    }),
    deliveries: new Counter({
      name: "tocsin_delivery_attempts_total",
      help: "Delivery attempts by channel kind and outcome (delivered; retry: failed, tried again later; failed: failed for good)",
      labelNames: ["kind", "outcome"] as const,
      registers: [registry],
    }),
    jobEventsHandedOver: new Counter({
      name: "tocsin_job_events_handed_over_total",
      help: "Job events this instance handed over to the inline runner (to its own queue, or committed to the shared PostgreSQL queue), by event name",
      labelNames: ["event"] as const,
      registers: [registry],
    }),
    jobRuns: new Counter({
      name: "tocsin_job_runs_total",
      help: "Job runs the inline runner of this instance finished, by function and outcome (completed; failed: for good, after its retries)",
      labelNames: ["function", "outcome"] as const,
      registers: [registry],
    }),
    pendingDeliveries: new Gauge({ name: "tocsin_deliveries_pending", help: "Deliveries not yet delivered nor failed (database-wide)", registers: [registry] }),
    heldBatches: new Gauge({
      name: "tocsin_notification_batches_held",
      help: "Summaries held and not yet released: digests, quiet hours, maintenance windows (database-wide)",
      registers: [registry],
    }),
    unfannedEvents: new Gauge({
      name: "tocsin_events_awaiting_fan_out",
      help: "Events stored and not fanned out yet: queued, or lost with a process and left to the sweeper (database-wide)",
      registers: [registry],
    }),
    silentSources: new Gauge({ name: "tocsin_sources_silent", help: "Intake sources currently silent (no event within their silence threshold)", registers: [registry] }),
  };
}

export type TocsinMetrics = ReturnType<typeof createMetrics>;

// Once per process: `next dev` reloads modules, and the production server and Next's bundles each
// load their own copy of this file; a second registration would throw or split the counts.
const globalForMetrics = globalThis as unknown as { tocsinMetrics?: TocsinMetrics };
export const metrics: TocsinMetrics = (globalForMetrics.tocsinMetrics ??= createMetrics());

/** One answered ingest request: its events by outcome (none for a refusal or a replay) and its duration. */
export function recordIngest(format: string, answer: { accepted: number; duplicates: number } | { refused: string }, seconds: number): void {
  if ("refused" in answer) metrics.ingestRefused.inc({ format, code: answer.refused });
  else {
    if (answer.accepted > 0) metrics.ingestEvents.inc({ format, outcome: "accepted" }, answer.accepted);
    if (answer.duplicates > 0) metrics.ingestEvents.inc({ format, outcome: "duplicate" }, answer.duplicates);
  }
  metrics.ingestDuration.observe({ format }, seconds);
}

/** One recorded delivery attempt. */
export function recordDeliveryAttempt(kind: string, outcome: "delivered" | "retry" | "failed"): void {
  metrics.deliveries.inc({ kind, outcome });
}

/** Job events handed over to the inline runner, counted by name. */
export function recordJobEventsHandedOver(events: readonly { name: string }[]): void {
  for (const event of events) metrics.jobEventsHandedOver.inc({ event: event.name });
}

/** One inline job run finished: completed, or failed for good. */
export function recordJobRun(functionId: string, outcome: "completed" | "failed"): void {
  metrics.jobRuns.inc({ function: functionId, outcome });
}

/**
 * Fan-out written for these events: each one's lag since it arrived, read from its id — a UUIDv7
 * carries its creation time in milliseconds — so no query is needed. Other ids are skipped.
 */
export function recordFanOutLag(eventIds: readonly string[], now = Date.now()): void {
  for (const id of eventIds) {
    const createdAt = uuidv7Time(id);
    if (createdAt !== null) metrics.fanOutLag.observe(Math.max(0, now - createdAt) / 1000);
  }
}

function uuidv7Time(id: string): number | null {
  // xxxxxxxx-xxxx-7xxx-…: the version digit is the 15th character.
  if (id.length !== 36 || id[14] !== "7") return null;
  const millis = Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
  return Number.isFinite(millis) ? millis : null;
}

/** The exposition text, with the queue-depth gauges read now (one query, on partial indexes). */
export async function renderMetrics(db: Db): Promise<{ contentType: string; body: string }> {
  const [depth] = await executeRows<{ pending: number | string; held: number | string; unfanned: number | string; silent: number | string }>(
    db,
    sql`select
      (select count(*) from deliveries where status = 'pending') as pending,
      (select count(*) from notification_batches where released_at is null) as held,
      (select count(*) from events where fanned_out_at is null) as unfanned,
      (select count(*) from intake_sources where silent_since is not null) as silent`,
  );
  metrics.pendingDeliveries.set(Number(depth?.pending ?? 0));
  metrics.heldBatches.set(Number(depth?.held ?? 0));
  metrics.unfannedEvents.set(Number(depth?.unfanned ?? 0));
  metrics.silentSources.set(Number(depth?.silent ?? 0));
  return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
}
