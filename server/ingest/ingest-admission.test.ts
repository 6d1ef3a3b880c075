import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedWorkspace, type SeededWorkspace } from "@/server/api/test-helpers";
import type { DbHandle } from "@/server/db/client";
import { events } from "@/server/db/schema";
import { createTestDatabase } from "@/server/db/test-database";
import { answerIngestRequest } from "./handle-ingest-request";
import {
  DEFAULT_MAX_INGEST_IN_FLIGHT,
  DEFAULT_MAX_INGEST_LOOP_DELAY_MS,
  DEFAULT_MAX_INGEST_WAITING,
  IngestAdmission,
  LoopDelayMonitor,
  OVERLOADED_RETRY_AFTER_SECONDS,
  readMaxIngestInFlight,
  readMaxIngestLoopDelayMs,
  readMaxIngestWaiting,
  turnOf,
} from "./ingest-admission";
import { MAX_BODY_BYTES, type BodySource } from "./read-body";

describe("IngestAdmission", () => {
  it("admits up to its ceiling, then refuses with 429 overloaded and Retry-After until a slot is released", () => {
    const admission = new IngestAdmission(2);
    const first = admission.enter();
    const second = admission.enter();
    expect(first.admitted && second.admitted).toBe(true);
    const refused = admission.enter();
    expect(refused.admitted).toBe(false);
    if (refused.admitted) return;
    expect(refused.refusal.toAnswer()).toEqual({
      status: 429,
      headers: { "retry-after": String(OVERLOADED_RETRY_AFTER_SECONDS) },
      body: { error: { code: "overloaded", message: expect.stringContaining("retry after"), details: { limit: "in_flight", maxInFlight: 2, maxWaiting: 0, retryAfterSeconds: OVERLOADED_RETRY_AFTER_SECONDS } } },
    });
    if (first.admitted !== true) return;
    first.release();
    // Releasing twice frees one slot, not two.
    first.release();
    expect(admission.current).toBe(1);
    expect(admission.enter().admitted).toBe(true);
    expect(admission.enter().admitted).toBe(false);
  });

  it("lines up requests past its ceiling, first come first served, refusing beyond the line or after the longest wait", async () => {
    const admission = new IngestAdmission(1, null, 2, 50);
    const first = admission.enter();
    const second = admission.enter();
    const third = admission.enter();
    expect(first.admitted).toBe(true);
    expect([second.admitted, third.admitted]).toEqual(["waiting", "waiting"]);
    expect(admission.queued).toBe(2);
    // The line is full: refused at once.
    const fourth = admission.enter();
    expect(fourth.admitted).toBe(false);
    if (fourth.admitted === false) expect(fourth.refusal.toAnswer()).toMatchObject({ status: 429, body: { error: { code: "overloaded", details: { limit: "in_flight", maxInFlight: 1, maxWaiting: 2 } } } });

    // A release hands the slot to the first in line, not to a newcomer.
    if (first.admitted !== true) return;
    first.release();
    if (second.admitted !== "waiting" || third.admitted !== "waiting") return;
    const secondTurn = await second.turn;
    expect(secondTurn.admitted).toBe(true);
    expect(admission.current).toBe(1);
    expect(admission.queued).toBe(1);
    // The third waits past the longest wait: refused, and out of the line.
    const thirdTurn = await third.turn;
    expect(thirdTurn.admitted).toBe(false);
    expect(admission.queued).toBe(0);
    if (secondTurn.admitted === true) secondTurn.release();
    expect(admission.current).toBe(0);
  });

  it("lets a waiting request leave the line, and leaving changes nothing once its turn has come", async () => {
    const admission = new IngestAdmission(1, null, 2, 10_000);
    const first = admission.enter();
    const second = admission.enter();
    const third = admission.enter();
    if (first.admitted !== true || second.admitted !== "waiting" || third.admitted !== "waiting") throw new Error("expected one slot and two waiting");
    second.leave();
    expect(await second.turn).toMatchObject({ admitted: false });
    expect(admission.queued).toBe(1);
    // The slot goes to the third, who stayed.
    first.release();
    const thirdTurn = await third.turn;
    expect(thirdTurn.admitted).toBe(true);
    third.leave();
    second.leave();
    expect(admission.current).toBe(1);
    if (thirdTurn.admitted === true) thirdTurn.release();
    expect([admission.current, admission.queued]).toEqual([0, 0]);
  });

  it("waits for a turn unless the work done meanwhile fails first: the request then leaves the line with that failure", async () => {
    const admission = new IngestAdmission(1, null, 1, 10_000);
    const first = admission.enter();
    const waiting = admission.enter();
    if (first.admitted !== true || waiting.admitted !== "waiting") throw new Error("expected one slot and one waiting");
    await expect(turnOf(waiting, Promise.reject(new Error("body too large")))).rejects.toThrow("body too large");
    expect(admission.queued).toBe(0);
    // Work that succeeds leaves the request in line until its turn.
    const next = admission.enter();
    if (next.admitted !== "waiting") throw new Error("expected a place in line");
    const turn = turnOf(next, Promise.resolve());
    first.release();
    const admitted = await turn;
    expect(admitted.admitted).toBe(true);
    if (admitted.admitted === true) admitted.release();
    expect(admission.current).toBe(0);
  });

  it("refuses while the event loop runs late past its bound, and admits again once it is back", () => {
    let delay = 0;
    const admission = new IngestAdmission(100, { maxDelayMs: 50, monitor: { delayMs: () => delay } });
    delay = 50;
    const onTime = admission.enter();
    expect(onTime.admitted).toBe(true);
    delay = 51;
    const late = admission.enter();
    expect(late.admitted).toBe(false);
    if (!late.admitted) expect(late.refusal.toAnswer()).toMatchObject({ status: 429, body: { error: { code: "overloaded", details: { limit: "event_loop_delay", maxLoopDelayMs: 50 } } } });
    delay = 0;
    expect(admission.enter().admitted).toBe(true);
  });

  it("measures the loop's delay as the time since its timer last fired, less the timer's period", () => {
    let now = 1_000;
    const monitor = new LoopDelayMonitor(() => now);
    now += 5;
    expect(monitor.delayMs()).toBe(0);
    now += 75;
    expect(monitor.delayMs()).toBe(70);
  });

  it("reads its settings from the environment, refusing what is not a positive integer", () => {
    expect(readMaxIngestInFlight(undefined)).toBe(DEFAULT_MAX_INGEST_IN_FLIGHT);
    expect(readMaxIngestInFlight(" ")).toBe(DEFAULT_MAX_INGEST_IN_FLIGHT);
    expect(readMaxIngestInFlight("200")).toBe(200);
    expect(readMaxIngestLoopDelayMs(undefined)).toBe(DEFAULT_MAX_INGEST_LOOP_DELAY_MS);
    expect(readMaxIngestLoopDelayMs("120")).toBe(120);
    expect(readMaxIngestWaiting(undefined)).toBe(DEFAULT_MAX_INGEST_WAITING);
    expect(readMaxIngestWaiting("0")).toBe(0);
    expect(() => readMaxIngestWaiting("-1")).toThrow(/TOCSIN_INGEST_MAX_WAITING/);
    for (const bad of ["0", "-3", "1.5", "lots"]) {
      expect(() => readMaxIngestInFlight(bad)).toThrow(/TOCSIN_INGEST_MAX_IN_FLIGHT/);
      expect(() => readMaxIngestLoopDelayMs(bad)).toThrow(/TOCSIN_INGEST_MAX_LOOP_DELAY_MS/);
    }
  });
});

describe("the ingest endpoint under its admission ceiling", () => {
  let handle: DbHandle;
  let ws: SeededWorkspace;
  let source: { id: string; token: string };

  beforeAll(async () => {
    handle = await createTestDatabase();
    ws = await seedWorkspace(handle.db, { slug: "ingest-admission" });
    const created = await ws.callers.admin.source.create({ workspaceSlug: ws.slug, communityId: ws.communities[0]!.id, name: "Admission", format: "generic" });
    source = { id: created.source.id, token: created.token };
  });
  afterAll(() => handle.close());

  /** A request whose body records whether anything read it. */
  function request(body: string, headers: Record<string, string> = {}) {
    const read = { started: false };
    const all: Record<string, string> = { authorization: `Bearer ${source.token}`, "content-type": "application/json", ...headers };
    const source_: BodySource = {
      header: (name) => all[name] ?? null,
      body: (async function* () {
        read.started = true;
        yield new TextEncoder().encode(body);
      })(),
    };
    return { source: source_, read };
  }
  const event = (title: string) => JSON.stringify({ type: "alert.created", severity: "high", title });
  const stored = async (title: string) => (await handle.db.select().from(events).where(eq(events.title, title))).length;

  it("refuses with 429 overloaded while every slot is taken, without reading the body or storing anything", async () => {
    const admission = new IngestAdmission(1);
    const held = admission.enter();
    const { source: body, read } = request(event("refused while full"));
    const answer = await answerIngestRequest(handle.db, body, { sourceId: source.id }, { admission });
    expect(answer).toMatchObject({ status: 429, headers: { "retry-after": "1" }, body: { error: { code: "overloaded" } } });
    expect(read.started).toBe(false);
    expect(await stored("refused while full")).toBe(0);

    // Once the slot is free, the same request goes through.
    if (held.admitted === true) held.release();
    const again = request(event("admitted once free"));
    expect(await answerIngestRequest(handle.db, again.source, { sourceId: source.id }, { admission })).toMatchObject({ status: 202, body: { accepted: 1 } });
    expect(await stored("admitted once free")).toBe(1);
    expect(admission.current).toBe(0);
  });

  it("frees the slot whatever the outcome: refusals, bad input and accepted requests alike", async () => {
    const admission = new IngestAdmission(1);
    const answers = [
      await answerIngestRequest(handle.db, request("{not json").source, { sourceId: source.id }, { admission }),
      await answerIngestRequest(handle.db, request(event("x"), { authorization: "Bearer tcn_wrong" }).source, { sourceId: source.id }, { admission }),
      await answerIngestRequest(handle.db, request(event("slot freed")).source, { sourceId: source.id }, { admission }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([400, 401, 202]);
    expect(admission.current).toBe(0);
  });

  it("holds a slot only while a request is answered: concurrent requests beyond the ceiling get 429, never a 5xx", async () => {
    const admission = new IngestAdmission(3);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => answerIngestRequest(handle.db, request(event(`burst ${i}`)).source, { sourceId: source.id }, { admission })),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 202)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(9);
    expect(admission.current).toBe(0);
  });

  it("reads the body of a request waiting in line: an oversize one is refused with 413 at once, leaving the line; a small one is stored when its turn comes", async () => {
    const admission = new IngestAdmission(1, null, 4, 10_000);
    const held = admission.enter();
    if (held.admitted !== true) throw new Error("expected the slot");
    // Unannounced length (chunked): only reading it shows it is too large.
    const oversize: BodySource = {
      header: (name) => ({ authorization: `Bearer ${source.token}`, "content-type": "application/json" })[name] ?? null,
      body: (async function* () {
        for (let sent = 0; sent <= MAX_BODY_BYTES; sent += 64 * 1024) yield new Uint8Array(64 * 1024).fill(0x20);
      })(),
    };
    expect(await answerIngestRequest(handle.db, oversize, { sourceId: source.id }, { admission })).toMatchObject({ status: 413, body: { error: { code: "body_too_large" } } });
    expect(admission.queued).toBe(0);

    const small = request(event("read while waiting"));
    const answer = answerIngestRequest(handle.db, small.source, { sourceId: source.id }, { admission });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(small.read.started).toBe(true);
    expect(await stored("read while waiting")).toBe(0);
    held.release();
    expect(await answer).toMatchObject({ status: 202, body: { accepted: 1 } });
    expect(await stored("read while waiting")).toBe(1);
    expect([admission.current, admission.queued]).toEqual([0, 0]);
  });

  it("refuses an announced oversize body with 413 even when overloaded, before anything else", async () => {
    const admission = new IngestAdmission(1);
    admission.enter();
    const { source: body, read } = request(event("too big"), { "content-length": String(MAX_BODY_BYTES + 1), authorization: "Bearer tcn_wrong" });
    expect(await answerIngestRequest(handle.db, body, { sourceId: source.id }, { admission })).toMatchObject({ status: 413, body: { error: { code: "body_too_large" } } });
    expect(read.started).toBe(false);
  });
});
