// `npm run bench:ingest`: the production server's ingest URL (`npm start`, after `next build`) against a bare
// node:http + database baseline doing the same authentication, parsing, validation and insert,
// at the same concurrency, in one run. PostgreSQL by default (DATABASE_URL, default
// postgres://postgres@127.0.0.1:5432/test: fresh databases tocsin_bench_<pid>[_baseline],
// dropped at the end); `--pglite` for embedded PGlite (fresh data dirs); `--all` for both.
//
// Options: --json  --concurrency=32  --warmup=2  --duration=10 (seconds)  --batch-size=100
//          --no-batch.  BENCH_SKIP_BUILD=1 reuses the existing .next build; BENCH_SHOW_SERVER_LOG=1
//          prints the tail of each server's output when it is stopped.
// Exit status 0 when the measurement ran (targets may still FAIL; see the table), 1 otherwise.
import os from "node:os";
import { runLoad, type LoadResult } from "./load";
import { acquireCheckoutLock } from "./lock";
import { buildUnlessSkipped, startIngestServers } from "./ingest-servers";
import { killAllChildrenSync, sleep, stopAllChildren } from "./processes";
import { comparePhase, formatPhase, type PhaseReport } from "./report";
import { flag, numberOption } from "./cli-options";


const config = {
  concurrency: Math.floor(numberOption("concurrency", 32, 512)),
  warmupS: numberOption("warmup", 2, 60),
  durationS: numberOption("duration", 10, 300),
  batchSize: Math.floor(numberOption("batch-size", 100, 1000)),
  batch: !flag("no-batch"),
};
const asJson = flag("json");
const databases: PhaseReport["database"][] = flag("all") ? ["postgres", "pglite"] : flag("pglite") ? ["pglite"] : ["postgres"];
const serverUrl = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const log = (line: string) => console.error(`bench: ${line}`);

// Cleanup runs in reverse order of registration, once, on success, failure or a signal.
const cleanups: (() => Promise<void> | void)[] = [];
let cleaning: Promise<void> | null = null;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await stopAllChildren().catch((error) => log(`stopping children: ${String(error)}`));
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch (error) {
        log(`cleanup step failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  })();
  return cleaning;
}
process.on("exit", killAllChildrenSync);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    log(`${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function measure(target: { url: string; token: string }, name: string, eventsPerRequest: number): Promise<LoadResult> {
  log(`${name}: ${config.warmupS} s warm-up + ${config.durationS} s, ${config.concurrency} clients, ${eventsPerRequest} event(s)/request`);
  const result = await runLoad({
    url: target.url,
    token: target.token,
    concurrency: config.concurrency,
    warmupMs: config.warmupS * 1000,
    durationMs: config.durationS * 1000,
    eventsPerRequest,
    label: `${name}-${Date.now()}`,
  });
  log(`${name}: ${result.requestsPerSecond.toFixed(1)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, ${result.errors} errors`);
  await sleep(1000);
  return result;
}

async function runPhase(database: PhaseReport["database"]): Promise<PhaseReport> {
  const servers = await startIngestServers(database, { serverUrl, onCleanup: (step) => void cleanups.push(step), log });
  try {
    const single = {
      baseline: await measure(servers.baseline, `${database}-baseline-single`, 1),
      tocsin: await measure(servers.tocsin, `${database}-tocsin-single`, 1),
    };
    const batch = config.batch
      ? {
          baseline: await measure(servers.baseline, `${database}-baseline-batch`, config.batchSize),
          tocsin: await measure(servers.tocsin, `${database}-tocsin-batch`, config.batchSize),
        }
      : null;
    return comparePhase(database, single, batch);
  } finally {
    await servers.tocsin.child.stop();
    await servers.baseline.child.stop();
  }
}

let exitCode = 1;
try {
  // Held for the whole run, as scripts/run-e2e.ts does: nobody rebuilds .next under the running server.
  cleanups.push(await acquireCheckoutLock(undefined, log));
  buildUnlessSkipped(log);

  const reports: PhaseReport[] = [];
  for (const database of databases) reports.push(await runPhase(database));

  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "", loadAverage: os.loadavg(), node: process.version };
  if (asJson) {
    console.log(JSON.stringify({ machine, config, phases: reports }, null, 2));
  } else {
    console.log(`Tocsin ingest benchmark — ${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}, load average ${machine.loadAverage.map((l) => l.toFixed(2)).join(" ")}`);
    for (const report of reports) console.log(formatPhase(report, config));
  }
  exitCode = 0;
} catch (error) {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  await cleanup();
}
process.exit(exitCode);
