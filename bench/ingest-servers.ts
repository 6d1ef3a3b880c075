// The two servers of the ingest benchmarks (bench/ingest.ts, bench/overload.ts), each on a fresh
// database with one generic source: the production server (`npm start`, inline runner, no
// Inngest) and the bare node:http baseline (bench/baseline-server.ts).
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, startChild, waitUntilReady, type Child } from "./processes";
import type { PhaseReport } from "./report";
import { createPostgresDatabase, dropPostgresDatabase, pgliteDir, seedPglite, type BenchSource } from "./setup";
import { startServerNodeArgs } from "@/server/http/start-server-args";

export type BenchDatabase = PhaseReport["database"];

/** Builds the app for `npm start` (`next build`), or with BENCH_SKIP_BUILD=1 checks that a build is there. */
export function buildUnlessSkipped(log: (line: string) => void): void {
  if (process.env.BENCH_SKIP_BUILD === "1") {
    if (!existsSync(path.resolve(".next/BUILD_ID"))) throw new Error("BENCH_SKIP_BUILD=1 but there is no .next build");
    log("BENCH_SKIP_BUILD=1: using the existing .next build");
    return;
  }
  log("npx next build");
  const build = spawnSync("npx", ["next", "build"], { stdio: ["ignore", 2, 2], env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (build.status !== 0) throw new Error(`next build failed (${build.status ?? build.signal})`);
}
/** One server under test: its process, its source's ingest URL and token, and where its data lives. */
export type IngestServer = { child: Child; url: string; token: string; sourceId: string; database: { kind: BenchDatabase; url: string | null; dir: string | null } };

function appEnv(port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    AUTH_URL: `http://127.0.0.1:${port}`,
    RESEND_API_KEY: "",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  // Jobs run on the inline runner, as in a default install: no Inngest server in this run.
  delete env.INNGEST_EVENT_KEY;
  delete env.INNGEST_DEV;
  delete env.INNGEST_BASE_URL;
  delete env.DATABASE_URL;
  delete env.TOCSIN_DATA_DIR;
  return env;
}

async function httpAnswers(url: string, expectOk: boolean): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  await response.arrayBuffer();
  return expectOk ? response.ok : true;
}

/**
 * Creates both databases (PostgreSQL: tocsin_bench_<pid>[_baseline] on `serverUrl`; PGlite: temporary
 * data dirs), starts both servers and waits until they answer. `onCleanup` receives what undoes
 * each step (dropping a database, removing a dir), to run after the servers are stopped.
 */
export async function startIngestServers(
  database: BenchDatabase,
  options: { serverUrl: string; onCleanup: (step: () => Promise<void> | void) => void; log: (line: string) => void },
): Promise<{ baseline: IngestServer; tocsin: IngestServer }> {
  const { serverUrl, onCleanup, log } = options;
  const label = `${process.pid}`;
  type Db = { env: Record<string, string>; source: BenchSource; describe: string; url: string | null; dir: string | null };
  let appDb: Db;
  let baseDb: Db;
  if (database === "postgres") {
    const appName = `tocsin_bench_${process.pid}`;
    const baseName = `tocsin_bench_${process.pid}_baseline`;
    onCleanup(() => dropPostgresDatabase(serverUrl, appName));
    const app = await createPostgresDatabase(serverUrl, appName, `app-${label}`);
    onCleanup(() => dropPostgresDatabase(serverUrl, baseName));
    const base = await createPostgresDatabase(serverUrl, baseName, `base-${label}`);
    appDb = {
      // Server mode requires the channel-secret key; a throwaway one suits a throwaway database.
      env: { DATABASE_URL: app.url, AUTH_SECRET: "bench-secret-for-a-throwaway-database-0123456789", TOCSIN_ENCRYPTION_KEY: randomBytes(32).toString("base64") },
      source: app.source,
      describe: appName,
      url: app.url,
      dir: null,
    };
    baseDb = { env: { BENCH_BASELINE_DATABASE_URL: base.url }, source: base.source, describe: baseName, url: base.url, dir: null };
  } else {
    const appDir = mkdtempSync(path.join(os.tmpdir(), "tocsin-bench-app-"));
    onCleanup(() => rmSync(appDir, { recursive: true, force: true }));
    const baseDir = mkdtempSync(path.join(os.tmpdir(), "tocsin-bench-baseline-"));
    onCleanup(() => rmSync(baseDir, { recursive: true, force: true }));
    const appSource = await seedPglite(pgliteDir(appDir), `app-${label}`);
    const baseSource = await seedPglite(baseDir, `base-${label}`);
    appDb = { env: { TOCSIN_DATA_DIR: appDir }, source: appSource, describe: appDir, url: null, dir: pgliteDir(appDir) };
    baseDb = { env: { BENCH_BASELINE_PGLITE_DIR: baseDir }, source: baseSource, describe: baseDir, url: null, dir: baseDir };
  }
  log(`${database}: app database ${appDb.describe}, baseline database ${baseDb.describe}`);

  const basePort = await freePort();
  const baseline = startChild("baseline", process.execPath, ["--import", "tsx", path.resolve("bench/baseline-server.ts")], {
    ...appEnv(basePort),
    ...baseDb.env,
  });
  const appPort = await freePort();
  // `npm start`, as a deployment runs it (without npm's own process in between).
  const app = startChild("tocsin (npm start)", process.execPath, startServerNodeArgs(path.resolve("server/http/start-server.ts")), {
    ...appEnv(appPort),
    TOCSIN_HOST: "127.0.0.1",
    ...appDb.env,
  });
  await waitUntilReady(baseline, () => httpAnswers(`http://127.0.0.1:${basePort}/`, false), 60_000);
  await waitUntilReady(app, () => httpAnswers(`http://127.0.0.1:${appPort}/api/health`, true), 120_000);
  log(`${database}: baseline on :${basePort} (pid ${baseline.process.pid}), tocsin on :${appPort} (pid ${app.process.pid})`);
  const server = (child: Child, port: number, db: Db): IngestServer => ({
    child,
    url: `http://127.0.0.1:${port}/api/ingest/${db.source.sourceId}`,
    token: db.source.token,
    sourceId: db.source.sourceId,
    database: { kind: database, url: db.url, dir: db.dir },
  });
  return { baseline: server(baseline, basePort, baseDb), tocsin: server(app, appPort, appDb) };
}
