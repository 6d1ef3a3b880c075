import { randomUUID } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { Inngest } from "inngest";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { seedWorkspace, type SeededWorkspace } from "@/server/api/test-helpers";
import type { DbHandle } from "@/server/db/client";
import { events } from "@/server/db/schema";
import { handleIngestRequest } from "@/server/ingest/handle-ingest-request";
import { captureLogs } from "@/server/observability/capture-logs";
import { eventsIngested } from "./client";
import { fanOutIngestedEvents } from "./functions/fan-out-events";
import { sweepUnrequestedFanOuts } from "./functions/sweep-unrequested-fan-outs";
import { startInlineRunner, stopInlineRunner } from "./inline-runner";
import { fanOutEvents, isJobRunnerBehind, MAX_INLINE_RUNNER_BACKLOG, requestFanOut } from "./request-fan-out";
import { createJobsTestDatabase, ManualClock } from "./test-helpers";

// Stands in for the fan-out function of the next issue: records what it is asked to fan out.
const probe = new Inngest({ id: "fan-out-probe" });
const requested: { workspaceId: string; eventIds: string[] }[] = [];
const recordFanOut = probe.createFunction({ id: "record-fan-out", triggers: [eventsIngested] }, async ({ event }) => {
  requested.push(event.data);
});

describe("fan-out requests after ingest", () => {
  let handle: DbHandle;
  let ws: SeededWorkspace;
  let counter = 0;

  beforeAll(async () => {
    handle = await createJobsTestDatabase();
    ws = await seedWorkspace(handle.db, { slug: "fan-out" });
  });
  afterAll(() => handle.close());
  afterEach(async () => {
    await stopInlineRunner();
    requested.length = 0;
    vi.restoreAllMocks();
  });

  async function newSource() {
    const created = await ws.callers.admin.source.create({ workspaceSlug: ws.slug, communityId: ws.communities[0]!.id, name: `Fan-out ${++counter}`, format: "generic" });
    return { id: created.source.id, token: created.token };
  }

  async function post(source: { id: string; token: string }, body: unknown, headers: Record<string, string> = {}) {
    const request = new Request("http://localhost/api/ingest/x", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${source.token}`, ...headers },
      body: JSON.stringify(body),
    });
    const response = await handleIngestRequest(handle.db, request, { sourceId: source.id });
    return { status: response.status, body: (await response.json()) as { accepted: number; duplicates: number; ids: string[] } };
  }

  const fannedOut = async (ids: string[]) => {
    const rows = await handle.db.select({ id: events.id, fannedOutAt: events.fannedOutAt }).from(events).where(inArray(events.id, ids));
    return rows.filter((row) => row.fannedOutAt !== null).length;
  };
  const event = (externalId: string) => ({ type: "alert.created", severity: "high", title: `Alert ${externalId}`, externalId });

  it("sends tocsin/events.ingested for the newly accepted events only", async () => {
    // The source first: creating it raises an audit event, whose fan-out request is not the subject here.
    const source = await newSource();
    const runner = startInlineRunner({ functions: [recordFanOut], logger: { info: vi.fn(), warn: vi.fn(), error: vi.fn() } });

    const first = await post(source, [event("a"), event("b")]);
    expect(first).toMatchObject({ status: 202, body: { accepted: 2, duplicates: 0 } });
    await runner.quiet();
    expect(requested).toEqual([{ workspaceId: ws.workspace.id, eventIds: first.body.ids }]);

    // A repeat of "b" is a duplicate: only "c" is new.
    const second = await post(source, [event("b"), event("c")]);
    expect(second.body).toMatchObject({ accepted: 1, duplicates: 1 });
    await runner.quiet();
    expect(requested[1]).toEqual({ workspaceId: ws.workspace.id, eventIds: [second.body.ids[1]] });

    // An Idempotency-Key replay stores nothing and asks for nothing.
    await post(source, [event("d")], { "idempotency-key": "k-1" });
    await post(source, [event("d")], { "idempotency-key": "k-1" });
    await runner.quiet();
    expect(requested).toHaveLength(3);
  });

  it("answers 202 when the send fails, leaving the events for the sweeper, which resends them", async () => {
    // No runner in this process: as if it had died between the commit and the send.
    const logs = captureLogs("warn");
    const source = await newSource();
    const lost = await post(source, [event("lost-1"), event("lost-2")]);
    await post(source, [event("lost-3")]);
    logs.stop();
    expect(lost).toMatchObject({ status: 202, body: { accepted: 2 } });
    expect(await fannedOut(lost.body.ids)).toBe(0);
    // Said once per process, not per request.
    expect(logs.lines.filter((line) => line.msg?.includes("left for the fan-out sweeper")).length).toBeLessThanOrEqual(1);

    // Later, in a process with a runner: the sweeper's next minute finds them once they are 30 s old.
    await handle.db.update(events).set({ receivedAt: new Date(Date.now() - 60_000) }).where(inArray(events.id, lost.body.ids));
    const clock = new ManualClock(Date.now());
    const runner = startInlineRunner({ functions: [sweepUnrequestedFanOuts, recordFanOut], clock, logger: { info: vi.fn(), warn: vi.fn(), error: vi.fn() } });
    clock.advance(clock.nextTimerIn()!);
    await runner.quiet();
    expect(requested).toEqual([{ workspaceId: ws.workspace.id, eventIds: expect.arrayContaining(lost.body.ids) }]);
    // Leased: the next minute does not send them again (the probe here does not mark them done).
    clock.advance(clock.nextTimerIn()!);
    await runner.quiet();
    expect(requested).toHaveLength(1);
  });

  it("a fan-out lost with its process is sent again by the sweeper until a run marks the events fanned out", async () => {
    const quietLogger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const source = await newSource();
    // The first process takes the request and dies before its fan-out ran (the probe does nothing).
    let runner = startInlineRunner({ functions: [recordFanOut], logger: quietLogger });
    const posted = await post(source, [event("crash-1"), event("crash-2")]);
    await runner.quiet();
    await stopInlineRunner();
    expect(requested).toHaveLength(1);
    expect(await fannedOut(posted.body.ids)).toBe(0);

    // The next process: its sweeper finds them once 30 s old, and the fan-out marks them.
    await handle.db.update(events).set({ receivedAt: new Date(Date.now() - 60_000) }).where(inArray(events.id, posted.body.ids));
    const clock = new ManualClock(Date.now());
    runner = startInlineRunner({ functions: [sweepUnrequestedFanOuts, fanOutIngestedEvents, recordFanOut], clock, logger: quietLogger });
    const requestsOf = (from: number) => requested.slice(from).flatMap((r) => r.eventIds).filter((id) => posted.body.ids.includes(id));
    clock.advance(clock.nextTimerIn()!);
    await runner.quiet();
    expect(requestsOf(1).sort()).toEqual([...posted.body.ids].sort());
    expect(await fannedOut(posted.body.ids)).toBe(2);

    // Done: even with their lease long expired, no later minute sends them again.
    await handle.db.update(events).set({ fanOutResentAt: new Date(Date.now() - 3_600_000) }).where(inArray(events.id, posted.body.ids));
    const sweptBefore = requested.length;
    clock.advance(clock.nextTimerIn()!);
    await runner.quiet();
    expect(requestsOf(sweptBefore)).toEqual([]);
  });

  it("logs a failed send and reports it, without throwing", async () => {
    const logs = captureLogs("error");
    const runner = startInlineRunner({ functions: [recordFanOut] });
    vi.spyOn(runner, "handOver").mockRejectedValue(new Error("queue full"));
    const workspaceId = ws.workspace.id;
    const [row] = await handle.db
      .insert(events)
      .values({ workspaceId, type: "alert.created", severity: "info", title: "x", occurredAt: new Date(), origin: "ingest" })
      .returning({ id: events.id });
    expect(await requestFanOut(workspaceId, [row!.id])).toBe(false);
    logs.stop();
    expect(logs.lines).toContainEqual(
      expect.objectContaining({ module: "jobs", workspaceId, msg: expect.stringContaining("fan-out request for 1 event(s)"), err: expect.objectContaining({ message: "queue full" }) }),
    );
    const [stored] = await handle.db.select({ fannedOutAt: events.fannedOutAt }).from(events).where(eq(events.id, row!.id));
    expect(stored!.fannedOutAt).toBeNull();
  });

  it("leaves the events to the sweeper while the inline runner has too many runs waiting", async () => {
    // A runner that cannot keep up: one run at a time, the first holding its slot until released.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const holdFanOut = probe.createFunction({ id: "hold-fan-out", triggers: [eventsIngested] }, () => held);
    const runner = startInlineRunner({ functions: [holdFanOut], maxConcurrentRuns: 1, logger: { info: vi.fn(), warn: vi.fn(), error: vi.fn() } });
    const workspaceId = ws.workspace.id;
    runner.send(Array.from({ length: MAX_INLINE_RUNNER_BACKLOG + 1 }, () => fanOutEvents(workspaceId, [randomUUID()])[0]!));
    await new Promise((resolve) => setImmediate(resolve));
    expect(runner.backlog()).toBe(MAX_INLINE_RUNNER_BACKLOG);
    expect(isJobRunnerBehind(runner)).toBe(true);

    const [row] = await handle.db
      .insert(events)
      .values({ workspaceId, type: "alert.created", severity: "info", title: "while behind", occurredAt: new Date(), origin: "ingest" })
      .returning({ id: events.id });
    const logs = captureLogs("warn");
    expect(await requestFanOut(workspaceId, [row!.id])).toBe(false);
    logs.stop();
    expect(logs.lines).toContainEqual(expect.objectContaining({ module: "jobs", msg: expect.stringContaining("left to the fan-out sweeper") }));
    expect(await fannedOut([row!.id])).toBe(0);
    expect(runner.backlog()).toBe(MAX_INLINE_RUNNER_BACKLOG);

    // Caught up: handed over again.
    release();
    await runner.quiet();
    expect(isJobRunnerBehind(runner)).toBe(false);
    expect(await requestFanOut(workspaceId, [row!.id])).toBe(true);
  });

  it("splits large sets into job events of at most 500 ids", () => {
    const ids = Array.from({ length: 1001 }, (_, i) => `id-${i}`);
    expect(fanOutEvents("w", ids).map((e) => e.data.eventIds.length)).toEqual([500, 500, 1]);
  });
});
