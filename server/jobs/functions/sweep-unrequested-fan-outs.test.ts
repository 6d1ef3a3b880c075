import { InngestTestEngine, mockCtx } from "@inngest/test";
import { and, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/server/db/client";
import { events } from "@/server/db/schema";
import { createJobsTestDatabase, insertEvents, insertWorkspace, minutesAgo } from "../test-helpers";
import { FAN_OUT_RESEND_LEASE_SECONDS, SWEEP_ROUND_SIZE, sweepUnrequestedFanOuts } from "./sweep-unrequested-fan-outs";

type SentEvent = { name: string; data: { workspaceId: string; eventIds: string[] } };

describe("sweep-unrequested-fan-outs", () => {
  let handle: DbHandle;
  // A fresh engine per run: an engine caches step results across its executions.
  const engine = () => new InngestTestEngine({ function: sweepUnrequestedFanOuts });

  beforeAll(async () => {
    handle = await createJobsTestDatabase();
  });
  afterAll(() => handle.close());
  beforeEach(async () => {
    await handle.db.delete(events);
  });

  /** Runs the function, standing in for Inngest where step.sendEvent would reach it. */
  async function sweep(rounds = 1) {
    const steps = Array.from({ length: rounds }, (_, round) => ({ id: `resend-${round}`, handler: () => ({ ids: [] }) }));
    const { result, ctx, error } = await engine().execute({ steps });
    expect(error).toBeUndefined();
    const sendEvent = ctx.step.sendEvent as unknown as { mock: { calls: [string, SentEvent[]][] } };
    return { result: result as { resent: number }, sent: sendEvent.mock.calls };
  }

  /** How many of these events the sweeper holds a lease on (re-sent, not fanned out yet). */
  async function leased(ids: string[]) {
    const rows = await handle.db.select({ id: events.id }).from(events).where(and(inArray(events.id, ids), isNull(events.fannedOutAt), isNotNull(events.fanOutResentAt)));
    return rows.length;
  }
  /** The lease ran out: as if the last resend was long ago. */
  async function expireLeases(ids: string[]) {
    await handle.db.update(events).set({ fanOutResentAt: minutesAgo(FAN_OUT_RESEND_LEASE_SECONDS / 60 + 1) }).where(inArray(events.id, ids));
  }

  it("re-sends events not fanned out 30 s after arrival (a crash before or during their fan-out), leasing them", async () => {
    const a = await insertWorkspace(handle.db);
    const b = await insertWorkspace(handle.db);
    // Committed a minute ago, never fanned out: the process died before or during the fan-out.
    const lostA = await insertEvents(handle.db, a.id, 3, { receivedAt: minutesAgo(1) });
    const lostB = await insertEvents(handle.db, b.id, 2, { receivedAt: minutesAgo(2) });
    // Just committed: their fan-out may still be on its way.
    const fresh = await insertEvents(handle.db, a.id, 2, { receivedAt: new Date() });
    // Fanned out long ago.
    const done = await insertEvents(handle.db, a.id, 2, { receivedAt: minutesAgo(10), fannedOutAt: minutesAgo(10) });
    // Older than a day: a fan-out that kept failing is given up on.
    const abandoned = await insertEvents(handle.db, a.id, 1, { receivedAt: minutesAgo(25 * 60) });

    const { result, sent } = await sweep();
    expect(result).toEqual({ resent: 5 });
    expect(sent).toHaveLength(1);
    const [id, payload] = sent[0]!;
    expect(id).toBe("resend-0");
    expect(payload).toHaveLength(2);
    expect(payload).toEqual(
      expect.arrayContaining([
        { name: "tocsin/events.ingested", data: { workspaceId: a.id, eventIds: expect.arrayContaining(lostA) } },
        { name: "tocsin/events.ingested", data: { workspaceId: b.id, eventIds: expect.arrayContaining(lostB) } },
      ]),
    );
    // Oldest first: workspace B's events were older.
    expect(payload[0]!.data.workspaceId).toBe(b.id);

    expect(await leased([...lostA, ...lostB])).toBe(5);
    expect(await leased([...fresh, ...done, ...abandoned])).toBe(0);
    const [stillDone] = await handle.db.select({ fannedOutAt: events.fannedOutAt }).from(events).where(eq(events.id, done[0]!));
    expect(stillDone!.fannedOutAt!.getTime()).toBeLessThan(minutesAgo(5).getTime());

    // Leased: the next run sends nothing, however many of them are still not fanned out.
    const again = await sweep();
    expect(again.result).toEqual({ resent: 0 });
    expect(again.sent).toHaveLength(0);

    // The lease runs out and B's fan-out has still not happened (its run was lost too): sent again.
    // A's were fanned out meanwhile: not sent again.
    await handle.db.update(events).set({ fannedOutAt: new Date() }).where(inArray(events.id, lostA));
    await expireLeases([...lostA, ...lostB]);
    const third = await sweep();
    expect(third.result).toEqual({ resent: 2 });
    expect(third.sent[0]![1]).toEqual([{ name: "tocsin/events.ingested", data: { workspaceId: b.id, eventIds: expect.arrayContaining(lostB) } }]);
  });

  it("works in bounded rounds of the oldest events, at most 500 ids per job event", async () => {
    const big = await insertWorkspace(handle.db);
    const small = await insertWorkspace(handle.db);
    const older = await insertEvents(handle.db, big.id, SWEEP_ROUND_SIZE, { receivedAt: minutesAgo(20) });
    const newer = [
      ...(await insertEvents(handle.db, big.id, 150, { receivedAt: minutesAgo(10) })),
      ...(await insertEvents(handle.db, small.id, 1, { receivedAt: minutesAgo(10) })),
    ];

    const { result, sent } = await sweep(2);
    expect(result).toEqual({ resent: SWEEP_ROUND_SIZE + 151 });
    expect(sent.map(([id]) => id)).toEqual(["resend-0", "resend-1"]);
    const firstRound = sent[0]![1];
    expect(firstRound.map((e) => e.data.eventIds.length)).toEqual([500, 500, 500, 500]);
    expect(new Set(firstRound.flatMap((e) => e.data.eventIds))).toEqual(new Set(older));
    const secondRound = sent[1]![1];
    expect(new Set(secondRound.flatMap((e) => e.data.eventIds))).toEqual(new Set(newer));
    expect(secondRound.find((e) => e.data.workspaceId === small.id)!.data.eventIds).toHaveLength(1);
    expect(await leased([...older, ...newer])).toBe(SWEEP_ROUND_SIZE + 151);
  });

  it("when the send fails, the events are sent again once their lease runs out", async () => {
    const ws = await insertWorkspace(handle.db);
    const lost = await insertEvents(handle.db, ws.id, 2, { receivedAt: minutesAgo(1) });
    const unreachable = vi.fn(async () => {
      throw new Error("Inngest unreachable");
    });
    const failingSend = new InngestTestEngine({
      function: sweepUnrequestedFanOuts,
      transformCtx: (ctx) => {
        const mocked = mockCtx(ctx);
        return { ...mocked, step: { ...mocked.step, sendEvent: unreachable } };
      },
    });
    const logged = vi.spyOn(console, "error").mockImplementation(() => {}); // the SDK logs the function's error
    const { error } = await failingSend.execute();
    logged.mockRestore();
    expect(error).toMatchObject({ message: "Inngest unreachable" });
    expect(unreachable).toHaveBeenCalledWith("resend-0", [{ name: "tocsin/events.ingested", data: { workspaceId: ws.id, eventIds: expect.arrayContaining(lost) } }]);
    expect(await leased(lost)).toBe(2);

    expect((await sweep()).result).toEqual({ resent: 0 });
    await expireLeases(lost);
    expect((await sweep()).result).toEqual({ resent: 2 });
  });
});
