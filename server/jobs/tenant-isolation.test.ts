import { InngestTestEngine } from "@inngest/test";
import { count, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { bChannelIds, bRuleIds, eventIds, hashWorkspace, seedIsolationData, type Fixture, type TableState } from "@/server/api/isolation-cases";
import { seedTwoWorkspaces } from "@/server/api/test-helpers";
import type { DbHandle } from "@/server/db/client";
import { channels, deliveries, mailOutbox, notifications } from "@/server/db/schema";
import { emailChannelDisabled } from "@/server/deliveries/channel-health";
import { insertDeliveries } from "@/server/deliveries/insert-deliveries";
import { claimDeliveryContext } from "@/server/deliveries/load-delivery-context";
import { writeFanOut } from "@/server/fan-out/write-fan-out";
import { archiveExpiredNotifications, archiveNotificationsOverCap } from "@/server/inbox/hygiene";
import { insertNotificationsAndSignal } from "@/server/inbox/insert-notifications";
import { deleteExpiredEvents } from "./functions/purge-expired-events";
import { deliverNotification } from "./functions/deliver-notification";
import { fanOutIngestedEvents } from "./functions/fan-out-events";
import { createJobsTestDatabase } from "./test-helpers";

// Jobs re-check the workspace of every row they touch: a job event naming workspace A with ids
// of B's rows (a forged or corrupted event) reads, changes and creates nothing of B, and the
// server functions the jobs call refuse B's rows under A's id the same way.

describe("jobs across workspaces", () => {
  let handle: DbHandle;
  let f: Fixture;
  /** B's deliveries that are pending and due: what a delivery job would attempt. */
  let bPending: { id: string; channelId: string }[];
  let bBefore: TableState[];
  /** A's own channel, so that each forged delivery below names exactly one thing of B. */
  let aChannelId: string;

  beforeAll(async () => {
    handle = await createJobsTestDatabase();
    f = await seedTwoWorkspaces(handle.db, "jobiso");
    await seedIsolationData(handle.db, f);
    bPending = await handle.db
      .insert(deliveries)
      .values(bChannelIds.map((channelId, i) => ({ workspaceId: f.b.workspace.id, eventId: eventIds.b[1]!, ruleId: bRuleIds[i % bRuleIds.length]!, channelId, messageId: `msg_pending_${i}`, nextAttemptAt: new Date(Date.now() - 60_000) })))
      .returning({ id: deliveries.id, channelId: deliveries.channelId });
    aChannelId = (await f.a.callers.admin.channel.create({ workspaceSlug: f.a.slug, kind: "email", name: "A mail", recipients: ["alerts@jobiso-a.test"], shared: true })).channel.id;
    // A channel of B switched off by its failures: its keepers would be emailed.
    await handle.db.update(channels).set({ enabled: false, disabledReason: "B's receiver is gone", disabledAt: new Date() }).where(eq(channels.id, bChannelIds.at(-1)!));
  }, 120_000);
  afterAll(() => handle.close());
  beforeEach(async () => {
    bBefore = await hashWorkspace(handle.db, f.b.workspace.id);
  });
  const expectBUnchanged = async () => expect(await hashWorkspace(handle.db, f.b.workspace.id)).toEqual(bBefore);

  it("fan-out-events for A with B's event ids fans out A's events only, and touches nothing of B", async () => {
    const engine = new InngestTestEngine({
      function: fanOutIngestedEvents,
      events: [{ name: "tocsin/events.ingested", data: { workspaceId: f.a.workspace.id, eventIds: [...eventIds.b, ...eventIds.a] } }],
    });
    const { result, error } = await engine.execute();
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ events: eventIds.a.length, inserted: 0, deliveries: 0 });
    await expectBUnchanged();
  });

  it("deliver-notification for A with B's delivery ids skips them as gone, and takes no lease of B's", async () => {
    for (const delivery of bPending) {
      const engine = new InngestTestEngine({
        function: deliverNotification,
        events: [{ name: "tocsin/delivery.requested", data: { workspaceId: f.a.workspace.id, deliveryId: delivery.id, channelId: delivery.channelId } }],
      });
      const { result, error } = await engine.execute();
      expect(error).toBeUndefined();
      expect(result).toEqual({ outcome: "skipped", reason: "gone" });
      expect(await claimDeliveryContext(handle.db, { workspaceId: f.a.workspace.id, deliveryId: delivery.id, runId: "forged", expectedAttempts: null, now: new Date() })).toBeNull();
    }
    await expectBUnchanged();
  });

  it("the functions the jobs call write nothing for A that names B's rows", async () => {
    const a = f.a.workspace.id;
    const [aEvent, bEvent] = [eventIds.a[0]!, eventIds.b[0]!];
    const mailsBefore = (await handle.db.select({ n: count() }).from(mailOutbox))[0]!.n;

    expect(await emailChannelDisabled(handle.db, a, bChannelIds.at(-1)!)).toEqual({ sent: 0 });
    // Deliveries: B's event, B's channel or B's rule, each on its own, under A's id.
    const rows = [
      { id: crypto.randomUUID(), eventId: bEvent, ruleId: null, channelId: aChannelId },
      { id: crypto.randomUUID(), eventId: aEvent, ruleId: null, channelId: bChannelIds[1]! },
      { id: crypto.randomUUID(), eventId: aEvent, ruleId: bRuleIds[0]!, channelId: aChannelId },
    ];
    for (const row of rows) expect(await insertDeliveries(handle.db, a, [row], new Date())).toEqual([]);
    // Inbox entries: B's member, B's event, B's rule, B's community, or rows saying they are B's.
    const entry = { workspaceId: a, userId: f.a.users.viewer.id, eventId: aEvent, ruleId: null, communityId: null, severity: "high" as const };
    const entries = [
      { ...entry, userId: f.b.users.viewer.id },
      { ...entry, eventId: bEvent },
      { ...entry, ruleId: bRuleIds[0]! },
      { ...entry, communityId: f.b.communities[0]!.id },
      { ...entry, workspaceId: f.b.workspace.id, userId: f.b.users.viewer.id, eventId: bEvent },
    ];
    for (const row of entries) expect(await insertNotificationsAndSignal(handle.db, a, [row])).toEqual({ inserted: 0, userIds: [] });
    // Workspace-wide housekeeping for A: B's inbox and events stay.
    await archiveExpiredNotifications(handle.db, a, 0, 1_000);
    await archiveNotificationsOverCap(handle.db, a, 0, 1_000);
    await deleteExpiredEvents(handle.db, a, new Date(Date.now() + 86_400_000), 1_000);

    expect((await handle.db.select({ n: count() }).from(mailOutbox))[0]!.n).toBe(mailsBefore);
    await expectBUnchanged();
  });

  it("the same calls under B's own id do reach B's rows (the checks above can fail)", async () => {
    const b = f.b.workspace.id;
    expect(await emailChannelDisabled(handle.db, b, bChannelIds.at(-1)!)).toMatchObject({ sent: expect.any(Number) });
    const written = await writeFanOut(handle.db, b, eventIds.b);
    expect(written.events).toBe(eventIds.b.length);
    expect(written.inserted).toBeGreaterThan(0);
    const mine = await handle.db.select({ id: notifications.id }).from(notifications).where(inArray(notifications.eventId, eventIds.b));
    expect(mine.length).toBeGreaterThan(0);
    expect(await hashWorkspace(handle.db, b)).not.toEqual(bBefore);
  });
});
