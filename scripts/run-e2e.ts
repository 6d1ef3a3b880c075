// `npm run test:e2e`: builds the app (unless E2E_SKIP_BUILD=1), gives it a fresh database —
// a new PGlite directory, or a new database on the PostgreSQL server of DATABASE_URL — and runs
// the Playwright specs in e2e/ against the production server (`npm start`), in Debian's Chromium.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { acquireCheckoutLock, checkoutLockDir } from "../bench/lock";
import { freePort } from "../bench/processes";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  const message = `Chromium not found at ${chromium}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`;
  if (process.env.CI) {
    console.error(`e2e: ${message}`);
    process.exit(1);
  }
  console.warn(`\n*** e2e SKIPPED: ${message} ***\n`);
  process.exit(0);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const result = spawnSync(command, args, { stdio: "inherit", env });
  return result.status ?? 1;
}

// One browser run at a time per checkout: two would rebuild the same .next under each other.
await acquireCheckoutLock(checkoutLockDir, (line) => console.error(`e2e: ${line}`));

if (process.env.E2E_SKIP_BUILD !== "1") {
  const status = run("npx", ["next", "build"]);
  if (status !== 0) process.exit(status);
}

const port = await freePort();
const env: NodeJS.ProcessEnv = {
  ...process.env,
  E2E_PORT: String(port),
  AUTH_URL: `http://localhost:${port}`,
  RESEND_API_KEY: "",
  NEXT_TELEMETRY_DISABLED: "1",
};
let cleanup: () => Promise<void>;

const serverUrl = process.env.DATABASE_URL;
if (serverUrl) {
  const name = `tocsin_e2e_${process.pid}_${Date.now()}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  env.DATABASE_URL = url.toString();
  env.AUTH_SECRET = "e2e-secret-for-a-throwaway-database-0123456789";
  env.TOCSIN_ENCRYPTION_KEY = "ZTJlLWtleS1mb3ItYS10aHJvd2F3YXktZGF0YWJhcyE=";
  // Jobs shared through PostgreSQL, as N instances without Inngest run them: every spec exercises
  // the shared queue, and e2e/two-instances.spec.ts starts a second instance beside this one and
  // reads both instances' job counters at /api/metrics.
  env.TOCSIN_JOB_QUEUE = "postgres";
  env.TOCSIN_METRICS_TOKEN = "e2e-metrics-token-for-a-throwaway-server";
  cleanup = async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  };
  console.log(`e2e: server mode, database ${name}`);
} else {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "tocsin-e2e-"));
  env.TOCSIN_DATA_DIR = dataDir;
  delete env.AUTH_SECRET;
  delete env.TOCSIN_ENCRYPTION_KEY;
  cleanup = async () => rmSync(dataDir, { recursive: true, force: true });
  console.log(`e2e: embedded mode, data in ${dataDir}`);
}

let status = 1;
try {
  status = run("npx", ["playwright", "test", ...process.argv.slice(2)], env);
} finally {
  await cleanup();
}
process.exit(status);
