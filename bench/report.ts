// The comparison table and the issue's targets (≥ 60 % of the baseline's requests/s, p99 ≤ 2× its p99).
import type { LoadResult } from "./load";

export type PhaseReport = {
  database: "postgres" | "pglite";
  single: { baseline: LoadResult; tocsin: LoadResult };
  batch: { baseline: LoadResult; tocsin: LoadResult } | null;
  ratios: { requestsPerSecond: number; p99: number; batchEventsPerSecond: number | null };
  targets: { throughput: { target: string; value: number; pass: boolean }; p99: { target: string; value: number; pass: boolean } };
};

export function comparePhase(database: PhaseReport["database"], single: PhaseReport["single"], batch: PhaseReport["batch"]): PhaseReport {
  const requestsPerSecond = single.tocsin.requestsPerSecond / single.baseline.requestsPerSecond;
  const p99 = single.tocsin.p99Ms / single.baseline.p99Ms;
  return {
    database,
    single,
    batch,
    ratios: { requestsPerSecond, p99, batchEventsPerSecond: batch ? batch.tocsin.eventsPerSecond / batch.baseline.eventsPerSecond : null },
    targets: {
      throughput: { target: "Tocsin req/s >= 60% of baseline", value: requestsPerSecond, pass: requestsPerSecond >= 0.6 && single.tocsin.errors === 0 },
      p99: { target: "Tocsin p99 <= 2x baseline p99", value: p99, pass: p99 <= 2 && single.tocsin.errors === 0 },
    },
  };
}

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
const pad = (s: string, n: number) => s.padStart(n);

export function formatPhase(report: PhaseReport, config: { concurrency: number; warmupS: number; durationS: number; batchSize: number }): string {
  const name = report.database === "postgres" ? "PostgreSQL" : "PGlite (embedded)";
  const lines: string[] = [];
  lines.push(`\n== ${name}: single events, ${config.concurrency} concurrent keep-alive clients, ${config.warmupS} s warm-up + ${config.durationS} s measured ==`);
  lines.push(`${"".padEnd(24)}${pad("req/s", 10)}${pad("p50 ms", 10)}${pad("p90 ms", 10)}${pad("p99 ms", 10)}${pad("max ms", 10)}${pad("requests", 10)}${pad("errors", 8)}`);
  const row = (label: string, r: LoadResult) =>
    `${label.padEnd(24)}${pad(f(r.requestsPerSecond), 10)}${pad(f(r.p50Ms, 2), 10)}${pad(f(r.p90Ms, 2), 10)}${pad(f(r.p99Ms, 2), 10)}${pad(f(r.maxMs, 1), 10)}${pad(String(r.requests), 10)}${pad(String(r.errors), 8)}`;
  lines.push(row("baseline (node:http)", report.single.baseline));
  lines.push(row("Tocsin (npm start)", report.single.tocsin));
  lines.push(`${"Tocsin / baseline".padEnd(24)}${pad(`${f(report.ratios.requestsPerSecond * 100)}%`, 10)}${pad(`${f(report.single.tocsin.p50Ms / report.single.baseline.p50Ms, 2)}x`, 10)}${pad("", 10)}${pad(`${f(report.ratios.p99, 2)}x`, 10)}`);
  const mark = (pass: boolean) => (pass ? "PASS" : "FAIL");
  lines.push(`target: ${report.targets.throughput.target}: ${f(report.ratios.requestsPerSecond * 100)}% -> ${mark(report.targets.throughput.pass)}`);
  lines.push(`target: ${report.targets.p99.target}: ${f(report.ratios.p99, 2)}x -> ${mark(report.targets.p99.pass)}`);
  if (report.batch) {
    lines.push(`\n-- ${name}: batches of ${config.batchSize} events per request, same clients and duration --`);
    lines.push(`${"".padEnd(24)}${pad("events/s", 10)}${pad("req/s", 10)}${pad("p50 ms", 10)}${pad("p99 ms", 10)}${pad("requests", 10)}${pad("errors", 8)}`);
    const brow = (label: string, r: LoadResult) =>
      `${label.padEnd(24)}${pad(f(r.eventsPerSecond, 0), 10)}${pad(f(r.requestsPerSecond), 10)}${pad(f(r.p50Ms, 1), 10)}${pad(f(r.p99Ms, 1), 10)}${pad(String(r.requests), 10)}${pad(String(r.errors), 8)}`;
    lines.push(brow("baseline (node:http)", report.batch.baseline));
    lines.push(brow("Tocsin (npm start)", report.batch.tocsin));
    lines.push(`${"Tocsin / baseline".padEnd(24)}${pad(`${f((report.ratios.batchEventsPerSecond ?? NaN) * 100)}%`, 10)}`);
  }
  const samples = [
    ...report.single.baseline.errorSamples.map((s) => `baseline single: ${s}`),
    ...report.single.tocsin.errorSamples.map((s) => `Tocsin single: ${s}`),
    ...(report.batch?.baseline.errorSamples.map((s) => `baseline batch: ${s}`) ?? []),
    ...(report.batch?.tocsin.errorSamples.map((s) => `Tocsin batch: ${s}`) ?? []),
  ];
  if (samples.length > 0) lines.push(`\nfirst error bodies:\n${samples.map((s) => `  ${s}`).join("\n")}`);
  return lines.join("\n");
}
