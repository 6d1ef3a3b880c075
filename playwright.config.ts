import { defineConfig } from "@playwright/test";
import { startServerNodeArgs } from "./server/http/start-server-args";

// Started through `npm run test:e2e` (scripts/run-e2e.ts), which prepares a fresh database and
// passes E2E_PORT; Debian's Chromium is used because no browser can be downloaded here.
const port = Number(process.env.E2E_PORT ?? 3100);
// "localhost", not 127.0.0.1: Next normalises loopback addresses to localhost in request URLs,
// and Auth.js builds its redirects from them, so cookies must live on the same name.
const baseURL = `http://localhost:${port}`;

export default defineConfig({
  testDir: "e2e",
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["json", { outputFile: `.test-reports/e2e-${process.env.DATABASE_URL ? "server" : "embedded"}.json` }]],
  outputDir: "test-results",
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: {
    // The production server as `npm start` runs it (Next behind the ingest fast path).
    command: `node ${startServerNodeArgs().join(" ")}`,
    // e2e/channels-deliveries.spec.ts delivers to a receiver it starts on 127.0.0.2: this server
    // (and only this one) may connect there. e2e/intake-silence.spec.ts lets time pass for the
    // job layer through POST /api/test-clock, which exists only with TOCSIN_JOB_CLOCK=adjustable.
    env: { ...(process.env as Record<string, string>), PORT: String(port), TOCSIN_ALLOWED_PRIVATE_CIDRS: "127.0.0.2/32", TOCSIN_JOB_CLOCK: "adjustable" },
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
  },
});
