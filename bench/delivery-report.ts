// The delivery benchmark's results: the summary (also its --json output), its targets and
// correctness checks, and the printed report.
import os from "node:os";
import { DELIVERY_CONCURRENCY_PER_CHANNEL } from "@/server/jobs/functions/deliver-notification";
import type { DeliveryBenchConfig, FailuresResult, LatencyResult, ThroughputResult } from "./delivery";
import { describeFailedChecks, type ReceiverCheck } from "./delivery-checks";
import { failureKinds, type ReceiverBehaviour } from "./delivery-receiver-control";

export type Percentiles = { count: number; p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number };
export function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { count: sorted.length, p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99), maxMs: sorted.at(-1) ?? NaN };
}

export type DeliveryBenchResults = { throughput: ThroughputResult; latency: LatencyResult; failures: FailuresResult };

/** How the run was set up, besides its options. */
export type DeliveryBenchSetup = {
  database: "postgres" | "pglite";
  config: DeliveryBenchConfig;
  maxRuns: number;
  concurrency: number;
  maxRetries: number;
  failingReceiver: ReceiverBehaviour;
  loadAverageAtStart: number[];
};

export function summariseDeliveryBench(results: DeliveryBenchResults, setup: DeliveryBenchSetup) {
  const { throughput, latency, failures } = results;
  const missing = (phase: { expectedDeliveries: number; check: ReceiverCheck }) =>
    phase.check.deliveries < phase.expectedDeliveries ? [`${phase.expectedDeliveries - phase.check.deliveries} deliveries never created`] : [];
  const sentTwice = (check: ReceiverCheck) => (check.duplicates > 0 ? [`${check.duplicates} requests sent again to a receiver that answered 200`] : []);
  const phaseChecks = {
    throughput: [...describeFailedChecks(throughput.check), ...missing(throughput), ...sentTwice(throughput.check)],
    latency: [...describeFailedChecks(latency.check), ...missing(latency), ...sentTwice(latency.check)],
    failures: [...describeFailedChecks(failures.check), ...missing(failures), ...(failures.stillPending > 0 ? [`${failures.stillPending} deliveries not finished after 10 minutes`] : [])],
  };
  const withoutArrivals = (check: ReceiverCheck) => {
    const { firstArrival: _firstArrival, ...rest } = check;
    return rest;
  };
  const rounded = (loads: number[]) => loads.map((n) => Number(n.toFixed(2)));
  return {
    database: setup.database,
    machine: { cpus: os.cpus().length, loadAverageAtStart: rounded(setup.loadAverageAtStart), loadAverageAtEnd: rounded(os.loadavg()) },
    config: {
      ...setup.config,
      maxRuns: setup.maxRuns,
      concurrency: setup.concurrency,
      perChannelLimit: DELIVERY_CONCURRENCY_PER_CHANNEL,
      maxRetries: setup.maxRetries,
      failingReceiver: setup.failingReceiver,
    },
    throughput: { ...throughput, check: withoutArrivals(throughput.check) },
    latency: { ...latency, check: withoutArrivals(latency.check) },
    failures: { ...failures, check: withoutArrivals(failures.check) },
    targets: {
      throughput: { text: "deliveries/s >= 500", value: throughput.tocsin.perSecond, pass: throughput.tocsin.perSecond >= 500 },
      latency: { text: "first-attempt p95 < 100 ms (delivery created -> first request arrives)", value: latency.tocsin.fromCreated.p95Ms, pass: latency.tocsin.fromCreated.p95Ms < 100 },
    },
    checks: Object.fromEntries(Object.entries(phaseChecks).map(([phase, failed]) => [phase, { pass: failed.length === 0, failed }])),
  };
}

export type DeliveryBenchSummary = ReturnType<typeof summariseDeliveryBench>;

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
const cell = (value: string, width = 10) => value.padStart(width);

export function formatDeliveryReport(s: DeliveryBenchSummary): string {
  const { throughput: t, latency: l, failures: x, config } = s;
  const lines: string[] = [];
  const name = s.database === "postgres" ? "PostgreSQL" : "PGlite (embedded)";
  lines.push(`\n== ${name}: webhook deliveries to ${config.channels} channels on a local receiver; inline runner: ${config.maxRuns} runs at once, ${config.perChannelLimit} per channel ==`);
  lines.push(`machine: ${s.machine.cpus} CPUs, load average ${s.machine.loadAverageAtStart.join(" ")} at the start, ${s.machine.loadAverageAtEnd.join(" ")} at the end`);

  lines.push(`\n-- phase 1a: throughput, ${t.tocsin.deliveries} deliveries posted at once (receiver always 200), ${config.concurrency} requests at a time --`);
  lines.push(`${"".padEnd(34)}${cell("per s")}${cell("seconds")}${cell("p50 ms")}${cell("p95 ms")}${cell("p99 ms")}`);
  lines.push(`${"baseline (node:http, no db)".padEnd(34)}${cell(f(t.baseline.perSecond, 0))}${cell(f(t.baseline.seconds, 2))}${cell(f(t.baseline.response.p50Ms, 2))}${cell(f(t.baseline.response.p95Ms, 2))}${cell(f(t.baseline.response.p99Ms, 2))}`);
  lines.push(`${"Tocsin (jobs + database)".padEnd(34)}${cell(f(t.tocsin.perSecond, 0))}${cell(f(t.tocsin.seconds, 2))}${cell(f(t.tocsin.send.p50Ms, 2))}${cell(f(t.tocsin.send.p95Ms, 2))}${cell(f(t.tocsin.send.p99Ms, 2))}`);
  lines.push(`${"Tocsin / baseline".padEnd(34)}${cell(`${f(t.ratio * 100)}%`)}${cell("")}${cell(`${f(t.tocsin.send.p50Ms / t.baseline.response.p50Ms, 2)}x`)}${cell(`${f(t.tocsin.send.p95Ms / t.baseline.response.p95Ms, 2)}x`)}`);
  lines.push(`  (per s: from the first delivery created to the runner idle; ms: one POST, as the attempt rows record it / as the bare client times it)`);
  lines.push(`  process CPU ${f(t.tocsin.processCpuPercent, 0)} %, event loop ${f(t.tocsin.eventLoopPercent, 0)} % busy; from the first post: ${f(t.tocsin.fromFirstPostSeconds, 2)} s; not delivered: ${t.check.notDelivered}`);

  lines.push(`\n-- phase 1b: first-attempt latency, ${l.offeredPerSecond} deliveries/s offered${config.rate === null ? " (half of phase 1a's rate)" : ""} for ${config.durationS} s (open loop) --`);
  lines.push(`${"".padEnd(50)}${cell("p50 ms")}${cell("p95 ms")}${cell("p99 ms")}${cell("max ms")}${cell("count")}`);
  const row = (label: string, p: Percentiles) => `${label.padEnd(50)}${cell(f(p.p50Ms))}${cell(f(p.p95Ms))}${cell(f(p.p99Ms))}${cell(f(p.maxMs))}${cell(String(p.count))}`;
  lines.push(row("baseline: scheduled -> arrives at the receiver", l.baseline.scheduledToArrival));
  lines.push(row("Tocsin: delivery created -> first attempt arrives", l.tocsin.fromCreated));
  lines.push(row("Tocsin: event received -> first attempt arrives", l.tocsin.fromEventReceived));
  lines.push(`${"Tocsin / baseline (delivery created, p95)".padEnd(50)}${cell("")}${cell(`${f(l.ratioP95, 2)}x`)}`);
  lines.push(`  not delivered: ${l.check.notDelivered}`);

  lines.push(`\n-- phase 2: receiver failing ${f(config.failureRate * 100, 0)} % of attempts, ${config.maxRetries} retries a channel, job time x${config.timeScale} --`);
  lines.push(`deliveries ${x.deliveries}: ${Object.entries(x.statuses).map(([k, v]) => `${k} ${v}`).join(", ")}; wall time ${f(x.seconds)} s (${f(x.jobHours, 1)} h of job time)`);
  lines.push(`attempts per delivery: mean ${f(x.attemptsPerDelivery.mean, 2)}, max ${x.attemptsPerDelivery.max}; attempts recorded ${x.attemptsRecorded}, requests received ${x.check.requests}`);
  lines.push(`duplicates the receiver saw (requests beyond the first per webhook-id): ${x.check.duplicates}; failed share of requests: ${f(x.failedShare * 100)} %`);
  lines.push(`receiver answers: ${["ok", ...failureKinds].map((k) => `${k} ${x.receiverAnswers[k] ?? 0}`).join(", ")}`);
  lines.push(`Tocsin's attempt rows: ${x.tocsinAttempts.map((a) => `${a.outcome}${a.statusCode ? ` ${a.statusCode}` : ""}${a.errorClass ? ` ${a.errorClass}` : ""}: ${a.count}`).join("; ")}`);

  lines.push("");
  const mark = (pass: boolean) => (pass ? "PASS" : "FAIL");
  lines.push(`target: ${s.targets.throughput.text}: ${f(s.targets.throughput.value, 0)} -> ${mark(s.targets.throughput.pass)}`);
  lines.push(`target: ${s.targets.latency.text}: ${f(s.targets.latency.value)} ms -> ${mark(s.targets.latency.pass)}`);
  for (const [phase, check] of Object.entries(s.checks)) {
    lines.push(`check: ${phase}: every delivery delivered once per webhook-id, ids consistent, signatures valid -> ${mark(check.pass)}${check.failed.length ? ` (${check.failed.join("; ")})` : ""}`);
  }
  return lines.join("\n");
}

