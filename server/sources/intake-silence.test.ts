import { and, asc, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { tocsinActor } from "@/server/audit/audit-actor";
import { createPostgresHandle, type Db, type DbHandle } from "@/server/db/client";
import { communities, events, intakeSources, workspaces } from "@/server/db/schema";
import { createTestDatabase } from "@/server/db/test-database";
import { detectResumedSources, detectSilentSources } from "./intake-silence";
import { updateSource } from "./sources";

const MINUTE = 60_000;
const NOW = new Date("2026-03-04T10:00:00.000Z");
const at = (minutesFromNow: number) => new Date(NOW.getTime() + minutesFromNow * MINUTE);

describe("intake silence", () => {
  let handle: DbHandle;
  let db: Db;
  /** On PostgreSQL, a second pool of its own: the racing watchers of two app instances. */
  let other: DbHandle | undefined;
  let counter = 0;

  beforeAll(async () => {
    handle = await createTestDatabase();
    db = handle.db;
    if (handle.kind === "postgres") other = createPostgresHandle(handle.url, { max: 4 });
  });
  afterAll(async () => {
    await other?.close();
    await handle.close();
  });
  beforeEach(async () => {
    await db.delete(events);
    await db.delete(intakeSources);
  });

  async function insertWorkspace(timezone = "UTC") {
    const n = ++counter;
    const [workspace] = await db.insert(workspaces).values({ slug: `silence-${n}`, name: `Silence ${n}`, timezone }).returning();
    const [community] = await db.insert(communities).values({ workspaceId: workspace!.id, name: `Community ${n}` }).returning();
    return { workspaceId: workspace!.id, communityId: community!.id };
  }

  type SourceValues = { silenceAfterSeconds?: number | null; lastEventAt?: Date | null; createdAt?: Date; enabled?: boolean; name?: string };
  async function insertSource(place: { workspaceId: string; communityId: string }, values: SourceValues = {}) {
    const [source] = await db
      .insert(intakeSources)
      .values({
        workspaceId: place.workspaceId,
        communityId: place.communityId,
        name: values.name ?? `Tool ${++counter}`,
        format: "generic",
        silenceAfterSeconds: values.silenceAfterSeconds === undefined ? 900 : values.silenceAfterSeconds,
        lastEventAt: values.lastEventAt ?? null,
        createdAt: values.createdAt ?? at(-60 * 24),
        enabled: values.enabled ?? true,
      })
      .returning();
    return source!;
  }

  const eventsOf = (types: string[] = ["intake.silent", "intake.resumed"]) =>
    db.select().from(events).where(inArray(events.type, types)).orderBy(asc(events.receivedAt), asc(events.id));
  const stateOf = async (id: string) => {
    const [row] = await db.select().from(intakeSources).where(eq(intakeSources.id, id));
    return { silentSince: row!.silentSince, silentLastEventAt: row!.silentLastEventAt };
  };
  /** An event arrives: what the ingest path does to the source (store-events.ts). */
  const receive = (id: string, when: Date) => db.update(intakeSources).set({ lastEventAt: when }).where(eq(intakeSources.id, id));

  it("flips a source to silent with exactly one intake.silent when two watchers race, and not again on the next tick", async () => {
    const place = await insertWorkspace();
    const sources = await Promise.all(Array.from({ length: 12 }, () => insertSource(place, { lastEventAt: at(-20) })));

    // Four watchers at once, on two separate pools where there is a server: only one may win each source.
    const dbs = [db, other?.db ?? db];
    const results = await Promise.all([0, 1, 2, 3].map((i) => detectSilentSources(dbs[i % 2]!, NOW)));
    const flipped = results.flat();
    expect(flipped.map((t) => t.sourceId).sort()).toEqual(sources.map((s) => s.id).sort());
    const silent = await eventsOf();
    expect(silent).toHaveLength(12);
    expect(new Set(silent.map((e) => e.id))).toEqual(new Set(flipped.map((t) => t.eventId)));
    for (const source of sources) {
      expect(silent.filter((e) => e.data?.sourceId === source.id)).toHaveLength(1);
      expect(await stateOf(source.id)).toEqual({ silentSince: NOW, silentLastEventAt: at(-20) });
    }

    // The next ticks find them silent already.
    expect(await detectSilentSources(db, at(1))).toEqual([]);
    expect(await detectSilentSources(db, at(60 * 24))).toEqual([]);
    expect(await eventsOf()).toHaveLength(12);
  });

  it("writes a readable intake.silent in the source's workspace and community, with its facts and a per-source fingerprint", async () => {
    const place = await insertWorkspace("Europe/Paris");
    const source = await insertSource(place, { name: "authentik production", silenceAfterSeconds: 7200, lastEventAt: new Date("2026-03-04T07:15:00.000Z") });

    const [transition] = await detectSilentSources(db, NOW);
    expect(transition).toEqual({ workspaceId: place.workspaceId, sourceId: source.id, eventId: expect.any(String) });
    const [event] = await eventsOf();
    expect(event).toMatchObject({
      id: transition!.eventId,
      workspaceId: place.workspaceId,
      communityId: place.communityId,
      sourceId: null,
      type: "intake.silent",
      severity: "medium",
      origin: "system",
      title: 'No events from "authentik production" for 2 h',
      message: "The last event arrived on 4 Mar 2026 at 08:15 CET; this source is expected to send something at least every 2 h.",
      fingerprint: `intake.silent:${source.id}`,
      occurredAt: NOW,
      receivedAt: NOW,
      fannedOutAt: null,
      data: {
        sourceId: source.id,
        sourceName: "authentik production",
        silenceAfterSeconds: 7200,
        lastEventAt: "2026-03-04T07:15:00.000Z",
        silentSince: NOW.toISOString(),
      },
    });
  });

  it("measures a source that never received anything from its creation", async () => {
    const place = await insertWorkspace();
    const old = await insertSource(place, { name: "Never set up", createdAt: at(-15) });
    const fresh = await insertSource(place, { createdAt: at(-14) });

    const flipped = await detectSilentSources(db, NOW);
    expect(flipped.map((t) => t.sourceId)).toEqual([old.id]);
    const [event] = await eventsOf();
    expect(event!.title).toBe('No events from "Never set up" for 15 min');
    expect(event!.message).toBe("Nothing has arrived since the source was created on 4 Mar 2026 at 09:45 UTC; it is expected to send something at least every 15 min.");
    expect(event!.data).toMatchObject({ lastEventAt: null, silentSince: NOW.toISOString() });
    expect(await stateOf(fresh.id)).toEqual({ silentSince: null, silentLastEventAt: null });

    // Its first event ends the silent period.
    await receive(old.id, at(1));
    expect((await detectResumedSources(db, at(2))).map((t) => t.sourceId)).toEqual([old.id]);
  });

  it.each([
    ["15 min", 900, 15, true],
    ["15 min", 900, 14.99, false],
    ["7 days", 604_800, 60 * 24 * 7, true],
    ["7 days", 604_800, 60 * 24 * 7 - 1, false],
    ["2 h", 7200, 121, true],
  ])("with a threshold of %s, %s s: %s minutes of quiet → silent: %s", async (_label, seconds, quietMinutes, silent) => {
    const place = await insertWorkspace();
    const source = await insertSource(place, { silenceAfterSeconds: seconds, lastEventAt: at(-quietMinutes) });
    const flipped = await detectSilentSources(db, NOW);
    expect(flipped.map((t) => t.sourceId)).toEqual(silent ? [source.id] : []);
    expect(await eventsOf()).toHaveLength(silent ? 1 : 0);
  });

  it("does not watch disabled sources or sources without a threshold", async () => {
    const place = await insertWorkspace();
    await insertSource(place, { enabled: false, lastEventAt: at(-600) });
    await insertSource(place, { silenceAfterSeconds: null, lastEventAt: at(-600) });
    await insertSource(place, { silenceAfterSeconds: null });
    expect(await detectSilentSources(db, NOW)).toEqual([]);
    expect(await eventsOf()).toHaveLength(0);
  });

  it("raises one intake.resumed when events come back, even with watchers racing, then a new silent period raises intake.silent again", async () => {
    const place = await insertWorkspace();
    const source = await insertSource(place, { name: "Scanner", lastEventAt: at(-30) });
    await detectSilentSources(db, NOW);

    // Nothing new yet: still silent, whatever time the job layer says it is.
    expect(await detectResumedSources(db, at(10))).toEqual([]);

    // An event arrives (the ingest path's own clock); the next tick sees it.
    await receive(source.id, at(3));
    const dbs = [db, other?.db ?? db];
    const results = await Promise.all([0, 1, 2, 3].map((i) => detectResumedSources(dbs[i % 2]!, at(4))));
    expect(results.flat()).toHaveLength(1);
    expect(await stateOf(source.id)).toEqual({ silentSince: null, silentLastEventAt: null });
    const resumed = await eventsOf(["intake.resumed"]);
    expect(resumed).toHaveLength(1);
    expect(resumed[0]).toMatchObject({
      workspaceId: place.workspaceId,
      communityId: place.communityId,
      severity: "info",
      title: 'Events from "Scanner" are arriving again',
      message: "An event arrived on 4 Mar 2026 at 10:03 UTC after being silent since 4 Mar 2026 at 10:00 UTC.",
      fingerprint: `intake.resumed:${source.id}`,
      data: { sourceId: source.id, sourceName: "Scanner", silenceAfterSeconds: 900, lastEventAt: at(3).toISOString(), silentSince: NOW.toISOString() },
    });

    // Receiving again: no second intake.resumed, and no intake.silent before the threshold.
    expect(await detectResumedSources(db, at(5))).toEqual([]);
    expect(await detectSilentSources(db, at(17))).toEqual([]);

    // Quiet again past the threshold: a new silent period, its own intake.silent.
    const again = await detectSilentSources(db, at(18));
    expect(again.map((t) => t.sourceId)).toEqual([source.id]);
    expect(await stateOf(source.id)).toEqual({ silentSince: at(18), silentLastEventAt: at(3) });
    expect((await eventsOf()).map((e) => e.type)).toEqual(["intake.silent", "intake.resumed", "intake.silent"]);
  });

  it("decides resuming by the source's last event alone, not by the job layer's clock", async () => {
    const place = await insertWorkspace();
    const source = await insertSource(place, { lastEventAt: at(-30) });
    // The job layer runs ahead (an advanced test clock): it marks the source silent "later" than
    // the event that then arrives by the ingest path's real time.
    await detectSilentSources(db, at(60));
    await receive(source.id, at(1));
    expect((await detectResumedSources(db, at(61))).map((t) => t.sourceId)).toEqual([source.id]);
  });

  it("leaves the sources of other workspaces alone and writes each event in its own workspace", async () => {
    const a = await insertWorkspace();
    const b = await insertWorkspace();
    const quietA = await insertSource(a, { name: "Same name", lastEventAt: at(-20) });
    const busyB = await insertSource(b, { name: "Same name", lastEventAt: at(-1) });
    const offB = await insertSource(b, { silenceAfterSeconds: null, lastEventAt: at(-600) });

    const flipped = await detectSilentSources(db, NOW);
    expect(flipped).toEqual([{ workspaceId: a.workspaceId, sourceId: quietA.id, eventId: expect.any(String) }]);
    expect(await stateOf(busyB.id)).toEqual({ silentSince: null, silentLastEventAt: null });
    expect(await stateOf(offB.id)).toEqual({ silentSince: null, silentLastEventAt: null });
    expect(await db.select().from(events).where(eq(events.workspaceId, b.workspaceId))).toEqual([]);

    // B's source receiving does not end A's silent period.
    await receive(busyB.id, NOW);
    expect(await detectResumedSources(db, at(1))).toEqual([]);
    expect((await stateOf(quietA.id)).silentSince).toEqual(NOW);
  });

  it("ends the silent period without an event when the source is disabled or its watch turned off; a new threshold keeps it", async () => {
    const place = await insertWorkspace();
    const disabled = await insertSource(place, { lastEventAt: at(-20) });
    const unwatched = await insertSource(place, { lastEventAt: at(-20) });
    const rethresholded = await insertSource(place, { lastEventAt: at(-20) });
    await detectSilentSources(db, NOW);
    const update = (source: typeof disabled, values: { enabled?: boolean; silenceAfterSeconds?: number | null }) =>
      updateSource(db, place.workspaceId, {
        sourceId: source.id,
        name: source.name,
        enabled: values.enabled ?? true,
        silenceAfterSeconds: values.silenceAfterSeconds === undefined ? 900 : values.silenceAfterSeconds,
        rateLimitPerSecond: 100,
      }, tocsinActor);

    await update(disabled, { enabled: false });
    await update(unwatched, { silenceAfterSeconds: null });
    await update(rethresholded, { silenceAfterSeconds: 86_400 });
    expect(await stateOf(disabled.id)).toEqual({ silentSince: null, silentLastEventAt: null });
    expect(await stateOf(unwatched.id)).toEqual({ silentSince: null, silentLastEventAt: null });
    expect(await stateOf(rethresholded.id)).toEqual({ silentSince: NOW, silentLastEventAt: at(-20) });

    expect(await detectResumedSources(db, at(1))).toEqual([]);
    expect(await detectSilentSources(db, at(1))).toEqual([]);
    expect((await eventsOf()).map((e) => e.type)).toEqual(["intake.silent", "intake.silent", "intake.silent"]);

    // Enabled again and still quiet: a new silent period, counted from its last event.
    await update(disabled, { enabled: true });
    expect((await detectSilentSources(db, at(2))).map((t) => t.sourceId)).toEqual([disabled.id]);
  });

  it("never touches a row of another workspace through updateSource", async () => {
    const a = await insertWorkspace();
    const b = await insertSource(await insertWorkspace(), { lastEventAt: at(-20) });
    await detectSilentSources(db, NOW);
    await expect(
      updateSource(db, a.workspaceId, { sourceId: b.id, name: b.name, enabled: false, silenceAfterSeconds: null, rateLimitPerSecond: 1 }, tocsinActor),
    ).rejects.toThrow("Source not found");
    const [row] = await db.select().from(intakeSources).where(and(eq(intakeSources.id, b.id), eq(intakeSources.enabled, true)));
    expect(row!.silentSince).toEqual(NOW);
  });
});
