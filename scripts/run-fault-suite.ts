// `npm run test:faults`: the promises Tocsin makes about faults, against the production server
// (`npm start`, server mode on PostgreSQL, inline job runner), with figures.
//
// (a) Deliveries: `--events` events, each delivered to `--channels` signed webhook channels (a
//     receiver in its own process on 127.0.0.3, opened with TOCSIN_ALLOWED_PRIVATE_CIDRS) that
//     fails `--failure-rate` of attempts (500, 503 + Retry-After, resets, slow 500s, hangs);
//     PostgreSQL is restarted once and the app killed with SIGKILL once, then started again. Every
//     event × channel must end delivered or failed for good, its attempts logged as the receiver
//     saw them; every duplicate the receiver saw carries its delivery's webhook-id, no webhook-id
//     serves two deliveries, every signature verifies.
// (b) Ingest: `--ingests` events posted by `--clients` clients while the app is killed with
//     SIGKILL `--kills` times at random moments: every event answered 2xx is stored under the id
//     answered, unanswered batches are stored whole or not at all, retries store nothing twice,
//     and every event's fan-out is requested in the end.
//
// The job layer's clock runs `--time-scale` times faster in the app (TOCSIN_JOB_CLOCK=compressed,
// one origin for every restart), so retry waits of minutes pass in seconds. A fresh database
// tocsin_faults_<pid> on DATABASE_URL's server (default postgres://postgres@127.0.0.1:5432/test),
// dropped at the end. The app serves pages from the .next build (built here if there is none;
// FAULTS_SKIP_BUILD=1 refuses to build); ingest and jobs run from the sources.
//
// Options: --events=1000 --channels=3 --failure-rate=0.3 --ingests=10000 --kills=4 --clients=16
//          --time-scale=60 --no-pg-restart --only=deliveries|ingest --json
// Exit status 1 when a promise is broken or the run fails.
import { randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import postgres from "postgres";
import { createPostgresHandle } from "@/server/db/client";
import { DEFAULT_MAX_RETRIES } from "@/server/deliveries/retry-schedule";
import { createCleanups, exitAfter } from "../bench/cleanups";
import { startDeliveryReceiver } from "../bench/delivery-receiver-control";
import { seedDeliveryWorkspace } from "../bench/delivery-seed";
import { acquireCheckoutLock } from "../bench/lock";
import { freePort, killAllChildrenSync } from "../bench/processes";
import { seedSource } from "../bench/setup";
import { createAppProcess } from "./fault-suite/app-process";
import { runDeliveryFaults, type DeliveryFaultsResult } from "./fault-suite/delivery-faults";
import { runIngestFaults, type IngestFaultsResult } from "./fault-suite/ingest-faults";
import { flag, givenArguments, numberOption, stringOption } from "../bench/cli-options";

const known = ["events", "channels", "failure-rate", "ingests", "kills", "clients", "time-scale", "no-pg-restart", "only", "json"];
for (const arg of givenArguments()) {
  if (!known.includes(arg.replace(/^--/, "").split("=")[0]!)) throw new Error(`unknown option ${arg} (known: ${known.map((k) => `--${k}`).join(" ")})`);
}
const only = stringOption("only");
if (only !== undefined && only !== "deliveries" && only !== "ingest") throw new Error("--only must be deliveries or ingest");
const config = {
  events: Math.floor(numberOption("events", 1000, 100_000, 10)),
  channels: Math.floor(numberOption("channels", 3, 10, 1)),
  failureRate: numberOption("failure-rate", 0.3, 0.9, 0),
  ingests: Math.floor(numberOption("ingests", 10_000, 1_000_000, 100)),
  kills: Math.floor(numberOption("kills", 4, 20, 1)),
  clients: Math.floor(numberOption("clients", 16, 256, 1)),
  timeScale: numberOption("time-scale", 60, 1000, 1),
  pgRestart: !flag("no-pg-restart"),
  deliveries: only !== "ingest",
  ingest: only !== "deliveries",
};
const asJson = flag("json");
const serverUrl = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const RECEIVER_HOST = "127.0.0.3";
const suiteStarted = performance.now();
const log = (line: string) => console.error(`faults [${((performance.now() - suiteStarted) / 1000).toFixed(1)} s]: ${line}`);
const cleanups = createCleanups(log);
process.on("exit", killAllChildrenSync);

/** The newest source the .next build bundles (its instrumentation hook loads server/ too). */
function newestSourceMs(): number {
  let newest = statSync("instrumentation.ts").mtimeMs;
  for (const dir of ["app", "components", "server", "pages", "drizzle"]) {
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir, { recursive: true, encoding: "utf8" })) newest = Math.max(newest, statSync(path.join(dir, file)).mtimeMs);
  }
  return newest;
}

function ensureBuild() {
  const buildId = path.resolve(".next/BUILD_ID");
  if (process.env.FAULTS_SKIP_BUILD === "1") {
    if (!existsSync(buildId)) throw new Error("FAULTS_SKIP_BUILD=1 but there is no .next build");
    return log("FAULTS_SKIP_BUILD=1: using the existing .next build");
  }
  if (existsSync(buildId) && statSync(buildId).mtimeMs > newestSourceMs()) return log("using the existing .next build (newer than every source)");
  log("npx next build");
  const build = spawnSync("npx", ["next", "build"], { stdio: ["ignore", 2, 2], env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (build.status !== 0) throw new Error(`next build failed (${build.status ?? build.signal})`);
}

async function createDatabase(): Promise<string> {
  const name = `tocsin_faults_${process.pid}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  cleanups.add(async () => {
    // A fresh connection: the restart cut the first one.
    const again = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await again.unsafe(`drop database if exists "${name}" with (force)`);
    await again.end({ timeout: 5 });
  });
  await admin.end({ timeout: 5 });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

type Summary = { config: typeof config; machine: { cpus: number; loadAverage: number[] }; deliveries: DeliveryFaultsResult | null; ingest: IngestFaultsResult | null; seconds: number; passed: boolean };

const seconds = (values: number[]) => (values.length === 0 ? "none" : values.map((s) => `${s.toFixed(1)} s`).join(", "));

function formatSummary(s: Summary): string {
  const lines = [`Tocsin fault suite — PostgreSQL, npm start, inline runner, job time ×${s.config.timeScale}; ${s.machine.cpus} CPUs, load ${s.machine.loadAverage.map((l) => l.toFixed(2)).join(" ")}`];
  const d = s.deliveries;
  if (d) {
    lines.push(
      ``,
      `(a) deliveries: ${d.events} events × ${s.config.channels} channels, receiver failing ${s.config.failureRate * 100} % of attempts`,
      `    deliveries ${d.deliveries}/${d.expectedDeliveries}: delivered ${d.attempts.delivered}, failed for good ${d.attempts.failed}, unfinished ${d.attempts.unfinished}`,
      `    attempts logged ${d.attempts.attemptsLogged}; requests seen by the receiver ${d.receiver.requests}, of which repeats of a webhook-id already seen ${d.receiver.duplicates} (retries and resends)`,
      `    duplicates (requests seen but not logged: cut short by the kill, the restart or a lost lease) ${d.attempts.requestsNotLogged}, delivered messages answered 200 twice ${d.attempts.deliveredTwice}, failed after a lost 200 ${d.attempts.failedAfterLostOk}`,
      `    every request under its delivery's one webhook-id, none serving two deliveries, signatures verified: ${d.receiver.deliveriesWithOtherIds + d.receiver.sharedWebhookIds + d.receiver.badSignatures === 0 ? "yes" : "NO"}`,
      `    faults: PostgreSQL restart ${d.pgRestartSeconds === null ? "none" : `${d.pgRestartSeconds.toFixed(1)} s`}, kill -9 ${d.kills}, app restart ${seconds(d.appRestartSeconds)}; posts unanswered and sent again ${d.unansweredPosts}`,
      `    posting ${d.postedSeconds.toFixed(1)} s, then drained in ${d.drainSeconds.toFixed(1)} s (${d.totalSeconds.toFixed(1)} s in all)`,
      `    ${d.violations.length === 0 ? "PASS" : `FAIL: ${d.violations.join("; ")}`}`,
    );
  }
  const i = s.ingest;
  if (i) {
    lines.push(
      ``,
      `(b) ingest: ${i.events} events in ${i.requests} requests, kill -9 ${i.kills} times (after requests ${i.killAtRequests.join(", ")}), app restart ${seconds(i.appRestartSeconds)}`,
      `    answered 2xx ${i.acknowledgedEvents} events; unanswered requests ${i.unansweredRequests} (stored whole before the kill ${i.unansweredStoredWhole}, the rest not at all); posting ${i.postingSeconds.toFixed(1)} s`,
      `    stored after posting the unanswered again ${i.storedAfterRetries}; every fan-out done (events marked fanned out) ${i.fanOutSettledSeconds === null ? "NO" : `${i.fanOutSettledSeconds.toFixed(1)} s after posting`}`,
      `    ${i.violations.length === 0 ? "PASS" : `FAIL: ${i.violations.join("; ")}`}`,
    );
  }
  lines.push(``, `${s.passed ? "PASS" : "FAIL"} in ${s.seconds.toFixed(1)} s`);
  return lines.join("\n");
}

async function main(): Promise<boolean> {
  const started = performance.now();
  // Held for the whole run, as scripts/run-e2e.ts does: nobody rebuilds .next under the running server.
  cleanups.add(await acquireCheckoutLock(undefined, log));
  ensureBuild();

  const encryptionKey = randomBytes(32).toString("base64");
  process.env.TOCSIN_ENCRYPTION_KEY = encryptionKey;
  // The seed checks channel URLs as the app does: the receiver's address is opened here too.
  process.env.TOCSIN_ALLOWED_PRIVATE_CIDRS = `${RECEIVER_HOST}/32`;
  const databaseUrl = await createDatabase();
  const handle = createPostgresHandle(databaseUrl, { max: 4 });
  cleanups.add(() => handle.close());

  const receiver = await startDeliveryReceiver(RECEIVER_HOST);
  cleanups.add(() => receiver.stop());
  log(`seeding ${databaseUrl.replace(/\/\/[^@]*@/, "//")}`);
  const seed = await seedDeliveryWorkspace(handle, { channels: config.channels, receiverUrl: receiver.url, maxRetries: DEFAULT_MAX_RETRIES });
  receiver.setSecrets(Object.fromEntries(seed.channels.map((c) => [c.index, c.signingSecret])));
  const ingestSource = await seedSource(handle, "ingest-faults");

  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    TOCSIN_HOST: "127.0.0.1",
    AUTH_URL: `http://127.0.0.1:${port}`,
    AUTH_SECRET: randomBytes(32).toString("base64"),
    DATABASE_URL: databaseUrl,
    TOCSIN_ENCRYPTION_KEY: encryptionKey,
    TOCSIN_ALLOWED_PRIVATE_CIDRS: `${RECEIVER_HOST}/32`,
    TOCSIN_JOB_CLOCK: "compressed",
    TOCSIN_JOB_TIME_SCALE: String(config.timeScale),
    // One timeline for every process of the run: a restarted app does not go back in job time.
    TOCSIN_JOB_CLOCK_ORIGIN: String(Date.now()),
    RESEND_API_KEY: "",
  };
  for (const name of ["INNGEST_EVENT_KEY", "INNGEST_DEV", "INNGEST_BASE_URL", "TOCSIN_DATA_DIR"]) delete env[name];
  const logDir = mkdtempSync(path.join(os.tmpdir(), "tocsin-faults-"));
  log(`the app's output: ${logDir}/app-<n>.log (kept when a promise is broken)`);
  const app = createAppProcess(env, port, logDir);
  cleanups.add(() => app.stop());
  log(`app started in ${(await app.start()).toFixed(1)} s on ${app.url}`);

  const deliveries = config.deliveries
    ? await runDeliveryFaults(
        handle,
        app,
        receiver,
        seed,
        { events: config.events, failureRate: config.failureRate, maxRetries: DEFAULT_MAX_RETRIES, pgRestart: config.pgRestart, drainTimeoutS: 300 },
        log,
      )
    : null;
  const ingest = config.ingest ? await runIngestFaults(handle, app, ingestSource, { events: config.ingests, kills: config.kills, clients: config.clients, fanOutTimeoutS: 180 }, log) : null;

  const summary: Summary = {
    config,
    machine: { cpus: os.cpus().length, loadAverage: os.loadavg() },
    deliveries,
    ingest,
    seconds: (performance.now() - started) / 1000,
    passed: (deliveries?.violations.length ?? 0) === 0 && (ingest?.violations.length ?? 0) === 0,
  };
  console.log(asJson ? JSON.stringify(summary, null, 2) : formatSummary(summary));
  if (summary.passed) cleanups.add(() => rmSync(logDir, { recursive: true, force: true }));
  return summary.passed;
}

exitAfter(main, cleanups);
