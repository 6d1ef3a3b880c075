import { InngestTestEngine } from "@inngest/test";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/server/db/client";
import { communities, events, ingestIdempotencyKeys, intakeSources } from "@/server/db/schema";
import { createJobsTestDatabase, daysAgo, insertEvents, insertWorkspace, minutesAgo } from "../test-helpers";
import { PURGE_BATCH_SIZE, purgeExpiredEvents } from "./purge-expired-events";

describe("purge-expired-events", () => {
  let handle: DbHandle;

  beforeAll(async () => {
    handle = await createJobsTestDatabase();
  });
  afterAll(() => handle.close());

  async function purge() {
    // A fresh engine per run: an engine caches step results across its executions.
    const { result, ctx, error } = await new InngestTestEngine({ function: purgeExpiredEvents }).execute();
    expect(error).toBeUndefined();
    const run = ctx.step.run as unknown as { mock: { calls: [string, ...unknown[]][] } };
    return { result: result as { deletedEvents: number; deletedKeys: number; workspaces: number }, stepIds: run.mock.calls.map(([id]) => id) };
  }

  async function remaining(workspaceId: string) {
    const rows = await handle.db.select({ title: events.title }).from(events).where(eq(events.workspaceId, workspaceId));
    return rows.map((row) => row.title.replace(/ \d+$/, "")).sort();
  }

  it("deletes each workspace's events past its own retention, in bounded batches, and old Idempotency-Keys", async () => {
    const shortLived = await insertWorkspace(handle.db, { retentionDays: 30 });
    const longLived = await insertWorkspace(handle.db, { retentionDays: 365 });
    const untouched = await insertWorkspace(handle.db, { retentionDays: 7 });

    // More than one batch of expired events in the 30-day workspace.
    await insertEvents(handle.db, shortLived.id, PURGE_BATCH_SIZE + 10, { receivedAt: daysAgo(31), title: "expired" });
    await insertEvents(handle.db, shortLived.id, 3, { receivedAt: daysAgo(29), title: "kept" });
    // 31 days is nothing for a 365-day workspace; 400 days is too much.
    await insertEvents(handle.db, longLived.id, 2, { receivedAt: daysAgo(31), title: "kept" });
    await insertEvents(handle.db, longLived.id, 4, { receivedAt: daysAgo(400), title: "expired" });
    await insertEvents(handle.db, untouched.id, 2, { receivedAt: daysAgo(6), title: "kept" });

    const [community] = await handle.db.insert(communities).values({ workspaceId: shortLived.id, name: "Default" }).returning();
    const [source] = await handle.db.insert(intakeSources).values({ workspaceId: shortLived.id, communityId: community!.id, name: "tool", format: "generic" }).returning();
    const key = (name: string, createdAt: Date) => ({ workspaceId: shortLived.id, sourceId: source!.id, key: name, requestHash: "h", responseStatus: 202, responseBody: {}, createdAt });
    await handle.db.insert(ingestIdempotencyKeys).values([key("old-1", minutesAgo(25 * 60)), key("old-2", daysAgo(3)), key("recent", minutesAgo(23 * 60))]);

    const { result, stepIds } = await purge();
    expect(result).toEqual({ deletedEvents: PURGE_BATCH_SIZE + 10 + 4, deletedKeys: 2, workspaces: 2 });
    expect(await remaining(shortLived.id)).toEqual(["kept", "kept", "kept"]);
    expect(await remaining(longLived.id)).toEqual(["kept", "kept"]);
    expect(await remaining(untouched.id)).toEqual(["kept", "kept"]);
    const keys = await handle.db.select({ key: ingestIdempotencyKeys.key }).from(ingestIdempotencyKeys);
    expect(keys.map((k) => k.key)).toEqual(["recent"]);

    // One step per workspace batch, the workspaces taking turns; untouched workspaces get none.
    expect(stepIds.filter((id) => id.startsWith("purge-events-"))).toEqual(
      [shortLived.id, longLived.id].sort().map((id) => `purge-events-${id}-0`).concat(`purge-events-${shortLived.id}-1`),
    );
    expect(stepIds.filter((id) => id.startsWith("purge-idempotency-keys-"))).toEqual(["purge-idempotency-keys-0"]);

    // Nothing left: the next run only looks.
    const again = await purge();
    expect(again.result).toEqual({ deletedEvents: 0, deletedKeys: 0, workspaces: 0 });
    expect(again.stepIds.filter((id) => id.startsWith("purge-events-"))).toEqual([]);
    const [{ total }] = (await handle.db.select({ total: count() }).from(events)) as [{ total: number }];
    expect(total).toBe(7);
  });
});
