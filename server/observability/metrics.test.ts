import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { seedWorkspace, type SeededWorkspace } from "@/server/api/test-helpers";
import { startTestReceiver, type TestReceiver } from "@/server/channels/test-receiver";
import type { DbHandle } from "@/server/db/client";
import { intakeSources, workspaces } from "@/server/db/schema";
import { handleIngestRequest } from "@/server/ingest/handle-ingest-request";
import { deliverNotification } from "@/server/jobs/functions/deliver-notification";
import { fanOutIngestedEvents } from "@/server/jobs/functions/fan-out-events";
import { setJobClock } from "@/server/jobs/job-clock";
import { startInlineRunner, stopInlineRunner } from "@/server/jobs/inline-runner";
import { createJobsTestDatabase, ManualClock } from "@/server/jobs/test-helpers";
import { answerMetricsRequest } from "./metrics-endpoint";

// GET /api/metrics: refused without the token, Prometheus text with it, and the counters follow
// what the ingest route and the delivery job actually did.
const TOKEN = "metrics-token-0123456789abcdef";

describe("/api/metrics", () => {
  let handle: DbHandle;
  let ws: SeededWorkspace;
  let receiver: TestReceiver;
  let source: { id: string; token: string };

  beforeAll(async () => {
    handle = await createJobsTestDatabase();
    ws = await seedWorkspace(handle.db, { slug: "metrics" });
    await handle.db.update(workspaces).set({ webhookChannelCap: 100 }).where(eq(workspaces.id, ws.workspace.id));
    const created = await ws.callers.admin.source.create({ workspaceSlug: ws.slug, communityId: ws.communities[0]!.id, name: "Generic", format: "generic" });
    source = { id: created.source.id, token: created.token };
    receiver = await startTestReceiver({ host: "127.0.0.1" });
  });
  afterAll(async () => {
    await receiver.close();
    await handle.close();
  });
  afterEach(async () => {
    await stopInlineRunner();
    setJobClock(undefined);
    vi.unstubAllEnvs();
  });

  function scrape(headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }, token = TOKEN) {
    return answerMetricsRequest(handle.db, new Request("http://localhost/api/metrics", { headers }), token);
  }

  /** The value of one sample in the exposition text (0 when absent). */
  async function sample(name: string, labels: Record<string, string> = {}): Promise<number> {
    const text = await (await scrape()).text();
    const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
    for (const line of text.split("\n")) {
      const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match || match[1] !== name) continue;
      const present = match[2] ? match[2].split(",") : [];
      if (wanted.every((label) => present.includes(label))) return Number(match[3]);
    }
    return 0;
  }

  function ingest(body: unknown, token = source.token) {
    return handleIngestRequest(
      handle.db,
      new Request("http://localhost/api/ingest", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) }),
      { sourceId: source.id },
    );
  }

  it("is off with a clear 404 unless TOCSIN_METRICS_TOKEN is set, and refuses a missing or wrong token", async () => {
    const off = await scrape({ authorization: `Bearer ${TOKEN}` }, "");
    expect(off.status).toBe(404);
    expect(await off.json()).toMatchObject({ error: { code: "metrics_disabled", message: expect.stringContaining("TOCSIN_METRICS_TOKEN") } });

    const missing = await scrape({});
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toContain("Bearer");
    expect(await missing.json()).toMatchObject({ error: { code: "missing_credentials" } });

    const wrong = await scrape({ authorization: "Bearer metrics-token-0123456789abcdeX" });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toMatchObject({ error: { code: "invalid_token" } });
    expect((await scrape({ authorization: `Basic ${TOKEN}` })).status).toBe(401);

    const weak = await scrape({ authorization: "Bearer short" }, "short");
    expect(weak.status).toBe(503);
  });

  it("answers Prometheus text with every named metric", async () => {
    const response = await scrape();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    for (const name of [
      "tocsin_ingest_events_total",
      "tocsin_ingest_refused_requests_total",
      "tocsin_ingest_request_duration_seconds",
      "tocsin_fan_out_lag_seconds",
      "tocsin_delivery_attempts_total",
      "tocsin_deliveries_pending",
      "tocsin_notification_batches_held",
      "tocsin_events_awaiting_fan_out",
      "tocsin_sources_silent",
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(text).toContain("tocsin_process_resident_memory_bytes");
  });

  it("counts ingested, duplicate and refused events, fan-out lag and delivery outcomes by channel kind", async () => {
    vi.stubEnv("TOCSIN_ALLOWED_PRIVATE_CIDRS", "127.0.0.1/32");
    const clock = new ManualClock(Date.now());
    setJobClock(clock);
    const runner = startInlineRunner({ functions: [fanOutIngestedEvents, deliverNotification], clock, logger: { info: vi.fn(), warn: vi.fn(), error: vi.fn() } });
    const hook = await ws.callers.analyst.channel.create({ workspaceSlug: ws.slug, kind: "webhook", name: "Metrics hook", url: `${receiver.url}/hook`, maxRetries: 3 });
    await ws.callers.analyst.rule.create({
      workspaceSlug: ws.slug,
      communityId: ws.communities[0]!.id,
      name: "Metrics rule",
      triggers: ["alert.metrics"],
      scope: "workspace",
      notifyInApp: true,
      channelIds: [hook.channel.id],
    });
    await runner.quiet();

    const before = {
      accepted: await sample("tocsin_ingest_events_total", { format: "generic", outcome: "accepted" }),
      duplicate: await sample("tocsin_ingest_events_total", { format: "generic", outcome: "duplicate" }),
      refused: await sample("tocsin_ingest_refused_requests_total", { format: "unknown", code: "malformed_token" }),
      invalid: await sample("tocsin_ingest_refused_requests_total", { format: "generic", code: "invalid_event" }),
      requests: await sample("tocsin_ingest_request_duration_seconds_count", { format: "generic" }),
      lag: await sample("tocsin_fan_out_lag_seconds_count"),
      delivered: await sample("tocsin_delivery_attempts_total", { kind: "webhook", outcome: "delivered" }),
      retry: await sample("tocsin_delivery_attempts_total", { kind: "webhook", outcome: "retry" }),
      pending: await sample("tocsin_deliveries_pending"),
      silent: await sample("tocsin_sources_silent"),
    };

    receiver.reply = () => ({ status: 200 });
    const first = { type: "alert.metrics", severity: "high", title: "Counted", externalId: "m-1" };
    expect((await ingest([first, { ...first, externalId: "m-2" }])).status).toBe(202);
    expect((await ingest([first])).status).toBe(202);
    expect((await ingest([first], "tcn_wrong")).status).toBeGreaterThanOrEqual(401);
    expect((await ingest([{ title: "no type" }])).status).toBe(400);
    await runner.quiet();

    expect(await sample("tocsin_ingest_events_total", { format: "generic", outcome: "accepted" })).toBe(before.accepted + 2);
    expect(await sample("tocsin_ingest_events_total", { format: "generic", outcome: "duplicate" })).toBe(before.duplicate + 1);
    expect(await sample("tocsin_ingest_refused_requests_total", { format: "unknown", code: "malformed_token" })).toBe(before.refused + 1);
    expect(await sample("tocsin_ingest_refused_requests_total", { format: "generic", code: "invalid_event" })).toBe(before.invalid + 1);
    expect(await sample("tocsin_ingest_request_duration_seconds_count", { format: "generic" })).toBe(before.requests + 3);
    expect(await sample("tocsin_fan_out_lag_seconds_count")).toBeGreaterThanOrEqual(before.lag + 2);
    expect(await sample("tocsin_delivery_attempts_total", { kind: "webhook", outcome: "delivered" })).toBe(before.delivered + 2);

    // A receiver failing with 503: a retry is counted, and the delivery waits in the queue.
    receiver.reply = () => ({ status: 503 });
    expect((await ingest([{ ...first, externalId: "m-3" }])).status).toBe(202);
    await runner.quiet();
    expect(await sample("tocsin_delivery_attempts_total", { kind: "webhook", outcome: "retry" })).toBe(before.retry + 1);
    expect(await sample("tocsin_deliveries_pending")).toBe(before.pending + 1);

    // Gauges are read from the database at scrape time.
    await handle.db.update(intakeSources).set({ silentSince: new Date() }).where(eq(intakeSources.id, source.id));
    expect(await sample("tocsin_sources_silent")).toBe(before.silent + 1);
  });
});
