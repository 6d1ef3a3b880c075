// `npm run bench:overload`: the production server (`npm start`, after `next build`) offered twice
// the ingest rate it sustains. Phase 1 measures that rate as bench:ingest does (32 keep-alive
// clients in a closed loop); phase 2 starts single-event requests at `--factor` times it in an
// open loop (each request at its time, whatever the earlier answers) for `--duration` seconds,
// while sampling the server's RSS and sending oversize bodies from a process of their own
// (bench/oversize-probe.ts: one announced by Content-Length, one chunked without end, in turn,
// every 100 ms) timed to their refusal. The bare node:http
// baseline (bench/baseline-server.ts, no admission control) takes the same offered load in the
// same run. Afterwards each server is stopped and its database read: every event answered 202
// must be there, none answered 429.
//
// PostgreSQL by default (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test: fresh
// databases tocsin_bench_<pid>[_baseline], dropped at the end); `--pglite` for embedded PGlite.
// Options: --duration=30 (phase 2, seconds)  --factor=2  --rate=<req/s> (skip phase 1 and offer
// factor × this)  --max-sockets=256 (the generator's connections; requests beyond wait for one,
// timed from when they were due)  --json.  BENCH_SKIP_BUILD=1 reuses the .next build; the
// server's own settings (TOCSIN_INGEST_MAX_IN_FLIGHT, …) pass through the environment.
// Exit status 1 when Tocsin answered anything but 202 or 429 (a 5xx, a timeout, a reset), lost a
// 202'd event or kept a 429'd one, or the run failed; the memory and oversize targets are printed.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { createCleanups } from "./cleanups";
import { buildUnlessSkipped, startIngestServers, type BenchDatabase, type IngestServer } from "./ingest-servers";
import { runLoad, runOpenLoad, type LoadResult, type OpenLoadRequest } from "./load";
import { acquireCheckoutLock } from "./lock";
import type { OversizeKind, OversizeProbe } from "./oversize-probe";
import { killAllChildrenSync, sleep, stopAllChildren } from "./processes";
import { flag, numberOption, stringOption } from "./cli-options";


const config = {
  durationS: numberOption("duration", 30, 600),
  factor: numberOption("factor", 2, 20),
  rate: stringOption("rate") !== undefined ? numberOption("rate", 1, 100_000) : null,
  maxSockets: Math.floor(numberOption("max-sockets", 256, 10_000)),
  // Phase 1, as bench:ingest measures single events.
  concurrency: 32,
  warmupS: 2,
  sustainS: 10,
};
const database: BenchDatabase = flag("pglite") ? "pglite" : "postgres";
const asJson = flag("json");
const serverUrl = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const log = (line: string) => console.error(`bench: ${line}`);
const cleanups = createCleanups(log);
process.on("exit", killAllChildrenSync);

const RSS_SAMPLE_MS = 250;
const OVERSIZE_EVERY_MS = 100;
/** The targets: oversize bodies refused within this, RSS bounded and flat. */
const OVERSIZE_P99_TARGET_MS = 100;
const RSS_PEAK_GROWTH_TARGET_MIB = 256;
const RSS_LATE_GROWTH_TARGET_MIB = 64;

type Stats = { count: number; p50: number; p99: number; max: number };
function statsOf(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const pick = (q: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
  return { count: sorted.length, p50: pick(0.5), p99: pick(0.99), max: sorted.at(-1) ?? NaN };
}

/** The server's resident memory every RSS_SAMPLE_MS, from /proc, in MiB. */
function sampleRss(pid: number) {
  const samples: { atMs: number; mib: number }[] = [];
  const started = performance.now();
  const read = () => {
    try {
      const kib = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
      if (Number.isFinite(kib)) samples.push({ atMs: performance.now() - started, mib: kib / 1024 });
    } catch {
      // the process is gone: no more samples
    }
  };
  read();
  const timer = setInterval(read, RSS_SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      read();
      return samples;
    },
  };
}

/** Oversize probes for `durationMs`, in a process of their own; resolves with what they measured. */
function probeOversize(server: IngestServer, durationMs: number): Promise<OversizeProbe[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.resolve("bench/oversize-probe.ts")], {
      env: { ...process.env, BENCH_PROBE_URL: server.url, BENCH_PROBE_TOKEN: server.token, BENCH_PROBE_MS: String(durationMs), BENCH_PROBE_EVERY_MS: String(OVERSIZE_EVERY_MS) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`the oversize probe exited with ${code}`));
      resolve(JSON.parse(output) as OversizeProbe[]);
    });
  });
}

/** The externalIds among `wanted` that the server's source stored (read after the server stopped). */
async function storedExternalIds(server: IngestServer, label: string): Promise<Set<string>> {
  const query = "select external_id from events where source_id = $1 and external_id like $2";
  const params = [server.sourceId, `${label}-%`];
  if (server.database.url) {
    const sql = postgres(server.database.url, { max: 1, onnotice: () => {} });
    try {
      return new Set((await sql.unsafe<{ external_id: string }[]>(query, params)).map((row) => row.external_id));
    } finally {
      await sql.end({ timeout: 5 });
    }
  }
  const db = new PGlite(server.database.dir!);
  try {
    return new Set((await db.query<{ external_id: string }>(query, params)).rows.map((row) => row.external_id));
  } finally {
    await db.close();
  }
}

type OverloadResult = {
  name: string;
  offered: number;
  offeredPerSecond: number;
  statuses: Record<string, number>;
  acceptedPerSecond: number;
  latency: Record<string, Stats>;
  generatorLateMs: Stats;
  rssMiB: { start: number; peak: number; atThird: number; end: number; samples: number; everyFiveSeconds: number[] };
  oversize: Record<OversizeKind, Stats & { statuses: Record<string, number>; connect: Stats }>;
  lostAccepted: number;
  keptRefused: number;
  errorSamples: string[];
  oversizeErrors: string[];
};

async function overload(server: IngestServer, name: string, ratePerSecond: number): Promise<OverloadResult> {
  const label = `${name}-overload-${Date.now()}`;
  log(`${name}: ${ratePerSecond.toFixed(0)} req/s offered, open loop, for ${config.durationS} s, oversize bodies every ${OVERSIZE_EVERY_MS} ms`);
  const rss = sampleRss(server.child.process.pid!);
  const oversize = probeOversize(server, config.durationS * 1000);
  const load = await runOpenLoad({ url: server.url, token: server.token, ratePerSecond, durationMs: config.durationS * 1000, label, maxSockets: config.maxSockets });
  const probes = await oversize;
  const samples = rss.stop();
  await server.child.stop();

  const byStatus = new Map<number, OpenLoadRequest[]>();
  for (const request of load.requests) {
    const list = byStatus.get(request.status);
    if (list) list.push(request);
    else byStatus.set(request.status, [request]);
  }
  const stored = await storedExternalIds(server, label);
  const accepted = byStatus.get(202) ?? [];
  const refused = byStatus.get(429) ?? [];
  const third = samples.find((sample) => sample.atMs >= (config.durationS * 1000) / 3) ?? samples.at(-1)!;
  const oversizeOf = (kind: OversizeKind) => {
    const ofKind = probes.filter((probe) => probe.kind === kind);
    const statuses: Record<string, number> = {};
    for (const probe of ofKind) statuses[probe.status] = (statuses[probe.status] ?? 0) + 1;
    return {
      ...statsOf(ofKind.filter((probe) => probe.status !== 0).map((probe) => probe.ms)),
      statuses,
      connect: statsOf(ofKind.map((probe) => probe.connectMs)),
    };
  };
  const result: OverloadResult = {
    name,
    offered: load.offered,
    offeredPerSecond: load.offered / load.seconds,
    statuses: Object.fromEntries([...byStatus].sort(([a], [b]) => a - b).map(([status, requests]) => [String(status), requests.length])),
    acceptedPerSecond: accepted.length / load.seconds,
    latency: Object.fromEntries([...byStatus].map(([status, requests]) => [String(status), statsOf(requests.map((r) => r.latencyMs))])),
    generatorLateMs: statsOf(load.requests.map((r) => r.issuedLateMs)),
    rssMiB: {
      start: samples[0]!.mib,
      peak: Math.max(...samples.map((s) => s.mib)),
      atThird: third.mib,
      end: samples.at(-1)!.mib,
      samples: samples.length,
      everyFiveSeconds: samples.filter((_, i) => i % Math.round(5000 / RSS_SAMPLE_MS) === 0).map((s) => Math.round(s.mib)),
    },
    oversize: { announced: oversizeOf("announced"), chunked: oversizeOf("chunked") },
    lostAccepted: accepted.filter((request) => !stored.has(request.externalId)).length,
    keptRefused: refused.filter((request) => stored.has(request.externalId)).length,
    errorSamples: load.errorSamples,
    oversizeErrors: [...new Set(probes.filter((p) => p.error).map((p) => `${p.kind} at ${(p.atMs / 1000).toFixed(1)} s: ${p.error}`))].slice(0, 5),
  };
  log(`${name}: ${JSON.stringify(result.statuses)}, RSS ${result.rssMiB.start.toFixed(0)} → peak ${result.rssMiB.peak.toFixed(0)} → ${result.rssMiB.end.toFixed(0)} MiB, lost ${result.lostAccepted}`);
  return result;
}

function targetsOf(tocsin: OverloadResult) {
  // A server answering nothing with 202 would pass vacuously: some events must get in.
  const only202And429 = Object.keys(tocsin.statuses).every((status) => status === "202" || status === "429") && (tocsin.statuses["202"] ?? 0) > 0;
  const oversizeP99 = Math.max(tocsin.oversize.announced.p99, tocsin.oversize.chunked.p99);
  const oversizeRefused = Object.keys({ ...tocsin.oversize.announced.statuses, ...tocsin.oversize.chunked.statuses }).every((s) => s === "413" || s === "429");
  return {
    only202And429: { target: "Tocsin answers only 202 or 429 (no 5xx, no timeout or reset), and some 202", pass: only202And429 },
    nothingLost: { target: "every 202'd event stored, no 429'd one", pass: tocsin.lostAccepted === 0 && tocsin.keptRefused === 0 },
    rssPeak: { target: `Tocsin peak RSS <= start + ${RSS_PEAK_GROWTH_TARGET_MIB} MiB`, pass: tocsin.rssMiB.peak - tocsin.rssMiB.start <= RSS_PEAK_GROWTH_TARGET_MIB },
    rssFlat: { target: `Tocsin RSS grows <= ${RSS_LATE_GROWTH_TARGET_MIB} MiB after the first third`, pass: tocsin.rssMiB.end - tocsin.rssMiB.atThird <= RSS_LATE_GROWTH_TARGET_MIB },
    oversize: { target: `oversize bodies refused (413/429) on an open connection, p99 < ${OVERSIZE_P99_TARGET_MS} ms`, pass: oversizeRefused && oversizeP99 < OVERSIZE_P99_TARGET_MS },
  };
}

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

function format(sustained: { requestsPerSecond: number; p99Ms: number } | null, offered: number, tocsin: OverloadResult, baseline: OverloadResult): string {
  const name = database === "postgres" ? "PostgreSQL" : "PGlite (embedded)";
  const lines: string[] = [];
  lines.push(`\n== ${name}: ${config.factor}x the sustained ingest rate, open loop, ${config.durationS} s ==`);
  lines.push(
    sustained
      ? `sustained (closed loop, ${config.concurrency} clients, ${config.sustainS} s): Tocsin ${f(sustained.requestsPerSecond)} req/s (p99 ${f(sustained.p99Ms, 2)} ms) -> offered ${f(offered)} req/s`
      : `offered ${f(offered)} req/s (--rate)`,
  );
  const col = (s: string) => s.padStart(18);
  const statuses = [...new Set([...Object.keys(tocsin.statuses), ...Object.keys(baseline.statuses)])].sort();
  const row = (label: string, t: string, b: string, ratio = "") => `${label.padEnd(34)}${col(t)}${col(b)}${col(ratio)}`;
  const ratio = (t: number, b: number, digits = 2) => (b > 0 && Number.isFinite(t / b) ? `${f(t / b, digits)}x` : "n/a");
  lines.push(row("", "Tocsin", "baseline", "Tocsin/baseline"));
  lines.push(row("requests offered", String(tocsin.offered), String(baseline.offered)));
  for (const status of statuses) lines.push(row(`  answered ${status === "0" ? "none (timeout/reset)" : status}`, String(tocsin.statuses[status] ?? 0), String(baseline.statuses[status] ?? 0)));
  lines.push(row("accepted (202) req/s", f(tocsin.acceptedPerSecond), f(baseline.acceptedPerSecond), ratio(tocsin.acceptedPerSecond, baseline.acceptedPerSecond)));
  for (const status of ["202", "429"]) {
    const t = tocsin.latency[status];
    const b = baseline.latency[status];
    lines.push(row(`${status} latency p50 / p99 ms`, t ? `${f(t.p50)} / ${f(t.p99)}` : "-", b ? `${f(b.p50)} / ${f(b.p99)}` : "-", t && b ? ratio(t.p99, b.p99) : ""));
  }
  lines.push(row("load generator late p50 / p99 ms", `${f(tocsin.generatorLateMs.p50)} / ${f(tocsin.generatorLateMs.p99)}`, `${f(baseline.generatorLateMs.p50)} / ${f(baseline.generatorLateMs.p99)}`));
  const rss = (r: OverloadResult) => `${f(r.rssMiB.start, 0)}/${f(r.rssMiB.peak, 0)}/${f(r.rssMiB.end, 0)}`;
  lines.push(row("RSS start/peak/end MiB", rss(tocsin), rss(baseline), ratio(tocsin.rssMiB.peak, baseline.rssMiB.peak)));
  lines.push(row("RSS every 5 s MiB", "", ""));
  lines.push(`  Tocsin:   ${tocsin.rssMiB.everyFiveSeconds.join(" ")}`);
  lines.push(`  baseline: ${baseline.rssMiB.everyFiveSeconds.join(" ")}`);
  for (const kind of ["announced", "chunked"] as const) {
    const o = (r: OverloadResult) => `${f(r.oversize[kind].p50)} / ${f(r.oversize[kind].p99)}`;
    lines.push(row(`oversize ${kind}: refused p50 / p99 ms`, o(tocsin), o(baseline), ratio(tocsin.oversize[kind].p99, baseline.oversize[kind].p99)));
    const c = (r: OverloadResult) => `${f(r.oversize[kind].connect.p50)} / ${f(r.oversize[kind].connect.p99)}`;
    lines.push(row(`  its new connection's 1st answer`, c(tocsin), c(baseline)));
    const s = (r: OverloadResult) => Object.entries(r.oversize[kind].statuses).map(([status, n]) => `${status}:${n}`).join(" ");
    lines.push(row(`  answers (of ${tocsin.oversize[kind].count} / ${baseline.oversize[kind].count})`, s(tocsin), s(baseline)));
  }
  lines.push(row("202'd events missing afterwards", String(tocsin.lostAccepted), String(baseline.lostAccepted)));
  lines.push(row("429'd events stored anyway", String(tocsin.keptRefused), String(baseline.keptRefused)));
  for (const target of Object.values(targetsOf(tocsin))) lines.push(`target: ${target.target} -> ${target.pass ? "PASS" : "FAIL"}`);
  const samples = [
    ...tocsin.errorSamples.map((s) => `Tocsin: ${s}`),
    ...baseline.errorSamples.map((s) => `baseline: ${s}`),
    ...tocsin.oversizeErrors.map((s) => `Tocsin oversize ${s}`),
    ...baseline.oversizeErrors.map((s) => `baseline oversize ${s}`),
  ];
  if (samples.length > 0) lines.push(`\nfirst unexpected answers:\n${samples.map((s) => `  ${s}`).join("\n")}`);
  return lines.join("\n");
}

let exitCode = 1;
try {
  cleanups.add(await acquireCheckoutLock(undefined, log));
  buildUnlessSkipped(log);
  // The servers are stopped before their databases are dropped or removed.
  const servers = await startIngestServers(database, {
    serverUrl,
    onCleanup: (step) =>
      cleanups.add(async () => {
        await stopAllChildren();
        await step();
      }),
    log,
  });

  let sustained: LoadResult | null = null;
  if (config.rate === null) {
    log(`sustained rate: ${config.warmupS} s warm-up + ${config.sustainS} s, ${config.concurrency} clients`);
    sustained = await runLoad({
      url: servers.tocsin.url,
      token: servers.tocsin.token,
      concurrency: config.concurrency,
      warmupMs: config.warmupS * 1000,
      durationMs: config.sustainS * 1000,
      eventsPerRequest: 1,
      label: `sustained-${Date.now()}`,
    });
    log(`sustained: ${sustained.requestsPerSecond.toFixed(1)} req/s, p99 ${sustained.p99Ms.toFixed(2)} ms`);
    // Twice nothing is no overload: a server that answers the sustained phase with errors fails the run.
    if (sustained.errors > 0 || sustained.requests === 0) {
      throw new Error(`the sustained phase had ${sustained.errors} errors in ${sustained.requests} requests: ${sustained.errorSamples.join("; ")}`);
    }
    await sleep(1000);
  }
  const offered = config.factor * (config.rate ?? sustained!.requestsPerSecond);
  const tocsin = await overload(servers.tocsin, "tocsin", offered);
  const baseline = await overload(servers.baseline, "baseline", offered);
  const targets = targetsOf(tocsin);

  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "", loadAverage: os.loadavg(), node: process.version };
  if (asJson) {
    console.log(JSON.stringify({ machine, config, database, sustained, offered, tocsin, baseline, targets }, null, 2));
  } else {
    console.log(`Tocsin overload benchmark — ${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}, load average ${machine.loadAverage.map((l) => l.toFixed(2)).join(" ")}`);
    console.log(format(sustained, offered, tocsin, baseline));
  }
  exitCode = targets.only202And429.pass && targets.nothingLost.pass ? 0 : 1;
} catch (error) {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  await cleanups.run();
}
process.exit(exitCode);
