import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedWorkspace, type SeededWorkspace } from "@/server/api/test-helpers";
import type { DbHandle } from "@/server/db/client";
import { executeRows } from "@/server/db/execute-rows";
import { events, intakeSources } from "@/server/db/schema";
import { createTestDatabase } from "@/server/db/test-database";
import type { AuthenticatedSource } from "@/server/sources/authenticate-source";
import { getFormat } from "./formats";
import { EventInsertBatcher, type EventInsert } from "./insert-events";
import type { NormalisedEvent } from "./normalised-event";

// Group commit: requests ready at the same time share one statement, answer as if alone, and a
// bad one costs the others nothing. Rows of one statement share its transaction id (xmin).
describe("EventInsertBatcher", () => {
  let handle: DbHandle;
  let a: SeededWorkspace;
  let b: SeededWorkspace;
  let counter = 0;

  beforeAll(async () => {
    handle = await createTestDatabase();
    a = await seedWorkspace(handle.db, { slug: "batch-a" });
    b = await seedWorkspace(handle.db, { slug: "batch-b" });
  });
  afterAll(() => handle.close());

  async function newSource(ws: SeededWorkspace): Promise<AuthenticatedSource> {
    const created = await ws.callers.admin.source.create({ workspaceSlug: ws.slug, communityId: ws.communities[0]!.id, name: `Batch ${++counter}`, format: "generic" });
    const [row] = await handle.db.select().from(intakeSources).where(eq(intakeSources.id, created.source.id));
    return row!;
  }
  function normalised(count: number, externalIds: (string | null)[] = []): NormalisedEvent[] {
    const adapter = getFormat("generic").adapter;
    return Array.from({ length: count }, (_, i) => {
      const result = adapter({ type: "alert.created", severity: "high", title: `Event ${++counter}`, externalId: externalIds[i] ?? undefined }, { receivedAt: new Date() });
      if (!result.ok) throw new Error("the generic adapter refused a test event");
      return result.event;
    });
  }
  const insert = (source: AuthenticatedSource, events_: NormalisedEvent[]): EventInsert => ({ source, events: events_, receivedAt: new Date() });
  async function transactionsOf(ids: string[]): Promise<Set<string>> {
    const rows = await executeRows<{ xmin: string }>(handle.db, sql`select xmin::text from events where id = any(${`{${ids.join(",")}}`}::uuid[])`);
    return new Set(rows.map((row) => row.xmin));
  }

  it("commits the requests ready in one turn in one statement, each answered as if alone, each row in its own workspace and source", async () => {
    const batcher = new EventInsertBatcher(handle.db);
    const [sourceA, sourceB] = [await newSource(a), await newSource(b)];
    const results = await Promise.all([batcher.insert(insert(sourceA, normalised(3))), batcher.insert(insert(sourceB, normalised(2))), batcher.insert(insert(sourceA, normalised(1)))]);
    expect(results.map((result) => [result.status, result.body.accepted, result.body.duplicates, result.acceptedIds.length])).toEqual([
      [202, 3, 0, 3],
      [202, 2, 0, 2],
      [202, 1, 0, 1],
    ]);
    const ids = results.flatMap((result) => result.body.ids);
    expect(await transactionsOf(ids)).toHaveLength(1);
    const stored = await handle.db.select({ id: events.id, workspaceId: events.workspaceId, sourceId: events.sourceId }).from(events).where(inArray(events.id, ids));
    const byId = new Map(stored.map((row) => [row.id, row]));
    for (const id of results[1]!.body.ids) expect(byId.get(id)).toMatchObject({ workspaceId: sourceB.workspaceId, sourceId: sourceB.id });
    for (const id of [...results[0]!.body.ids, ...results[2]!.body.ids]) expect(byId.get(id)).toMatchObject({ workspaceId: sourceA.workspaceId, sourceId: sourceA.id });
    // Both sources' "last event" moved.
    const touched = await handle.db.select({ lastEventAt: intakeSources.lastEventAt }).from(intakeSources).where(inArray(intakeSources.id, [sourceA.id, sourceB.id]));
    expect(touched.every((row) => row.lastEventAt !== null)).toBe(true);
  });

  it("answers a repeated externalId across requests of one statement as a duplicate with the stored id, and keeps ids in request order", async () => {
    const batcher = new EventInsertBatcher(handle.db);
    const source = await newSource(a);
    const [first, second] = await Promise.all([
      batcher.insert(insert(source, normalised(2, ["ext-1", "ext-2"]))),
      batcher.insert(insert(source, normalised(2, ["ext-3", "ext-1"]))),
    ]);
    expect(first!.body).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(second!.body).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(second!.body.ids[1]).toBe(first!.body.ids[0]);
    expect(second!.acceptedIds).toEqual([second!.body.ids[0]]);
    expect(await handle.db.select().from(events).where(eq(events.sourceId, source.id))).toHaveLength(3);
    // Later, alone: duplicates of stored events resolve to their ids as well.
    const again = await batcher.insert(insert(source, normalised(1, ["ext-2"])));
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 1, ids: [first!.body.ids[1]] });
  });

  it("tries each request alone when their shared statement fails: only the one at fault is refused", async () => {
    const batcher = new EventInsertBatcher(handle.db);
    const [kept, deleted] = [await newSource(a), await newSource(a)];
    await a.callers.admin.source.delete({ workspaceSlug: a.slug, sourceId: deleted.id, confirmName: deleted.name });
    const outcomes = await Promise.allSettled([batcher.insert(insert(kept, normalised(2))), batcher.insert(insert(deleted, normalised(1))), batcher.insert(insert(kept, normalised(1)))]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(await handle.db.select().from(events).where(eq(events.sourceId, kept.id))).toHaveLength(3);
    expect(await handle.db.select().from(events).where(eq(events.sourceId, deleted.id))).toHaveLength(0);
  });

  it("puts no more than its event cap in one statement, though a larger request still goes alone", async () => {
    const batcher = new EventInsertBatcher(handle.db, 4, 5);
    const source = await newSource(a);
    const [small, large, next] = await Promise.all([
      batcher.insert(insert(source, normalised(3))),
      batcher.insert(insert(source, normalised(7))),
      batcher.insert(insert(source, normalised(2))),
    ]);
    expect(large!.body.accepted).toBe(7);
    const [smallTx, largeTx, nextTx] = [await transactionsOf(small!.body.ids), await transactionsOf(large!.body.ids), await transactionsOf(next!.body.ids)];
    expect([smallTx.size, largeTx.size, nextTx.size]).toEqual([1, 1, 1]);
    expect(new Set([...smallTx, ...largeTx, ...nextTx])).toHaveLength(3);
  });
});
