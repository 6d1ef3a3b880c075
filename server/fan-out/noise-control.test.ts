import { and, eq, inArray, isNull } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { seedWorkspace, type SeededWorkspace } from "@/server/api/test-helpers";
import { startTestReceiver, type TestReceiver } from "@/server/channels/test-receiver";
import type { DbHandle } from "@/server/db/client";
import { deliveries, heldNotifications, notificationBatches, notifications, ruleThrottleHits, sourceMaintenanceWindows } from "@/server/db/schema";
import { attemptDelivery } from "@/server/deliveries/attempt-delivery";
import { insertEvents } from "@/server/events/test-events";
import { listNotifications, listSummaryEvents } from "@/server/inbox/notifications";
import { setJobClock } from "@/server/jobs/job-clock";
import { createJobsTestDatabase, ManualClock } from "@/server/jobs/test-helpers";
import { releaseDueBatches } from "./release-batches";
import { writeFanOut } from "./write-fan-out";

// Noise control in the fan-out: a rule's throttle, its digest, a member's quiet hours and a
// source's maintenance window — each decided once per (rule, event) and target, so the fan-out
// may run any number of times; held notifications come back as one summary per member and channel.

const minute = 60_000;

describe("noise control", () => {
  let handle: DbHandle;
  let ws: SeededWorkspace;
  let receiver: TestReceiver;
  let clock: ManualClock;
  let counter = 0;
  let type = "";

  beforeAll(async () => {
    handle = await createJobsTestDatabase();
    ws = await seedWorkspace(handle.db, { slug: "noise", mode: "multi", communityNames: ["Alpha"] });
    receiver = await startTestReceiver({ host: "127.0.0.1" });
  });
  afterAll(async () => {
    await receiver.close();
    await handle.close();
  });
  beforeEach(() => {
    vi.stubEnv("TOCSIN_ALLOWED_PRIVATE_CIDRS", "127.0.0.1/32");
    vi.stubEnv("RESEND_API_KEY", "");
    clock = new ManualClock("2026-01-05T09:00:00.000Z");
    setJobClock(clock);
    type = `alert.noise_${++counter}`;
    receiver.requests.length = 0;
    receiver.reply = () => ({ status: 200 });
  });
  afterEach(() => {
    setJobClock(undefined);
    vi.unstubAllEnvs();
  });

  const analyst = () => ({ workspaceId: ws.workspace.id, userId: ws.users.analyst.id });
  const at = (offsetMs: number) => new Date(clock.now() + offsetMs);

  async function createWebhook() {
    const { channel } = await ws.callers.analyst.channel.create({ workspaceSlug: ws.slug, kind: "webhook", name: `Hook ${++counter}`, url: `${receiver.url}/hook` });
    return channel.id;
  }

  async function createRule(options: { throttleSeconds?: number; digestSeconds?: number; channelIds?: string[] }) {
    const { rule } = await ws.callers.analyst.rule.create({
      workspaceSlug: ws.slug,
      communityId: ws.communities[0]!.id,
      name: `Rule ${++counter}`,
      triggers: [type],
      scope: "workspace",
      notifyInApp: true,
      channelIds: options.channelIds ?? [],
      throttleSeconds: options.throttleSeconds ?? null,
      digestSeconds: options.digestSeconds ?? null,
    });
    return rule.id;
  }

  function ingest(items: { fingerprint?: string; receivedAt: Date; severity?: "high" | "critical"; title?: string }[]) {
    return insertEvents(
      handle.db,
      ws.workspace.id,
      ws.sources[0]!,
      items.map((item, i) => ({ type, severity: item.severity ?? "high", title: item.title ?? `Brute force ${i}`, fingerprint: item.fingerprint ?? null, receivedAt: item.receivedAt })),
    );
  }

  const inboxOf = async (ruleId: string) => (await listNotifications(handle.db, analyst(), { ruleIds: [ruleId], limit: 100 })).items;
  const deliveriesOf = (eventIds: string[]) => handle.db.select().from(deliveries).where(inArray(deliveries.eventId, eventIds));

  async function sendDelivery(deliveryId: string, now = at(0)) {
    const result = await attemptDelivery(handle.db, { workspaceId: ws.workspace.id, deliveryId, runId: `run-${deliveryId}`, expectedAttempts: null, now });
    expect(result.outcome).toBe("delivered");
    return JSON.parse(receiver.requests.at(-1)!.body) as { suppressed: number; summary: { reason: string; count: number; events: { id: string }[] } | null; event: { title: string } };
  }

  describe("rule settings", () => {
    it("refuses a throttle or digest window out of bounds with a clear message, saving nothing; keeps valid ones", async () => {
      const base = { workspaceSlug: ws.slug, communityId: ws.communities[0]!.id, name: "Bounds", triggers: [type] };
      const before = await ws.callers.analyst.rule.list({ workspaceSlug: ws.slug });
      await expect(ws.callers.analyst.rule.create({ ...base, throttleSeconds: 30 })).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: expect.stringContaining("A throttle window is between 1 minute and 7 days"),
      });
      await expect(ws.callers.analyst.rule.create({ ...base, digestSeconds: 2 * 86400 })).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: expect.stringContaining("A digest window is between 1 minute and 1 day"),
      });
      await expect(ws.callers.analyst.rule.create({ ...base, throttleSeconds: 90.5 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
      expect(await ws.callers.analyst.rule.list({ workspaceSlug: ws.slug })).toHaveLength(before.length);

      const { rule } = await ws.callers.analyst.rule.create({ ...base, throttleSeconds: 3600, digestSeconds: 300 });
      expect(rule).toMatchObject({ throttleSeconds: 3600, digestSeconds: 300 });
      const copy = await ws.callers.analyst.rule.duplicate({ workspaceSlug: ws.slug, ruleId: rule.id });
      expect(copy).toMatchObject({ throttleSeconds: 3600, digestSeconds: 300 });
      const { rule: cleared } = await ws.callers.analyst.rule.update({ ...base, ruleId: rule.id, throttleSeconds: null, digestSeconds: null });
      expect(cleared).toMatchObject({ throttleSeconds: null, digestSeconds: null });
    });
  });

  describe("throttle", () => {
    it("notifies once per fingerprint per window, counts the rest, and carries the count into the next notification", async () => {
      const hook = await createWebhook();
      const ruleId = await createRule({ throttleSeconds: 600, channelIds: [hook] });
      const burst = await ingest([
        ...Array.from({ length: 5 }, (_, i) => ({ fingerprint: "vpn-1", receivedAt: at(i * 10_000) })),
        { fingerprint: "vpn-2", receivedAt: at(5_000) },
        { fingerprint: "vpn-2", receivedAt: at(15_000) },
      ]);

      const first = await writeFanOut(handle.db, ws.workspace.id, burst);
      expect(first).toMatchObject({ matches: 7, suppressed: 5, inserted: 2 });
      expect(first.deliveries).toHaveLength(2);
      const inbox = await inboxOf(ruleId);
      expect(inbox.map((n) => [n.eventId, n.suppressedBefore, n.suppressedAfter]).sort()).toEqual(
        [
          [burst[0], 0, 4],
          [burst[5], 0, 1],
        ].sort(),
      );

      // Running again decides the same and counts nothing twice.
      const again = await writeFanOut(handle.db, ws.workspace.id, burst);
      expect(again).toMatchObject({ inserted: 0, suppressed: 5, deliveries: [] });
      const [opener] = await handle.db.select().from(ruleThrottleHits).where(and(eq(ruleThrottleHits.ruleId, ruleId), eq(ruleThrottleHits.eventId, burst[0]!)));
      expect(opener).toMatchObject({ notified: true, suppressedAfter: 4 });

      // After the window, the same thing notifies again and says how many were held back.
      const [later] = await ingest([{ fingerprint: "vpn-1", receivedAt: at(11 * minute), title: "Brute force again" }]);
      const third = await writeFanOut(handle.db, ws.workspace.id, [later!]);
      expect(third).toMatchObject({ inserted: 1, suppressed: 0 });
      const entry = (await inboxOf(ruleId)).find((n) => n.eventId === later);
      expect(entry).toMatchObject({ suppressedBefore: 4, suppressedAfter: 0 });

      const body = await sendDelivery(third.deliveries[0]!.id);
      expect(body).toMatchObject({ suppressed: 4, summary: null, event: { title: "Brute force again" } });
    });

    it("leaves events without a fingerprint alone, and throttles each rule on its own", async () => {
      const throttled = await createRule({ throttleSeconds: 3600 });
      const plain = await createRule({});
      const ids = await ingest([{ receivedAt: at(0) }, { receivedAt: at(1_000) }, { fingerprint: "x", receivedAt: at(0) }, { fingerprint: "x", receivedAt: at(1_000) }]);
      await writeFanOut(handle.db, ws.workspace.id, ids);
      expect(await inboxOf(throttled)).toHaveLength(3);
      expect(await inboxOf(plain)).toHaveLength(4);
    });

    it("opens one window when fan-outs of the same fingerprint race", async () => {
      const ruleId = await createRule({ throttleSeconds: 600 });
      const ids = await ingest(Array.from({ length: 12 }, (_, i) => ({ fingerprint: "race", receivedAt: at(i * 1_000) })));
      const results = await Promise.all([0, 1, 2, 3].map((part) => writeFanOut(handle.db, ws.workspace.id, ids.filter((_, i) => i % 4 === part))));
      expect(results.reduce((sum, r) => sum + r.inserted, 0)).toBe(1);
      const [entry] = await inboxOf(ruleId);
      expect(entry!.suppressedAfter).toBe(11);
      const hits = await handle.db.select().from(ruleThrottleHits).where(eq(ruleThrottleHits.ruleId, ruleId));
      expect(hits.filter((h) => h.notified)).toHaveLength(1);
      expect(hits).toHaveLength(12);
    });
  });

  describe("digest", () => {
    it("holds a rule's matches for its window, then sends one inbox entry and one message per channel listing them", async () => {
      const hook = await createWebhook();
      const ruleId = await createRule({ digestSeconds: 300, channelIds: [hook] });
      const ids = await ingest(Array.from({ length: 4 }, (_, i) => ({ receivedAt: at(i * 1_000), title: `Digest item ${i}` })));

      const written = await writeFanOut(handle.db, ws.workspace.id, ids);
      expect(written).toMatchObject({ inserted: 0, deliveries: [], held: 8 });
      expect(await writeFanOut(handle.db, ws.workspace.id, ids)).toMatchObject({ held: 0 });
      expect(await inboxOf(ruleId)).toEqual([]);

      expect(await releaseDueBatches(handle.db, at(299_000))).toEqual([]);
      const [released] = await releaseDueBatches(handle.db, at(300_000));
      expect(released).toMatchObject({ reason: "digest", notifications: 1 });
      expect(released!.deliveries).toHaveLength(1);
      expect(await releaseDueBatches(handle.db, at(301_000))).toEqual([]);

      const [entry] = await inboxOf(ruleId);
      expect(entry).toMatchObject({ batchReason: "digest", batchCount: 4, eventId: ids[0] });
      const listed = await listSummaryEvents(handle.db, analyst(), entry!.id);
      expect(listed.map((e) => e.title)).toEqual(["Digest item 0", "Digest item 1", "Digest item 2", "Digest item 3"]);

      const body = await sendDelivery(released!.deliveries[0]!.id, at(300_000));
      expect(body.summary).toMatchObject({ reason: "digest", count: 4 });
      expect(body.summary!.events.map((e) => e.id)).toEqual(ids);
      expect(body.event.title).toMatch(/^Digest of “Rule \d+”: 4 matches$/);

      // The next match opens a new batch.
      const [next] = await ingest([{ receivedAt: at(400_000) }]);
      expect(await writeFanOut(handle.db, ws.workspace.id, [next!])).toMatchObject({ held: 2 });
      const open = await handle.db.select().from(notificationBatches).where(and(eq(notificationBatches.ruleId, ruleId), isNull(notificationBatches.releasedAt)));
      expect(open).toHaveLength(1);
    });

    it("never shows another member a summary of someone else's", async () => {
      const ruleId = await createRule({ digestSeconds: 60 });
      await writeFanOut(handle.db, ws.workspace.id, await ingest([{ receivedAt: at(0) }]));
      await releaseDueBatches(handle.db, at(61_000));
      const [entry] = await inboxOf(ruleId);
      await expect(listSummaryEvents(handle.db, { workspaceId: ws.workspace.id, userId: ws.users.admin.id }, entry!.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(ws.callers.admin.inbox.summaryEvents({ workspaceSlug: ws.slug, notificationId: entry!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    });
  });

  describe("quiet hours", () => {
    async function setQuietHours(weekdays: number[]) {
      await ws.callers.analyst.preference.updateQuietHours({ workspaceSlug: ws.slug, enabled: true, fromMinute: 22 * 60, toMinute: 7 * 60, weekdays, timezone: "Pacific/Auckland" });
    }

    async function createEmailChannel() {
      const { channel } = await ws.callers.analyst.channel.create({ workspaceSlug: ws.slug, kind: "email", name: `Mail ${++counter}`, recipients: [ws.users.analyst.email] });
      return channel.id;
    }

    it("holds non-critical email until they end, in the member's timezone (a Sunday-night period seen on a UTC Sunday noon)", async () => {
      // 2026-01-04 12:00 UTC is Monday 01:00 in Auckland (UTC+13): inside the period that began on Sunday 22:00 there.
      clock = new ManualClock("2026-01-04T12:00:00.000Z");
      setJobClock(clock);
      await setQuietHours([0]);
      const mail = await createEmailChannel();
      const hook = await createWebhook();
      const ruleId = await createRule({ channelIds: [mail, hook] });
      const [high, critical] = await ingest([
        { receivedAt: at(0), severity: "high", title: "Quiet high" },
        { receivedAt: at(0), severity: "critical", title: "Loud critical" },
      ]);

      const written = await writeFanOut(handle.db, ws.workspace.id, [high!, critical!]);
      // In-app unaffected; the webhook unaffected; the critical one passes; the high one waits for the mail channel.
      expect(written).toMatchObject({ inserted: 2, held: 1 });
      const sent = await deliveriesOf([high!, critical!]);
      expect(sent.map((d) => [d.eventId === high ? "high" : "critical", d.channelId === mail ? "mail" : "hook"]).sort()).toEqual([
        ["critical", "hook"],
        ["critical", "mail"],
        ["high", "hook"],
      ]);
      const [batch] = await handle.db.select().from(notificationBatches).where(and(eq(notificationBatches.channelId, mail), isNull(notificationBatches.releasedAt)));
      // Monday 07:00 in Auckland.
      expect(batch).toMatchObject({ reason: "quiet_hours", userId: ws.users.analyst.id, releaseAt: new Date("2026-01-04T18:00:00.000Z") });

      expect(await releaseDueBatches(handle.db, new Date("2026-01-04T17:59:00.000Z"))).toEqual([]);
      const [released] = await releaseDueBatches(handle.db, new Date("2026-01-04T18:00:00.000Z"));
      expect(released).toMatchObject({ reason: "quiet_hours", notifications: 0 });
      const [summary] = await handle.db.select().from(deliveries).where(eq(deliveries.batchId, batch!.id));
      expect(summary).toMatchObject({ channelId: mail, eventId: high, ruleId: null });
      expect(await inboxOf(ruleId)).toHaveLength(2);
    });

    it("does not hold outside the period: Monday's period starts Monday 22:00 in Auckland, not at 01:00", async () => {
      clock = new ManualClock("2026-01-04T12:00:00.000Z");
      setJobClock(clock);
      await setQuietHours([1]);
      const mail = await createEmailChannel();
      await createRule({ channelIds: [mail] });
      const [id] = await ingest([{ receivedAt: at(0) }]);
      expect(await writeFanOut(handle.db, ws.workspace.id, [id!])).toMatchObject({ held: 0 });
      expect(await deliveriesOf([id!])).toHaveLength(1);
    });
  });

  describe("maintenance windows", () => {
    it("holds everything from the source while it lasts (in-app and channels), then sums it up; ending early releases at once", async () => {
      const hook = await createWebhook();
      const ruleId = await createRule({ channelIds: [hook] });
      const [window] = await handle.db
        .insert(sourceMaintenanceWindows)
        .values({ workspaceId: ws.workspace.id, sourceId: ws.sources[0]!.id, startsAt: at(-minute), endsAt: at(60 * minute), reason: "IdP upgrade" })
        .returning();
      const ids = await ingest([{ receivedAt: at(0) }, { receivedAt: at(1_000), severity: "critical" }]);
      const [outside] = await ingest([{ receivedAt: at(61 * minute) }]);

      const written = await writeFanOut(handle.db, ws.workspace.id, [...ids, outside!]);
      expect(written).toMatchObject({ inserted: 1, held: 4 });
      expect(written.deliveries).toHaveLength(1);
      const held = await handle.db.select().from(heldNotifications).where(inArray(heldNotifications.eventId, ids));
      expect(held).toHaveLength(4);

      // (Other tests' batches fall due on the way: only this window's matters here.)
      const ofThisWindow = async (now: Date) => (await releaseDueBatches(handle.db, now)).filter((b) => b.reason === "maintenance");
      expect(await ofThisWindow(at(10 * minute))).toEqual([]);
      // Ended early: released on the next round, whatever release_at the batch was opened with.
      await handle.db.update(sourceMaintenanceWindows).set({ endsAt: at(10 * minute) }).where(eq(sourceMaintenanceWindows.id, window!.id));
      const [released] = await ofThisWindow(at(10 * minute));
      expect(released).toMatchObject({ reason: "maintenance", notifications: 1 });
      const summary = (await listNotifications(handle.db, analyst(), { limit: 100 })).items.find((n) => n.batchReason === "maintenance");
      expect(summary).toMatchObject({ batchCount: 2, batchSourceName: ws.sources[0]!.name, severity: "critical", ruleId: null });
      expect((await inboxOf(ruleId)).map((n) => n.eventId)).toEqual([outside]);

      const body = await sendDelivery(released!.deliveries[0]!.id, at(10 * minute));
      expect(body.summary).toMatchObject({ reason: "maintenance", count: 2 });
      expect(body.event.title).toBe(`2 notifications held while “${ws.sources[0]!.name}” was in maintenance`);
      // One entry for the two held events, keyed by the first of them.
      expect((await handle.db.select().from(notifications).where(inArray(notifications.eventId, ids))).map((n) => [n.eventId, n.batchId])).toEqual([[ids[0], released!.batchId]]);
    });
  });
});
