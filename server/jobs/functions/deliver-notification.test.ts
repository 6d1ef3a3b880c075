import { InngestTestEngine } from "@inngest/test";
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { seedWorkspace, type SeededWorkspace } from "@/server/api/test-helpers";
import { startTestReceiver, type ReceiverReply, type TestReceiver } from "@/server/channels/test-receiver";
import type { DbHandle } from "@/server/db/client";
import { channels, deliveries, deliveryAttempts, events, mailOutbox, notifications, workspaces } from "@/server/db/schema";
import { attemptDelivery } from "@/server/deliveries/attempt-delivery";
import { writeFanOut } from "@/server/fan-out/write-fan-out";
import { insertEvents } from "@/server/events/test-events";
import { InlineRunner } from "../inline-runner";
import { setJobClock } from "../job-clock";
import { createJobsTestDatabase, ManualClock } from "../test-helpers";
import { deliverNotification } from "./deliver-notification";
import { fanOutIngestedEvents } from "./fan-out-events";
import { sweepPendingDeliveries } from "./sweep-pending-deliveries";

// The delivery job end to end: the fan-out writes deliveries, the job attempts them against local
// receivers, retries on the schedule (time moved by hand), and the channel's health follows.

const silentLogger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

describe("deliver-notification", () => {
  let handle: DbHandle;
  let ws: SeededWorkspace;
  let receiver: TestReceiver;
  let clock: ManualClock;
  let runner: InlineRunner;
  let replies: ReceiverReply[];
  let ruleCounter = 0;
  /** Each test's own event type, so that one test's rules never match another's events. */
  let type = "";

  beforeAll(async () => {
    handle = await createJobsTestDatabase();
    ws = await seedWorkspace(handle.db, { slug: "deliver", mode: "multi", communityNames: ["Alpha"] });
    await handle.db.update(workspaces).set({ webhookChannelCap: 100 }).where(eq(workspaces.id, ws.workspace.id));
    receiver = await startTestReceiver({ host: "127.0.0.1" });
  });
  afterAll(async () => {
    await receiver.close();
    await handle.close();
  });

  beforeEach(() => {
    vi.stubEnv("TOCSIN_ALLOWED_PRIVATE_CIDRS", "127.0.0.1/32");
    vi.stubEnv("RESEND_API_KEY", "");
    clock = new ManualClock(Date.now());
    setJobClock(clock);
    runner = new InlineRunner({ functions: [fanOutIngestedEvents, deliverNotification, sweepPendingDeliveries], clock, logger: silentLogger, maxConcurrentRuns: 20 });
    replies = [];
    type = `alert.case_${++ruleCounter}`;
    receiver.requests.length = 0;
    // Answers in turn from `replies`, then 200.
    receiver.reply = (_request, index) => replies[index] ?? { status: 200 };
  });
  afterEach(async () => {
    await runner.stop();
    setJobClock(undefined);
    vi.unstubAllEnvs();
  });

  /** Lets queued runs finish, then moves the clock to each pending timer in turn (up to `untilMs`). */
  async function settle(untilMs = 24 * 60 * 60_000) {
    await runner.quiet();
    let waited = 0;
    for (let wait = clock.nextTimerIn(); wait !== undefined && waited + wait <= untilMs; wait = clock.nextTimerIn()) {
      // Cron timers (the sweeper) fire every minute forever: stop once only they are left.
      if (!(await hasPendingDeliveries())) break;
      clock.advance(wait);
      waited += wait;
      await runner.quiet();
    }
  }

  async function hasPendingDeliveries() {
    const pending = await handle.db.select({ id: deliveries.id }).from(deliveries).where(eq(deliveries.status, "pending")).limit(1);
    return pending.length > 0;
  }

  async function createWebhook(options: { maxRetries?: number; name?: string } = {}) {
    const created = await ws.callers.analyst.channel.create({
      workspaceSlug: ws.slug,
      kind: "webhook",
      name: options.name ?? `Hook ${++ruleCounter}`,
      url: `${receiver.url}/hook`,
      maxRetries: options.maxRetries ?? 3,
    });
    return { id: created.channel.id, secret: created.signingSecret! };
  }

  async function createRule(channelIds: string[], triggers = [type], notifyInApp = false) {
    const { rule } = await ws.callers.analyst.rule.create({
      workspaceSlug: ws.slug,
      communityId: ws.communities[0]!.id,
      name: `Rule ${++ruleCounter}`,
      triggers,
      scope: "workspace",
      notifyInApp,
      channelIds,
    });
    return rule.id;
  }

  async function ingest(items: { type?: string; title?: string }[]) {
    const ids = await insertEvents(
      handle.db,
      ws.workspace.id,
      ws.sources[0]!,
      items.map((item) => ({ type: item.type ?? type, severity: "high" as const, title: item.title ?? "Brute force on vpn-1" })),
    );
    runner.send({ name: "tocsin/events.ingested", data: { workspaceId: ws.workspace.id, eventIds: ids } });
    return ids;
  }

  async function deliveriesOf(eventIds: string[]) {
    return handle.db.select().from(deliveries).where(inArray(deliveries.eventId, eventIds)).orderBy(asc(deliveries.createdAt));
  }

  async function attemptsOf(deliveryId: string) {
    return handle.db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, deliveryId)).orderBy(asc(deliveryAttempts.number));
  }

  async function channelRow(channelId: string) {
    const [row] = await handle.db.select().from(channels).where(eq(channels.id, channelId));
    return row!;
  }

  it("delivers a match once, signed with the channel's secret, and logs the attempt; a second fan-out sends nothing", async () => {
    const hook = await createWebhook();
    await createRule([hook.id]);
    const [eventId] = await ingest([{ title: "Brute force on vpn-1" }]);
    await settle();

    const [delivery] = await deliveriesOf([eventId!]);
    expect(delivery).toMatchObject({ status: "delivered", attempts: 1, lastStatusCode: 200, channelId: hook.id });
    const mine = receiver.requests.filter((request) => request.headers["webhook-id"] === delivery!.messageId);
    expect(mine).toHaveLength(1);
    const request = mine[0]!;
    expect(request.path).toBe("/hook");
    const body = new Webhook(hook.secret).verify(request.body, request.headers as Record<string, string>) as { event: { id: string; title: string } };
    expect(body.event).toMatchObject({ id: eventId, title: "Brute force on vpn-1" });
    const [attempt] = await attemptsOf(delivery!.id);
    expect(attempt).toMatchObject({ number: 1, outcome: "delivered", statusCode: 200, errorClass: null, error: null });
    expect(attempt!.latencyMs).toBeGreaterThanOrEqual(0);
    expect(attempt!.requestBytes).toBe(Buffer.byteLength(request.body));
    expect(await channelRow(hook.id)).toMatchObject({ consecutiveFailures: 0, enabled: true });
    expect((await channelRow(hook.id)).lastDeliveredAt).not.toBeNull();

    const again = await writeFanOut(handle.db, ws.workspace.id, [eventId!]);
    expect(again.deliveries).toEqual([]);
    runner.send({ name: "tocsin/events.ingested", data: { workspaceId: ws.workspace.id, eventIds: [eventId!] } });
    await settle();
    expect(receiver.requests.filter((r) => r.headers["webhook-id"] === delivery!.messageId)).toHaveLength(1);
  });

  it("retries 5xx at +10 s, +1 min, +10 min (jittered) under one webhook-id, then fails and raises delivery.failed — never sent to the failing channel", async () => {
    const hook = await createWebhook({ maxRetries: 3 });
    // The rule also listens to delivery.failed, through the very channel that fails: the loop must not close.
    await createRule([hook.id], [type, "delivery.failed"], true);
    replies = Array.from({ length: 10 }, () => ({ status: 500 }));
    const [eventId] = await ingest([{ title: "Keeps failing" }]);
    await settle();

    const [delivery] = await deliveriesOf([eventId!]);
    expect(delivery).toMatchObject({ status: "failed", attempts: 4, lastStatusCode: 500, lastErrorClass: "server_error" });
    const attempts = await attemptsOf(delivery!.id);
    expect(attempts.map((a) => a.outcome)).toEqual(["retry", "retry", "retry", "failed"]);
    const gaps = attempts.slice(1).map((a, i) => a.startedAt.getTime() - attempts[i]!.startedAt.getTime());
    [10_000, 60_000, 600_000].forEach((expected, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(expected * 0.8);
      expect(gaps[i]).toBeLessThanOrEqual(expected * 1.2 + 1_000);
    });
    const seen = receiver.requests.filter((r) => r.headers["webhook-id"] === delivery!.messageId);
    expect(seen).toHaveLength(4);

    const [failure] = await handle.db.select().from(events).where(and(eq(events.workspaceId, ws.workspace.id), eq(events.type, "delivery.failed")));
    expect(failure).toMatchObject({ origin: "system", severity: "medium", communityId: ws.communities[0]!.id });
    expect(failure!.data).toMatchObject({ channelId: hook.id, deliveryId: delivery!.id, attempts: 4, cause: { kind: "delivery", channelId: hook.id, eventId } });
    // It reached the inbox through the rule, and was never delivered to the channel it reports on.
    expect(await deliveriesOf([failure!.id])).toEqual([]);
    const inbox = await handle.db.select().from(notifications).where(eq(notifications.eventId, failure!.id));
    expect(inbox.map((n) => n.userId)).toEqual([ws.users.analyst.id]);
    expect((await channelRow(hook.id)).consecutiveFailures).toBe(1);
  });

  it("cannot loop on its own failures (authentik #4623): a rule on delivery.failed sending to an unreachable webhook ends after a bounded number of events", async () => {
    // Every receiver fails; the first rule sends the events to one hook, the second sends every
    // delivery.failed (and channel.disabled) to another hook that fails too.
    const hook = await createWebhook({ maxRetries: 0 });
    const alarm = await createWebhook({ maxRetries: 0 });
    await createRule([hook.id]);
    await createRule([alarm.id], ["delivery.failed", "channel.disabled"], true);
    receiver.reply = () => ({ status: 500 });
    const ids = await ingest([{ title: "one" }, { title: "two" }, { title: "three" }]);
    await settle();

    // (Rules of earlier tests in this workspace listen to delivery.failed too: only this test's channels count.)
    const raised = await handle.db
      .select()
      .from(events)
      .where(and(eq(events.workspaceId, ws.workspace.id), eq(events.origin, "system"), inArray(events.type, ["delivery.failed", "channel.disabled"])));
    const causedBy = (deliveryIds: string[]) => raised.filter((e) => deliveryIds.includes((e.data as { cause: { deliveryId: string } }).cause.deliveryId));
    const original = (await deliveriesOf(ids)).filter((d) => d.channelId === hook.id);
    expect(original.map((d) => d.status)).toEqual(["failed", "failed", "failed"]);
    // One failure event per failed delivery of the three events, routed to the alarm hook (which fails too)…
    const first = causedBy(original.map((d) => d.id));
    expect(first.map((e) => e.type)).toEqual(["delivery.failed", "delivery.failed", "delivery.failed"]);
    const alarms = (await deliveriesOf(first.map((e) => e.id))).filter((d) => d.channelId === alarm.id);
    expect(alarms.map((d) => d.status)).toEqual(["failed", "failed", "failed"]);
    // …and one per failed alarm delivery: recorded, marked chained, and fanned out to nobody.
    const chained = causedBy(alarms.map((d) => d.id));
    expect(chained.map((e) => e.type)).toEqual(["delivery.failed", "delivery.failed", "delivery.failed"]);
    expect(chained.every((e) => (e.data as { cause: { chained: boolean } }).cause.chained)).toBe(true);
    const everyChained = raised.filter((e) => (e.data as { cause: { chained: boolean } }).cause.chained).map((e) => e.id);
    expect(await deliveriesOf(everyChained)).toEqual([]);
    expect(await handle.db.select().from(notifications).where(inArray(notifications.eventId, everyChained))).toEqual([]);
    // Nothing is left to run: the loop has stopped, after 3 + 3 requests to these two hooks.
    expect(await hasPendingDeliveries()).toBe(false);
    const ours = new Set([...original, ...alarms].map((d) => d.messageId));
    expect(receiver.requests.filter((r) => ours.has(String(r.headers["webhook-id"])))).toHaveLength(6);
  });

  it("honours Retry-After on 429 and 503 when it asks for longer than the schedule", async () => {
    const hook = await createWebhook();
    await createRule([hook.id]);
    replies = [{ status: 429, headers: { "retry-after": "120" } }, { status: 503, headers: { "retry-after": "300" } }];
    const [eventId] = await ingest([{}]);
    await settle();
    const [delivery] = await deliveriesOf([eventId!]);
    const attempts = await attemptsOf(delivery!.id);
    expect(attempts.map((a) => [a.outcome, a.statusCode, a.errorClass])).toEqual([
      ["retry", 429, "rate_limited"],
      ["retry", 503, "server_error"],
      ["delivered", 200, null],
    ]);
    expect(attempts[1]!.startedAt.getTime() - attempts[0]!.startedAt.getTime()).toBeGreaterThanOrEqual(120_000);
    expect(attempts[2]!.startedAt.getTime() - attempts[1]!.startedAt.getTime()).toBeGreaterThanOrEqual(300_000);
    expect(attempts[0]!.error).toBe("The receiver answered HTTP 429 (Retry-After 120 s)");
  });

  it("fails other 4xx and redirects at once, without retrying", async () => {
    const hook = await createWebhook();
    await createRule([hook.id]);
    replies = [{ status: 404 }, { status: 302, headers: { location: "http://127.0.0.1:1/elsewhere" } }];
    const ids = await ingest([{ title: "one" }, { title: "two" }]);
    await settle();
    const rows = await deliveriesOf(ids);
    expect(rows.map((d) => [d.status, d.attempts]).sort()).toEqual([
      ["failed", 1],
      ["failed", 1],
    ]);
    expect(rows.map((d) => d.lastErrorClass).sort()).toEqual(["redirect", "rejected"]);
  });

  it("410 Gone switches the channel off at once and tells its owner in the inbox and by email; switching it on resets it", async () => {
    const hook = await createWebhook({ name: "Gone hook" });
    await createRule([hook.id]);
    // "first" meets a 500 and waits to retry; "second" meets 410 meanwhile.
    receiver.reply = (request) => (request.body.includes('"first"') ? { status: 500 } : { status: 410 });
    const [first, second] = await ingest([{ title: "first" }, { title: "second" }]);
    await settle();

    const channel = await channelRow(hook.id);
    expect(channel).toMatchObject({ enabled: false });
    expect(channel.disabledReason).toContain("410 Gone");
    // The retry pending when the channel went off ends without an attempt.
    const rows = await deliveriesOf([first!, second!]);
    expect(rows.map((d) => d.lastErrorClass).sort()).toEqual(["channel_disabled", "gone"]);
    expect(receiver.requests.filter((r) => rows.some((d) => d.messageId === r.headers["webhook-id"]))).toHaveLength(2);

    const disabled = (await handle.db.select().from(events).where(and(eq(events.type, "channel.disabled"), eq(events.workspaceId, ws.workspace.id)))).find(
      (event) => event.data?.channelId === hook.id,
    );
    expect(disabled).toMatchObject({ origin: "system", severity: "high", communityId: null });
    // The keepers' notice (no rule: Tocsin puts it there); rules on channel.disabled may add their own.
    const told = await handle.db.select().from(notifications).where(and(eq(notifications.eventId, disabled!.id), isNull(notifications.ruleId)));
    expect(told.map((n) => n.userId)).toEqual([ws.users.analyst.id]);
    const mails = await handle.db.select().from(mailOutbox).where(eq(mailOutbox.to, ws.users.analyst.email));
    expect(mails.some((mail) => mail.subject.includes('"Gone hook"') && mail.text.includes(`/channels/${hook.id}`))).toBe(true);

    await ws.callers.analyst.channel.setEnabled({ workspaceSlug: ws.slug, channelId: hook.id, enabled: true });
    expect(await channelRow(hook.id)).toMatchObject({ enabled: true, consecutiveFailures: 0, disabledReason: null });
  });

  it("switches a channel off after 5 failed deliveries in a row; a success in between starts the count again", async () => {
    const hook = await createWebhook({ maxRetries: 0, name: "Flaky hook" });
    await createRule([hook.id]);
    // 4 failures, a success, 4 failures: still on.
    replies = [...Array(4).fill({ status: 400 }), { status: 200 }, ...Array(4).fill({ status: 400 })];
    for (let i = 0; i < 9; i++) {
      await ingest([{ title: `burst ${i}` }]);
      await settle();
    }
    expect(await channelRow(hook.id)).toMatchObject({ enabled: true, consecutiveFailures: 4 });
    replies = [...replies, { status: 400 }];
    await ingest([{ title: "the fifth" }]);
    await settle();
    const channel = await channelRow(hook.id);
    expect(channel).toMatchObject({ enabled: false, consecutiveFailures: 5 });
    expect(channel.disabledReason).toBe("5 deliveries in a row failed; the last: The receiver refused the notification with HTTP 400");
    const disabledEvents = await handle.db.select().from(events).where(and(eq(events.type, "channel.disabled"), eq(events.workspaceId, ws.workspace.id)));
    expect(disabledEvents.filter((e) => (e.data as { channelId: string }).channelId === hook.id)).toHaveLength(1);
  });

  it("skips channels whose kind the rule's owner turned off, and disabled channels", async () => {
    const hook = await createWebhook();
    await createRule([hook.id]);
    await ws.callers.analyst.preference.update({ workspaceSlug: ws.slug, webhook: false });
    const [eventId] = await ingest([{}]);
    await settle();
    expect(await deliveriesOf([eventId!])).toEqual([]);
    await ws.callers.analyst.preference.update({ workspaceSlug: ws.slug, webhook: true });
    await ws.callers.analyst.channel.setEnabled({ workspaceSlug: ws.slug, channelId: hook.id, enabled: false });
    const [later] = await ingest([{}]);
    await settle();
    expect(await deliveriesOf([later!])).toEqual([]);
  });

  it("mails an email channel's recipients through the local outbox", async () => {
    const { channel } = await ws.callers.analyst.channel.create({ workspaceSlug: ws.slug, kind: "email", name: "My mail", recipients: ["soc@deliver.test", "oncall@deliver.test"] });
    await createRule([channel.id]);
    const [eventId] = await ingest([{ title: "Mail me this" }]);
    await settle();
    const [delivery] = await deliveriesOf([eventId!]);
    expect(delivery).toMatchObject({ status: "delivered", lastStatusCode: 202 });
    const mails = await handle.db.select().from(mailOutbox).where(inArray(mailOutbox.to, ["soc@deliver.test", "oncall@deliver.test"]));
    expect(mails).toHaveLength(2);
    expect(mails[0]!.subject).toContain("Mail me this");
  });

  it("resumes a delivery whose run was lost: the sweeper requests it again once it is two minutes overdue", async () => {
    const hook = await createWebhook();
    await createRule([hook.id]);
    const [eventId] = await insertEvents(handle.db, ws.workspace.id, ws.sources[0]!, [{ type, severity: "high", title: "orphan" }]);
    // The fan-out wrote the delivery, then the process died before requesting it.
    const written = await writeFanOut(handle.db, ws.workspace.id, [eventId!]);
    expect(written.deliveries).toHaveLength(1);
    runner.start(); // schedules the sweeper's cron
    clock.advance(60_000);
    await runner.quiet();
    expect((await deliveriesOf([eventId!]))[0]).toMatchObject({ status: "pending", attempts: 0 });
    clock.advance(2 * 60_000);
    await runner.quiet();
    await settle();
    expect((await deliveriesOf([eventId!]))[0]).toMatchObject({ status: "delivered", attempts: 1 });
  });

  it("never lets two runs attempt one delivery at once, and a run that was overtaken ends", async () => {
    const hook = await createWebhook();
    await createRule([hook.id]);
    const [eventId] = await insertEvents(handle.db, ws.workspace.id, ws.sources[0]!, [{ type, severity: "high", title: "raced" }]);
    const [requested] = (await writeFanOut(handle.db, ws.workspace.id, [eventId!])).deliveries;
    receiver.reply = () => ({ status: 200, delayMs: 100 });
    const now = new Date(clock.now());
    const attempt = (runId: string, expectedAttempts: number | null) =>
      attemptDelivery(handle.db, { workspaceId: ws.workspace.id, deliveryId: requested!.id, runId, expectedAttempts, now });
    const [one, two] = await Promise.all([attempt("run-1", null), attempt("run-2", null)]);
    expect([one.outcome, two.outcome].sort()).toEqual(["delivered", "skipped"]);
    expect(receiver.requests.filter((r) => r.headers["webhook-id"] === `msg_${requested!.id.replaceAll("-", "")}`)).toHaveLength(1);
    expect(await attempt("run-3", null)).toEqual({ outcome: "skipped", reason: "finished" });
    // Another workspace's id never reaches this delivery.
    const foreign = await seedWorkspace(handle.db, { slug: "deliver-other", mode: "single" });
    expect(await attemptDelivery(handle.db, { workspaceId: foreign.workspace.id, deliveryId: requested!.id, runId: "run-4", expectedAttempts: null, now })).toEqual({ outcome: "skipped", reason: "gone" });
  });

  it("classifies timeouts and connection resets as retries", async () => {
    const hook = await createWebhook();
    await createRule([hook.id]);
    const ids = await insertEvents(handle.db, ws.workspace.id, ws.sources[0]!, [
      { type, severity: "high", title: "hangs" },
      { type, severity: "high", title: "resets" },
    ]);
    const requested = (await writeFanOut(handle.db, ws.workspace.id, ids)).deliveries;
    const byEvent = new Map((await deliveriesOf(ids)).map((d) => [d.eventId, d.id]));
    receiver.reply = (request) => (request.body.includes("hangs") ? { hang: true } : { reset: true });
    const now = new Date(clock.now());
    expect(requested).toHaveLength(2);
    for (const [eventId, errorClass] of [
      [ids[0]!, "timeout"],
      [ids[1]!, "connection_reset"],
    ] as const) {
      const result = await attemptDelivery(handle.db, {
        workspaceId: ws.workspace.id,
        deliveryId: byEvent.get(eventId)!,
        runId: `run-${errorClass}`,
        expectedAttempts: null,
        now,
        http: { timeoutMs: 300 },
      });
      expect(result).toMatchObject({ outcome: "retry", attempt: 1 });
      expect((await attemptsOf(byEvent.get(eventId)!))[0]).toMatchObject({ outcome: "retry", errorClass });
    }
  });

  it("runs as an Inngest function: one step per attempt, a durable sleep between them", async () => {
    const hook = await createWebhook();
    await createRule([hook.id]);
    replies = [{ status: 503 }];
    const [eventId] = await insertEvents(handle.db, ws.workspace.id, ws.sources[0]!, [{ type, severity: "high", title: "engine" }]);
    const [requested] = (await writeFanOut(handle.db, ws.workspace.id, [eventId!])).deliveries;
    // The engine never waits out a sleep: a mocked "wait-0" moves the job clock past the first
    // retry's due time (+10 s, at most 12 s with jitter) instead.
    const engine = new InngestTestEngine({
      function: deliverNotification,
      events: [{ name: "tocsin/delivery.requested", data: { workspaceId: ws.workspace.id, deliveryId: requested!.id, channelId: requested!.channelId } }],
      steps: [{ id: "wait-0", handler: () => clock.advance(12_500) }],
    });
    const { result, error, ctx } = await engine.execute();
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ outcome: "delivered", attempt: 2 });
    const ids = (tool: unknown) => [...new Set((tool as { mock: { calls: [string][] } }).mock.calls.map(([id]) => id))];
    expect(ids(ctx.step.run)).toEqual(["attempt-0", "attempt-1"]);
    expect(ids(ctx.step.sleep)).toEqual(["wait-0"]);
    const attempts = await attemptsOf(requested!.id);
    expect(attempts.map((a) => [a.outcome, a.statusCode])).toEqual([
      ["retry", 503],
      ["delivered", 200],
    ]);
  });
});
