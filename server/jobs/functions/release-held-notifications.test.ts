import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { seedWorkspace, type SeededWorkspace } from "@/server/api/test-helpers";
import type { DbHandle } from "@/server/db/client";
import { deliveries, notificationBatches, notifications } from "@/server/db/schema";
import { insertEvents } from "@/server/events/test-events";
import { writeFanOut } from "@/server/fan-out/write-fan-out";
import { setJobClock } from "../job-clock";
import { createJobsTestDatabase, ManualClock } from "../test-helpers";
import { releaseHeldNotifications } from "./release-held-notifications";

describe("release-held-notifications", () => {
  let handle: DbHandle;
  let ws: SeededWorkspace;

  beforeAll(async () => {
    handle = await createJobsTestDatabase();
    ws = await seedWorkspace(handle.db, { slug: "release", mode: "single" });
  });
  afterAll(() => handle.close());
  afterEach(() => {
    setJobClock(undefined);
    vi.unstubAllEnvs();
  });

  it("releases due digests as one inbox entry and one requested delivery per channel, and nothing twice", async () => {
    vi.stubEnv("TOCSIN_ALLOWED_PRIVATE_CIDRS", "127.0.0.1/32");
    const clock = new ManualClock("2026-03-02T10:00:00.000Z");
    setJobClock(clock);
    const { channel } = await ws.callers.analyst.channel.create({ workspaceSlug: ws.slug, kind: "webhook", name: "SOAR", url: "http://127.0.0.1:9/hook" });
    const { rule } = await ws.callers.analyst.rule.create({
      workspaceSlug: ws.slug,
      name: "Digest of alerts",
      triggers: ["alert.digested"],
      channelIds: [channel.id],
      digestSeconds: 600,
    });
    const ids = await insertEvents(handle.db, ws.workspace.id, ws.sources[0]!, [1, 2, 3].map(() => ({ type: "alert.digested", receivedAt: new Date(clock.now()) })));
    await writeFanOut(handle.db, ws.workspace.id, ids);

    const run = async () => {
      // A fresh engine per run: an engine caches step results across its executions. The send
      // itself is Inngest's (or the inline runner's): mocked here, and what it was given is checked.
      const steps = [{ id: "request-deliveries-0", handler: () => ({ ids: [] }) }];
      const { result, ctx, error } = await new InngestTestEngine({ function: releaseHeldNotifications }).execute({ steps });
      expect(error).toBeUndefined();
      const sent = (ctx.step.sendEvent as unknown as { mock: { calls: [string, { name: string; data: { deliveryId: string; channelId: string } }[]][] } }).mock.calls;
      return { result, sent };
    };

    expect((await run()).result).toEqual({ batches: 0, notifications: 0, deliveries: 0 });
    clock.advance(600_000);
    const released = await run();
    expect(released.result).toEqual({ batches: 1, notifications: 1, deliveries: 1 });
    const [summary] = await handle.db.select().from(deliveries).where(eq(deliveries.ruleId, rule.id));
    expect(released.sent).toEqual([["request-deliveries-0", [{ name: "tocsin/delivery.requested", data: { workspaceId: ws.workspace.id, deliveryId: summary!.id, channelId: channel.id } }]]]);
    const [batch] = await handle.db.select().from(notificationBatches).where(eq(notificationBatches.ruleId, rule.id));
    expect(batch!.releasedAt).toEqual(new Date(clock.now()));
    expect(await handle.db.select().from(notifications).where(eq(notifications.batchId, batch!.id))).toHaveLength(1);

    expect((await run()).result).toEqual({ batches: 0, notifications: 0, deliveries: 0 });
  });
});
