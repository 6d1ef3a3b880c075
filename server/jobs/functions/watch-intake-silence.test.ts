import { InngestTestEngine } from "@inngest/test";
import { asc, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/server/db/client";
import { communities, events, intakeSources } from "@/server/db/schema";
import { InlineRunner } from "../inline-runner";
import { setJobClock } from "../job-clock";
import { createJobsTestDatabase, insertWorkspace, ManualClock } from "../test-helpers";
import { watchIntakeSilence } from "./watch-intake-silence";

type SentEvent = { name: string; data: { workspaceId: string; eventIds: string[] } };
type Output = { resumed: string[]; silent: string[] };

const MINUTE = 60_000;

describe("watch-intake-silence", () => {
  let handle: DbHandle;
  let clock: ManualClock;
  // A fresh engine per run: an engine caches step results across its executions.
  const engine = () => new InngestTestEngine({ function: watchIntakeSilence });

  beforeAll(async () => {
    handle = await createJobsTestDatabase();
  });
  afterAll(async () => {
    setJobClock(undefined);
    await handle.close();
  });
  beforeEach(async () => {
    await handle.db.delete(events);
    await handle.db.delete(intakeSources);
    clock = new ManualClock("2026-03-04T10:00:00.000Z");
    setJobClock(clock);
  });

  const ago = (minutes: number) => new Date(clock.now() - minutes * MINUTE);

  async function insertSource(values: { lastEventAt: Date | null; silenceAfterSeconds?: number | null }) {
    const workspace = await insertWorkspace(handle.db);
    const [community] = await handle.db.insert(communities).values({ workspaceId: workspace.id, name: "Main" }).returning();
    const [source] = await handle.db
      .insert(intakeSources)
      .values({
        workspaceId: workspace.id,
        communityId: community!.id,
        name: `Tool of ${workspace.slug}`,
        format: "generic",
        silenceAfterSeconds: values.silenceAfterSeconds === undefined ? 900 : values.silenceAfterSeconds,
        lastEventAt: values.lastEventAt,
        createdAt: ago(60 * 24),
      })
      .returning();
    return source!;
  }

  /** Runs the function once, standing in for Inngest where step.sendEvent would reach it. */
  async function watch() {
    const { result, ctx, error } = await engine().execute({ steps: [{ id: "request-fan-out", handler: () => ({ ids: [] }) }] });
    expect(error).toBeUndefined();
    const sendEvent = ctx.step.sendEvent as unknown as { mock: { calls: [string, SentEvent[]][] } };
    return { result: result as Output, sent: sendEvent.mock.calls };
  }

  const eventsOf = (workspaceId: string) =>
    handle.db.select().from(events).where(eq(events.workspaceId, workspaceId)).orderBy(asc(events.receivedAt), asc(events.id));

  it("raises intake.silent once per silent period and intake.resumed once when events return, each sent to the fan-out", async () => {
    const quiet = await insertSource({ lastEventAt: ago(16) });
    const busy = await insertSource({ lastEventAt: ago(1) });
    const unwatched = await insertSource({ lastEventAt: ago(600), silenceAfterSeconds: null });

    const first = await watch();
    expect(first.result).toEqual({ resumed: [], silent: [quiet.id] });
    const [silent] = await eventsOf(quiet.workspaceId);
    expect(silent).toMatchObject({ type: "intake.silent", severity: "medium", receivedAt: new Date(clock.now()) });
    expect(first.sent).toEqual([["request-fan-out", [{ name: "tocsin/events.ingested", data: { workspaceId: quiet.workspaceId, eventIds: [silent!.id] } }]]]);
    // Marked by the fan-out once done; until then the sweeper would send it again.
    expect(silent!.fannedOutAt).toBeNull();
    expect(await eventsOf(busy.workspaceId)).toEqual([]);
    expect(await eventsOf(unwatched.workspaceId)).toEqual([]);

    // A minute later: nothing new, nothing sent.
    clock.advance(MINUTE);
    expect(await watch()).toEqual({ result: { resumed: [], silent: [] }, sent: [] });

    // The tool posts again (the ingest path bumps last_event_at); the next tick sees it, once.
    await handle.db.update(intakeSources).set({ lastEventAt: new Date(clock.now()) }).where(eq(intakeSources.id, quiet.id));
    clock.advance(MINUTE);
    const back = await watch();
    expect(back.result).toEqual({ resumed: [quiet.id], silent: [] });
    const resumed = (await eventsOf(quiet.workspaceId)).filter((e) => e.type === "intake.resumed");
    expect(resumed).toHaveLength(1);
    expect(back.sent).toEqual([["request-fan-out", [{ name: "tocsin/events.ingested", data: { workspaceId: quiet.workspaceId, eventIds: [resumed[0]!.id] } }]]]);
    clock.advance(MINUTE);
    expect((await watch()).result).toEqual({ resumed: [], silent: [] });

    // 16 minutes on, the busy one has gone quiet too, and the first one again: a new period each.
    clock.advance(16 * MINUTE);
    const later = await watch();
    expect(later.result.silent.sort()).toEqual([quiet.id, busy.id].sort());
    expect(later.sent[0]![1].map((e) => e.data.workspaceId).sort()).toEqual([quiet.workspaceId, busy.workspaceId].sort());
    const all = await handle.db.select({ type: events.type }).from(events).where(inArray(events.workspaceId, [quiet.workspaceId, busy.workspaceId]));
    expect(all.map((e) => e.type).sort()).toEqual(["intake.resumed", "intake.silent", "intake.silent", "intake.silent"]);
  });

  it("runs every minute on the inline runner's clock", async () => {
    const quiet = await insertSource({ lastEventAt: ago(15) });
    const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const runner = new InlineRunner({ functions: [watchIntakeSilence], clock, logger });
    runner.start();
    try {
      expect(clock.nextTimerIn()).toBeLessThanOrEqual(MINUTE);
      clock.advance(MINUTE);
      await runner.quiet();
      const [silent] = await eventsOf(quiet.workspaceId);
      expect(silent).toMatchObject({ type: "intake.silent", data: { sourceId: quiet.id } });
      // The next minute's run finds nothing more to do.
      clock.advance(MINUTE);
      await runner.quiet();
      expect(await eventsOf(quiet.workspaceId)).toHaveLength(1);
      expect(logger.error).not.toHaveBeenCalled();
    } finally {
      await runner.stop();
    }
  });
});
