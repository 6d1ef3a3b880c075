import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/server/db/client";
import { createTestDatabase } from "@/server/db/test-database";
import { encodeSignal, getInboxRealtime, INBOX_CHANNEL, notifyInbox, parseSignal, startInboxRealtime, stopInboxRealtime } from "./realtime";

const alice = { workspaceId: "018f0000-0000-7000-8000-00000000000a", userId: "018f0000-0000-7000-8000-0000000000a1" };
const bob = { workspaceId: "018f0000-0000-7000-8000-00000000000a", userId: "018f0000-0000-7000-8000-0000000000b1" };
const aliceElsewhere = { workspaceId: "018f0000-0000-7000-8000-00000000000b", userId: alice.userId };

describe("inbox realtime (LISTEN/NOTIFY)", () => {
  let handle: DbHandle;

  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(async () => {
    await stopInboxRealtime(handle);
    await handle.close();
  });

  it("starts one listener per database and hands each signal to the subscribers of that user and workspace only", async () => {
    const realtime = startInboxRealtime(handle);
    expect(startInboxRealtime(handle)).toBe(realtime);
    expect(getInboxRealtime(handle.db)).toBe(realtime);
    await realtime.ready;

    const heard: string[] = [];
    const stopAlice = realtime.subscribe(alice, () => heard.push("alice"));
    const stopAlice2 = realtime.subscribe(alice, () => heard.push("alice again"));
    const stopBob = realtime.subscribe(bob, () => heard.push("bob"));
    const stopElsewhere = realtime.subscribe(aliceElsewhere, () => heard.push("alice elsewhere"));
    expect(realtime.subscriberCount).toBe(4);

    await notifyInbox(handle.db, [alice, alice]);
    await expect.poll(() => [...heard].sort()).toEqual(["alice", "alice again"]);

    stopAlice2();
    heard.length = 0;
    await notifyInbox(handle.db, [alice, bob]);
    await expect.poll(() => [...heard].sort()).toEqual(["alice", "bob"]);

    for (const stop of [stopAlice, stopBob, stopElsewhere]) stop();
    expect(realtime.subscriberCount).toBe(0);
  });

  it("sends signals inside a transaction at commit, and none when it rolls back", async () => {
    const realtime = startInboxRealtime(handle);
    await realtime.ready;
    let heard = 0;
    const stop = realtime.subscribe(bob, () => heard++);
    try {
      await handle.db
        .transaction(async (tx) => {
          await notifyInbox(tx, [bob]);
          throw new Error("roll back");
        })
        .catch(() => {});
      await handle.db.transaction(async (tx) => notifyInbox(tx, [bob]));
      await expect.poll(() => heard).toBe(1);
      // And nothing more arrives later.
      await notifyInbox(handle.db, [alice]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(heard).toBe(1);
    } finally {
      stop();
    }
  });

  it("ignores payloads that are not inbox signals", async () => {
    const realtime = startInboxRealtime(handle);
    await realtime.ready;
    let heard = 0;
    const stop = realtime.subscribe(alice, () => heard++);
    try {
      for (const payload of ["not json", "null", '{"w":1,"u":2}', "{}"]) await handle.db.execute(sql`select pg_notify(${INBOX_CHANNEL}, ${payload})`);
      await handle.db.execute(sql`select pg_notify(${INBOX_CHANNEL}, ${encodeSignal(alice)})`);
      await expect.poll(() => heard).toBe(1);
    } finally {
      stop();
    }
    expect(parseSignal(encodeSignal(bob))).toEqual(bob);
    expect(parseSignal("[]")).toBeNull();
  });

  it("refuses a database nobody listens on", async () => {
    await stopInboxRealtime(handle);
    expect(() => getInboxRealtime(handle.db)).toThrow(/startInboxRealtime/);
  });
});
