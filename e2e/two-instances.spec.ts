import { spawn, type ChildProcess } from "node:child_process";
import { expect, test, type APIRequestContext } from "@playwright/test";
import postgres from "postgres";
import { createWorkspace } from "./helpers";
import { freePort } from "../bench/processes";
import { startServerNodeArgs } from "../server/http/start-server-args";

/*
 * Two instances, one PostgreSQL, jobs shared through it (TOCSIN_JOB_QUEUE=postgres, which
 * scripts/run-e2e.ts sets for the server-mode run). Instance A is the server Playwright started;
 * this spec starts instance B on another port with the same settings. Events are posted to both
 * in turn; each is fanned out exactly once, the bell of a user whose browser talks to B counts
 * every one live (wherever its fan-out ran), and the silence watcher fires once when both job
 * clocks move past the threshold.
 */

const MINUTE = 60_000;
const EVENTS = 20;

test.skip(!process.env.DATABASE_URL, "server mode only: two instances share one PostgreSQL database");
test.skip(process.env.TOCSIN_JOB_QUEUE !== "postgres", "the instances share jobs only with TOCSIN_JOB_QUEUE=postgres (set by npm run test:e2e in server mode)");

let instanceB: ChildProcess | undefined;
let originB = "";
const logB: string[] = [];

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const port = await freePort();
  originB = `http://localhost:${port}`;
  instanceB = spawn("node", startServerNodeArgs(), {
    env: { ...process.env, PORT: String(port), AUTH_URL: originB, TOCSIN_JOB_CLOCK: "adjustable" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [instanceB.stdout!, instanceB.stderr!]) stream.on("data", (chunk: Buffer) => logB.push(chunk.toString()));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (instanceB.exitCode !== null) throw new Error(`instance B exited with ${instanceB.exitCode}:\n${logB.join("")}`);
    const health = await fetch(`${originB}/api/health`).catch(() => null);
    if (health?.ok) break;
    if (Date.now() > deadline) throw new Error(`instance B did not answer /api/health in 90 s:\n${logB.join("")}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
});

test.afterAll(async () => {
  const child = instanceB;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  if (child.exitCode === null) child.kill("SIGKILL");
});

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach("instance-b.log", { body: logB.join(""), contentType: "text/plain" });
});

/** This instance's counters from /api/metrics, keyed by `name{labels}`. */
async function readMetrics(request: APIRequestContext, origin: string): Promise<Map<string, number>> {
  const response = await request.get(`${origin}/api/metrics`, { headers: { authorization: `Bearer ${process.env.TOCSIN_METRICS_TOKEN}` } });
  expect(response.status()).toBe(200);
  const values = new Map<string, number>();
  for (const line of (await response.text()).split("\n")) {
    const match = /^(tocsin_job_[a-z_]+\{[^}]*\}) (\S+)$/.exec(line);
    if (match) values.set(match[1]!, Number(match[2]));
  }
  return values;
}

const fanOutRuns = 'tocsin_job_runs_total{function="fan-out-events",outcome="completed"}';
const fanOutsHandedOver = 'tocsin_job_events_handed_over_total{event="tocsin/events.ingested"}';
const watcherRuns = (outcome: string) => `tocsin_job_runs_total{function="watch-intake-silence",outcome="${outcome}"}`;

test("two instances on one database: events posted to both fan out once, the bell on B counts them live, the silence watcher fires once", async ({ browser, request, baseURL }) => {
  test.setTimeout(150_000);
  const originA = new URL(baseURL!).origin;
  const sql = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  try {
    // Both job clocks at the same time: A's has been moved on by earlier specs.
    const clockA = (await (await request.get(`${originA}/api/test-clock`)).json()) as { offsetMs: number };
    if (clockA.offsetMs > 0) expect((await request.post(`${originB}/api/test-clock`, { data: { advanceMs: clockA.offsetMs } })).status()).toBe(200);

    // The member's browser talks to instance B only.
    const context = await browser.newContext({ baseURL: originB });
    const page = await context.newPage();
    const slug = await createWorkspace(page, "Two Instances Inc", "instances");

    // A source that goes silent after 15 minutes, and a rule on alerts and on silence, to the inbox.
    await page.goto(`/w/${slug}/sources`);
    await page.getByRole("button", { name: "New source" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill("Shared scanner");
    await dialog.getByLabel("Silence threshold", { exact: true }).selectOption({ label: "15 min" });
    await dialog.getByRole("button", { name: "Create source" }).click();
    const token = await dialog.getByLabel("Token", { exact: true }).inputValue();
    const ingestPath = new URL(await dialog.getByLabel("Ingest URL", { exact: true }).inputValue()).pathname;
    await dialog.getByRole("button", { name: "I have copied the token" }).click();

    await page.goto(`/w/${slug}/rules/new`);
    await page.getByLabel("Name", { exact: true }).fill("Alerts and silence");
    for (const pattern of ["alert.*", "intake.silent"]) {
      await page.getByLabel("Type or pattern").fill(pattern);
      await page.getByRole("button", { name: "Add", exact: true }).click();
    }
    await expect(page.getByTestId("rule-trigger")).toHaveCount(2);
    await expect(page.getByRole("checkbox", { name: /In-app inbox/ })).toBeChecked();
    await page.getByRole("button", { name: "Create rule" }).click();
    await expect(page).toHaveURL(new RegExp(`/w/${slug}/rules$`));

    const bell = page.getByTestId("notification-bell");
    await expect(bell).toHaveAccessibleName("Notifications: 0 unread");
    await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
    const before = { a: await readMetrics(request, originA), b: await readMetrics(request, originB) };

    // Events posted to A and B in turn, each with its own marker.
    const marker = `two-instances-${Date.now().toString(36)}`;
    for (let n = 0; n < EVENTS; n++) {
      const origin = n % 2 === 0 ? originA : originB;
      const response = await fetch(`${origin}${ingestPath}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ type: "alert.created", severity: "high", title: `${marker} #${n}`, externalId: `${marker}-${n}` }),
      });
      expect(response.status).toBe(202);
    }

    // B's bell counts every one live, whichever instance wrote its notification.
    await expect(bell).toHaveAccessibleName(`Notifications: ${EVENTS} unread`, { timeout: 20_000 });

    // Exactly once: one inbox entry per event, every fan-out job event run once across the two.
    const entries = await sql<{ title: string; n: number }[]>`
      select e.title, count(n.id)::int as n from events e left join notifications n on n.event_id = e.id
      where e.title like ${marker + " #%"} group by e.title`;
    expect(entries).toHaveLength(EVENTS);
    expect(entries.every((entry) => entry.n === 1)).toBe(true);
    const delta = (after: Map<string, number>, start: Map<string, number>, key: string) => (after.get(key) ?? 0) - (start.get(key) ?? 0);
    let runs = { a: 0, b: 0, handedOver: 0 };
    await expect
      .poll(async () => {
        const after = { a: await readMetrics(request, originA), b: await readMetrics(request, originB) };
        runs = {
          a: delta(after.a, before.a, fanOutRuns),
          b: delta(after.b, before.b, fanOutRuns),
          handedOver: delta(after.a, before.a, fanOutsHandedOver) + delta(after.b, before.b, fanOutsHandedOver),
        };
        return runs.a + runs.b === runs.handedOver && runs.handedOver > 0;
      })
      .toBe(true);
    expect((await sql<{ n: number }[]>`select count(*)::int as n from job_queue`)[0]!.n).toBe(0);
    console.log(`two instances: ${EVENTS} events posted (${EVENTS / 2} to each), ${runs.handedOver} fan-out job events, runs on A ${runs.a}, on B ${runs.b}`);

    // 16 minutes pass on both job clocks: one instance wins the watcher's tick, one intake.silent is raised.
    for (const origin of [originA, originB]) {
      const advanced = await request.post(`${origin}/api/test-clock`, { data: { advanceMs: 16 * MINUTE } });
      expect(advanced.status()).toBe(200);
    }
    await expect(bell).toHaveAccessibleName(`Notifications: ${EVENTS + 1} unread`, { timeout: 20_000 });
    const silent = await sql<{ n: number }[]>`
      select count(*)::int as n from events e join intake_sources s on e.data->>'sourceId' = s.id::text
      where s.name = 'Shared scanner' and e.type = 'intake.silent' and e.workspace_id = s.workspace_id
        and s.workspace_id = (select id from workspaces where slug = ${slug})`;
    expect(silent[0]!.n).toBe(1);

    // Every watcher tick claimed so far (the real minutes of this run and the moved ones) ran on exactly one instance.
    let watcher = { ran: 0, ticks: 0 };
    await expect
      .poll(async () => {
        const [a, b] = [await readMetrics(request, originA), await readMetrics(request, originB)];
        const ran = ["completed", "failed"].reduce((sum, outcome) => sum + (a.get(watcherRuns(outcome)) ?? 0) + (b.get(watcherRuns(outcome)) ?? 0), 0);
        const [ticks] = await sql<{ n: number }[]>`select count(*)::int as n from job_cron_ticks where function_id = 'watch-intake-silence'`;
        watcher = { ran, ticks: ticks!.n };
        return watcher.ran - watcher.ticks;
      })
      .toBe(0);
    console.log(`two instances: silence watcher ticks claimed ${watcher.ticks}, runs on both ${watcher.ran}`);

    // The page never reloaded.
    expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
    await context.close();
  } finally {
    await sql.end({ timeout: 5 });
  }
});
