import { InngestTestEngine } from "@inngest/test";
import { and, eq, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/server/db/client";
import { notifications, users, workspaces } from "@/server/db/schema";
import { createJobsTestDatabase, daysAgo, insertEvents, insertWorkspace } from "../test-helpers";
import { enforceInboxHygiene } from "./enforce-inbox-hygiene";

describe("enforce-inbox-hygiene", () => {
  let handle: DbHandle;

  beforeAll(async () => {
    handle = await createJobsTestDatabase();
  });
  afterAll(() => handle.close());

  async function run() {
    // A fresh engine per run: an engine caches step results across its executions.
    const { result, error } = await new InngestTestEngine({ function: enforceInboxHygiene }).execute();
    expect(error).toBeUndefined();
    return result as { workspaces: number; expired: number; overCap: number };
  }

  let userCounter = 0;
  async function user() {
    const [row] = await handle.db.insert(users).values({ email: `hygiene-${++userCounter}@example.test` }).returning();
    return row!.id;
  }

  /** `count` entries of `userId`, created `age` days ago (one second apart, oldest first), read or not. */
  async function entries(workspaceId: string, userId: string, count: number, options: { ageDays: number; read: boolean; tag: string }) {
    const eventIds = await insertEvents(handle.db, workspaceId, count, { receivedAt: daysAgo(options.ageDays), title: options.tag });
    const base = daysAgo(options.ageDays).getTime();
    await handle.db.insert(notifications).values(
      eventIds.map((eventId, index) => ({
        workspaceId,
        userId,
        eventId,
        severity: "info" as const,
        createdAt: new Date(base + index * 1000),
        readAt: options.read ? new Date(base + index * 1000) : null,
      })),
    );
  }

  async function active(workspaceId: string, userId: string) {
    const rows = await handle.db
      .select({ title: sql<string>`(select title from events where events.id = ${notifications.eventId})` })
      .from(notifications)
      .where(and(eq(notifications.workspaceId, workspaceId), eq(notifications.userId, userId), isNull(notifications.archivedAt)));
    const counts: Record<string, number> = {};
    for (const row of rows) {
      const tag = row.title.replace(/ \d+$/, "");
      counts[tag] = (counts[tag] ?? 0) + 1;
    }
    return counts;
  }

  it("archives entries past each workspace's age, then the oldest read ones of members over the cap", async () => {
    const strict = await insertWorkspace(handle.db);
    const lenient = await insertWorkspace(handle.db);
    await handle.db.update(workspaces).set({ inboxCap: 100, inboxAutoArchiveDays: 30 }).where(eq(workspaces.id, strict.id));
    const [busy, quiet] = [await user(), await user()];

    // The strict workspace: 40 entries too old, then 150 recent ones for the busy member (over a cap of 100).
    await entries(strict.id, busy, 40, { ageDays: 31, read: false, tag: "old" });
    await entries(strict.id, busy, 30, { ageDays: 10, read: false, tag: "older unread" });
    await entries(strict.id, busy, 60, { ageDays: 5, read: true, tag: "read" });
    await entries(strict.id, busy, 60, { ageDays: 1, read: false, tag: "new unread" });
    await entries(strict.id, quiet, 20, { ageDays: 2, read: true, tag: "read" });
    // The lenient workspace keeps its 31-day-old entries (90 days, 10,000 entries by default).
    await entries(lenient.id, busy, 5, { ageDays: 31, read: true, tag: "old" });

    const result = await run();
    expect(result).toEqual({ workspaces: 2, expired: 40, overCap: 50 });
    // 150 recent entries, cap 100: the 50 oldest read ones go first; unread ones stay.
    expect(await active(strict.id, busy)).toEqual({ "older unread": 30, read: 10, "new unread": 60 });
    expect(await active(strict.id, quiet)).toEqual({ read: 20 });
    expect(await active(lenient.id, busy)).toEqual({ old: 5 });

    // Over the cap with unread entries only: the oldest unread go.
    await entries(strict.id, busy, 20, { ageDays: 0, read: false, tag: "newest" });
    expect(await run()).toEqual({ workspaces: 2, expired: 0, overCap: 20 });
    expect(await active(strict.id, busy)).toEqual({ "older unread": 20, "new unread": 60, newest: 20 });

    // Nothing left to do.
    expect(await run()).toEqual({ workspaces: 2, expired: 0, overCap: 0 });
  });
});
